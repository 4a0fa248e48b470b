"""One page of a list on a page: which rows (offset, size), how many in all, and the links 上一页/下一页.

INTERFACE.md: no page renders more than a few hundred rows, whatever the size of the install. The
rows are chosen and counted in the database (`limit`/`offset` and a `count(*)`); this only does the
arithmetic and builds the links, keeping the page's other query parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class Pager:
    """Page `page` (from 1) of `size` rows (else `PAGE_SIZE`); `total` is known once counted (`with_total`)."""

    path: str
    page: int = 1
    per_page: int | None = None
    total: int = 0
    params: Mapping[str, object] = field(default_factory=dict)
    name: str = "page"  # the query parameter, when a page shows two lists

    @property
    def size(self) -> int:
        return self.per_page or PAGE_SIZE  # read when used, so that one setting (or a test) changes every list

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def with_total(self, total: int) -> Pager:
        return Pager(self.path, self.page, self.per_page, int(total), self.params, self.name)

    def link(self, page: int) -> str:
        """The address of another page of the same list, with the same filters."""
        params = {k: v for k, v in self.params.items() if v not in ("", None)}
        if page > 1:
            params[self.name] = page
        return self.path + ("?" + urlencode(params) if params else "")
