"""Recognise a target file's layout from its content and read it into a cells.Document (DOMAIN.md §1.2).

Zip archives are Word or Excel by their members, OLE files are the older .xls, `%PDF` is a PDF whose
text is then read as a text layout, and anything else is text in the tab layout or, failing that,
the plain layout. A file in none of them is refused with the list of layouts and where reading stopped.
"""

from __future__ import annotations

import io
import zipfile

from tracker.shared.files import sniff
from tracker.targets.cells import Document, TableFormatError, unknown_layout
from tracker.targets.layouts.docx import read_docx
from tracker.targets.layouts.pdf import pdf_text
from tracker.targets.layouts.sheet import read_xls, read_xlsx
from tracker.targets.layouts.text import decode, read_plain_text, read_tab_text


def read_document(data: bytes) -> Document:
    """The tables of a target file in any known layout; TableFormatError (an unknown layout) otherwise."""
    kind = sniff(data[:8])
    if kind == "zip":
        doc = _archive(data)
    elif kind == "ole":
        doc = read_xls(data)
    elif data.lstrip()[:5] == b"%PDF-":
        doc = _text_layouts(pdf_text(data), prefix="PDF 文字")
        doc.layout = f"PDF（{doc.layout}）"
    else:
        doc = _text_layouts(decode(data))
    if not doc.tables:
        raise unknown_layout(1, doc.stopped)
    return doc


def _archive(data: bytes) -> Document:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        raise TableFormatError(1, "文件已损坏：既不是完整的 Word 文档，也不是完整的 Excel 工作簿") from None
    if "word/document.xml" in names:
        return read_docx(data)
    if "xl/workbook.xml" in names:
        return read_xlsx(data)
    doc = Document("", [], [])
    doc.stopped = "压缩包中既没有 Word 文档（word/document.xml）也没有 Excel 工作簿（xl/workbook.xml）"
    return doc


def _text_layouts(text: str, *, prefix: str = "") -> Document:
    """The tab layout when it finds tables, else the plain layout; place names prefixed for a PDF."""
    lines = text.count("\n") + 1
    for read in (read_tab_text, read_plain_text):
        doc = read(text)
        if doc.tables:
            if prefix:
                doc.where = lambda n: f"{prefix}第{n}行"
                doc.warnings = [f"{prefix}{w}" for w in doc.warnings]
            return doc
    doc = Document("", [], [])
    doc.stopped = f"读完全部 {lines} 行文字，没有一个“…绩效目标表”标题下接单位编码和名称（如“314001昌黎县民政局本级”）"
    return doc
