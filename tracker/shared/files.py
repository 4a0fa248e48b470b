"""Sniffing uploaded and imported files: where the bytes come from, what they are, how text is encoded.

Every reader (targets tables, payment and result uploads) asks here, so a file is recognised the same
way whichever feature reads it.
"""

from __future__ import annotations

import codecs
import hashlib
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Literal

Source = bytes | Path | IO[bytes]
Sniffed = Literal["zip", "ole", "utf16", "binary", "text"]

BLOCK = 1 << 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, .doc and encrypted workbooks
ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .docx


@contextmanager
def open_source(source: Source) -> Iterator[IO[bytes]]:
    """A readable binary stream over bytes, a path or an open file (rewound to the start)."""
    if isinstance(source, bytes):
        yield io.BytesIO(source)
    elif isinstance(source, Path):
        with source.open("rb") as fh:
            yield fh
    else:
        source.seek(0)
        yield source


def sniff(head: bytes) -> Sniffed:
    """What the first bytes of a file say it is, whatever its name claims."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    if b"\x00" in head:
        return "binary"
    return "text"


def sha256_of(source: Source) -> str:
    """The file's SHA-256, read in blocks."""
    digest = hashlib.sha256()
    with open_source(source) as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def decodes(source: Source, encoding: str) -> bool:
    """Whether the whole file decodes in `encoding` (read in blocks, so a large file is not held twice)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        with open_source(source) as fh:
            while block := fh.read(BLOCK):
                decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030; UnicodeDecodeError (from GB18030) when neither fits."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return text.lstrip("\ufeff")
