"""The checked payment rows of one upload, waiting to be written: in memory, or on disk for a large file.

A file is checked whole before anything is written (a bad row anywhere writes nothing), so its good rows
must wait somewhere. Up to `keep` rows they stay in memory; past that every chunk is pickled into a
temporary folder and read back one at a time for writing, so memory stays at one chunk and no row is
checked twice (reading and checking the file a second time cost a 1,000,000-row upload a third of its time).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd


class CheckedRows:
    """Chunks of checked rows (payment_rows.VALID columns) in file order."""

    def __init__(self, keep: int) -> None:
        self.keep = keep
        self.rows = 0
        self._frames: list[pd.DataFrame] = []
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._paths: list[Path] = []

    @property
    def spilled(self) -> bool:
        """Whether the rows went to disk (the file was larger than `keep` rows)."""
        return self._folder is not None

    def add(self, frame: pd.DataFrame) -> None:
        self.rows += len(frame)
        if self._folder is None and self.rows <= self.keep:
            self._frames.append(frame)
            return
        if self._folder is None:  # past `keep`: what was kept goes to disk first, in order
            self._folder = tempfile.TemporaryDirectory(prefix="tracker-upload-")
            for kept in self._frames:
                self._spill(kept)
            self._frames = []
        self._spill(frame)

    def _spill(self, frame: pd.DataFrame) -> None:
        assert self._folder is not None
        path = Path(self._folder.name) / f"{len(self._paths):06d}.pkl"
        frame.to_pickle(path)  # written and read back by this process only
        self._paths.append(path)

    def __iter__(self) -> Iterator[pd.DataFrame]:
        """The rows in file order: those kept in memory, or those on disk read back in parts of up to `keep`
        rows (no more than a file kept whole holds; fewer, larger writes touch each index page less often)."""
        yield from self._frames
        part: list[pd.DataFrame] = []
        rows = 0
        for path in self._paths:
            frame = pd.read_pickle(path)
            if part and rows + len(frame) > self.keep:
                yield pd.concat(part, ignore_index=True)
                part, rows = [], 0
            part.append(frame)
            rows += len(frame)
        if part:
            yield pd.concat(part, ignore_index=True)

    def close(self) -> None:
        """Remove the folder on disk, if any (also done at exit should a caller forget)."""
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None
            self._paths = []
