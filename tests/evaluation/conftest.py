"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def table1_bytes(changli_bytes: bytes) -> bytes:
    """The 昌黎县 file cut down to its header and table 1 (8 indicators), for tests of one project."""
    lines = changli_bytes.split(b"\n")
    end = next(n for n, line in enumerate(lines) if line.startswith("2.残疾人两项补贴".encode()))
    return b"\n".join(lines[:5] + lines[7:end])
