"""The zip of an export (`?bundle=zip`, the monitoring zip) is assembled on disk, not in memory.

Rule checked: whatever the number of workbooks (60,000 projects make some 75,000), the zip sink holds
only the workbook being added; the finished zip is a file that the answer streams, member for member
what was put.
"""

from __future__ import annotations

import os
import tracemalloc
import zipfile
from typing import IO

from tracker.shared.export import Writer, ZipSink

MEMBER = 512 * 1024
MEMBERS = 40  # 20 MB of workbooks in all


def test_the_zip_sink_holds_one_workbook_in_memory_at_a_time() -> None:
    members = {f"units/{n:03d}.xlsx": os.urandom(MEMBER) for n in range(MEMBERS)}

    def writer(data: bytes) -> Writer:
        def write(target: str | IO[bytes]) -> None:
            assert not isinstance(target, str)
            target.write(data)

        return write

    sink = ZipSink()
    tracemalloc.start()
    try:
        for name, data in members.items():
            sink.put(name, writer(data))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MEMBER < MEMBERS * MEMBER  # a few copies of one member, never the whole zip
    file = sink.close()
    with file, zipfile.ZipFile(file) as done:
        assert done.namelist() == list(members)
        assert all(done.read(name) == data for name, data in members.items())
