"""Unvouchered payments equal to another row of the same file: warned about, never refused.

Two equal payments in one file (same project, date, amount and note) may both be real, so the upload
writes them and asks the unit to check. Each chunk leaves only a 64-bit digest and the row number of
its new unvouchered payments, so a file of any length is compared whole at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracker.actuals.report import Issues


def _digest(frame: pd.DataFrame) -> np.ndarray:
    keyed = pd.DataFrame(
        {
            "project_id": frame["project_id"].astype("int64").to_numpy(),
            "paid_on": frame["paid_on"].astype(object).to_numpy(),
            "amount_fen": frame["amount_fen"].astype("int64").to_numpy(),
            "note": frame["note"].astype(object).to_numpy(),
        }
    )
    return pd.util.hash_pandas_object(keyed, index=False).to_numpy()


@dataclass(slots=True)
class Repeats:
    """The digests of a file's new unvouchered payments, chunk by chunk."""

    digests: list[pd.DataFrame] = field(default_factory=list)

    def add(self, fresh: pd.DataFrame) -> None:
        """A chunk's new unvouchered payments (project_id, paid_on, amount_fen, note, row)."""
        self.digests.append(pd.DataFrame({"digest": _digest(fresh), "row": fresh["row"].to_numpy()}))

    def warn(self, warnings: Issues, header: str, sheet: str | None) -> None:
        """A warning on every row equal to an earlier one, naming the first."""
        if not self.digests:
            return
        seen = pd.concat(self.digests, ignore_index=True)
        first = seen.drop_duplicates("digest").set_index("digest")["row"]
        again = seen[seen["digest"].duplicated()]
        messages = [
            f"与第{first[d]}行完全相同（同一项目、日期、金额、备注）；两笔相同的支付可能属实，请核对"
            for d in again["digest"].head(warnings.room())
        ]
        warnings.add_rows(again["row"].tolist(), header, messages, sheet)
