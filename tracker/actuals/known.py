"""The recorded payments of the projects a large file names many times, read once and matched in memory.

A row without a voucher is compared with the recorded live payments of its project (identity.py): by
default one index lookup of its (project, date, amount). A lookup costs several times what reading one
stored payment does, so once the rows looked up for a project reach half the payments it has recorded
(BUY_AT), its payments are read once and its later rows matched here: a file that names each project
many times (1,000,000 rows over 4,400 projects) stops looking up after its second chunk, and a file spread
thinly over a province (a couple of rows a project) keeps looking up. A project with no recorded payment
is never looked up once that is known. At most LIMIT payments are held, so memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

LIMIT = 300_000  # payments held in memory at most (about 70 MB)
BUY_AT = 0.5  # rows looked up for a project, as a share of its recorded payments, before they are read

Key = tuple[int, str, int, str]  # project id, date (ISO), amount in fen, note
Found = tuple[str, int, int]  # voucher, batch, row of the recorded payment


def key_hashes(pid: np.ndarray, fen: np.ndarray) -> np.ndarray:
    """A 64-bit mix of each (project, amount): equal keys mix equal; a match is then checked in full."""
    mixed = np.asarray(pid, dtype=np.int64).view(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return mixed ^ np.asarray(fen, dtype=np.int64).view(np.uint64)


@dataclass(slots=True)
class KnownPayments:
    """What one upload knows of the recorded live payments, project by project."""

    stored: dict[int, int] = field(default_factory=dict)  # live payments per project before the file
    probed: dict[int, int] = field(default_factory=dict)  # rows looked up per project so far
    held: dict[Key, Found] = field(default_factory=dict)  # the first (by id) payment of each key held
    projects: set[int] = field(default_factory=set)  # projects whose every payment is in `held`
    size: int = 0  # payments read into `held`
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.uint64))  # of `held`, sorted

    def counted(self, counts: dict[int, int]) -> None:
        """The live payments each project has recorded; a project with none needs no lookup at all."""
        self.stored.update(counts)
        self.projects.update(p for p, n in counts.items() if n == 0)

    def holds(self, pid: np.ndarray) -> np.ndarray:
        """Which rows' projects are matched here rather than looked up."""
        if not self.projects:
            return np.zeros(len(pid), dtype=bool)
        return np.asarray(pd.Series(pid).isin(self.projects).to_numpy(), dtype=bool)

    def looked_up(self, pid: np.ndarray) -> None:
        """Count the rows just looked up, per project."""
        ids, counts = np.unique(pid, return_counts=True)
        for p, n in zip(ids.tolist(), counts.tolist(), strict=True):
            self.probed[p] = self.probed.get(p, 0) + n

    def worth_reading(self) -> list[int]:
        """Projects whose lookups reached BUY_AT of their recorded payments, as many as LIMIT leaves room for."""
        out, room = [], LIMIT - self.size
        for p, n in sorted(self.probed.items()):
            stored = self.stored.get(p)
            if stored is None or p in self.projects or n < BUY_AT * stored or stored > room:
                continue
            out.append(p)
            room -= stored
        return out

    def add(self, projects: list[int], payments: Iterable[tuple[Key, Found]]) -> None:
        """The live payments of `projects` (of equal keys the first met is kept, as a lookup keeps it)."""
        keys: list[Key] = []
        for key, found in payments:
            self.size += 1
            if key not in self.held:
                self.held[key] = found
                keys.append(key)
        self.projects.update(projects)
        if keys:
            pid = np.fromiter((k[0] for k in keys), dtype=np.int64, count=len(keys))
            fen = np.fromiter((k[2] for k in keys), dtype=np.int64, count=len(keys))
            self.hashes = np.union1d(self.hashes, key_hashes(pid, fen))

    def find(self, pid: np.ndarray, day: np.ndarray, fen: np.ndarray, note: np.ndarray) -> dict[int, Found]:
        """The held payment equal to each row, by the row's position (rows without one are left out)."""
        if not self.held:
            return {}
        mixed = key_hashes(pid, fen)
        at = np.searchsorted(self.hashes, mixed).clip(max=len(self.hashes) - 1)
        maybe = np.flatnonzero(self.hashes[at] == mixed)  # same project and amount: compared in full below
        out: dict[int, Found] = {}
        for i in maybe.tolist():
            hit = self.held.get((int(pid[i]), str(day[i]), int(fen[i]), str(note[i])))
            if hit is not None:
                out[i] = hit
        return out
