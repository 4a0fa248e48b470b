"""The days on which the projects a large file names many times have recorded payments, read once.

A row without a voucher is compared with the recorded live payments of its project (identity.py): one
index lookup of its (project, date, amount). A row can only equal a recorded payment of its own project
and date, so once a project's days are known, its rows on other days need no lookup. Reading a project's
days costs a pass over its part of the (project, date) index, so it is done once the rows looked up for
the project reach the payments it has recorded (BUY_AT), this chunk's rows counted: a file naming
each project many times (1,000,000 rows over 4,400 projects) looks up only the rows on a day with
payments, and a file spread thinly over a province (a couple of rows a project) keeps looking up. A project with no
recorded payment is never looked up once that is known. At most LIMIT days are held (8 bytes each).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.actuals.lookups import epoch_days

LIMIT = 2_000_000  # (project, day) pairs held at most: 16 MB
BUY_AT = 1.0  # rows to look up for a project, as a share of its recorded payments, before its days are read
_DAY_BITS = 20  # a day as days since 1970 plus 2**19: 1 March 534 to 3405, far past any budget year


def day_keys(pid: np.ndarray, day: np.ndarray) -> np.ndarray:
    """(project, day) as one integer each; `day` as ISO text or dates."""
    days = epoch_days(day) + (1 << (_DAY_BITS - 1))
    return np.asarray((np.asarray(pid, dtype=np.int64) << _DAY_BITS) | days, dtype=np.int64)


@dataclass(slots=True)
class KnownPayments:
    """What one upload knows of the recorded payments' days, project by project."""

    stored: dict[int, int] = field(default_factory=dict)  # live payments per project before the file
    probed: dict[int, int] = field(default_factory=dict)  # rows to look up per project so far
    projects: set[int] = field(default_factory=set)  # projects whose every day with a payment is in `days`
    days: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # day_keys, sorted, unique

    def counted(self, counts: dict[int, int]) -> None:
        """The live payments each project has recorded; a project with none needs no lookup at all."""
        self.stored.update(counts)
        self.projects.update(p for p, n in counts.items() if n == 0)

    def holds(self, pid: np.ndarray) -> np.ndarray:
        """Which rows' projects have their days known."""
        if not self.projects:
            return np.zeros(len(pid), dtype=bool)
        return np.asarray(pd.Series(pid).isin(self.projects).to_numpy(), dtype=bool)

    def paid_that_day(self, pid: np.ndarray, day: np.ndarray) -> np.ndarray:
        """Which rows (of projects held) fall on a day their project has a recorded payment."""
        if not len(self.days) or not len(pid):
            return np.zeros(len(pid), dtype=bool)
        keys = day_keys(pid, day)
        at = np.searchsorted(self.days, keys).clip(max=len(self.days) - 1)
        return np.asarray(self.days[at] == keys, dtype=bool)

    def looked_up(self, pid: np.ndarray) -> list[int]:
        """Count the rows to look up, per project (before deciding which projects' days to read); the projects."""
        ids, counts = np.unique(pid, return_counts=True)
        for p, n in zip(ids.tolist(), counts.tolist(), strict=True):
            self.probed[p] = self.probed.get(p, 0) + n
        return list(ids.tolist())

    def worth_reading(self, projects: list[int]) -> list[int]:
        """Of `projects` (those just counted: no other one's count moved), those whose lookups reached BUY_AT of
        their recorded payments, as many as LIMIT leaves room for."""
        out, room = [], LIMIT - len(self.days)
        for p in sorted(projects):
            n, stored = self.probed.get(p, 0), self.stored.get(p)
            if stored is None or p in self.projects or n < BUY_AT * stored or stored > room:
                continue
            out.append(p)
            room -= stored
        return out

    def add(self, projects: list[int], pid: np.ndarray, day: np.ndarray) -> None:
        """Every (project, day) of a recorded payment of `projects` (withdrawn ones may be among them)."""
        self.projects.update(projects)
        if len(pid):
            keys = np.sort(np.concatenate([self.days, day_keys(pid, day)]))
            self.days = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
