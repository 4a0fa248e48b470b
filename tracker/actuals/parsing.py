"""Reading upload files: CSV (UTF-8, UTF-8 with BOM, GB18030) and XLSX, in chunks of canonical text columns.

The file is checked before it is parsed: size limit, type by content, encoding, and for a workbook the
archive's uncompressed size (a zip bomb is refused before openpyxl opens it). Every cell is read as text,
so codes keep their leading zeros. Rows are numbered as the spreadsheet shows them (header = row 1).
CSV is read here, workbooks in workbook.py; both build on chunks.py.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from tracker.actuals.chunks import Chunk, Progress
from tracker.actuals.report import RowIssue, UploadRejected, file_error
from tracker.actuals.treasury import HEADER_ROWS, header_at, reading_for
from tracker.actuals.workbook import xlsx_chunks
from tracker.actuals.xls import xls_chunks
from tracker.shared.files import BLOCK, Source, decodes, open_source, sniff

EXPANSION_FACTOR = 20  # a workbook may expand to 20× the upload limit; beyond that it is refused as a bomb
MAX_ARCHIVE_MEMBERS = 10_000
_TEXT_SUFFIXES = {"", ".csv", ".txt"}


@dataclass(frozen=True, slots=True)
class FileInfo:
    filename: str
    size: int
    sha256: str
    fmt: Literal["csv", "xlsx", "xls"]
    encoding: str = "utf-8"
    sep: str = ","
    equals: bool = True  # an '=' occurs somewhere: cells are checked for formulas


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def inspect(source: Source, *, filename: str, max_bytes: int) -> FileInfo:
    """Size, digest, type and encoding of a file, or UploadRejected naming what is wrong with it."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    utf8_ok, size, head, equals = True, 0, b"", False
    lines, nul_line = 1, 0  # the text line of the first NUL byte (0: none)
    with open_source(source) as fh:
        while block := fh.read(BLOCK):
            size += len(block)
            if not nul_line:
                at = block.find(b"\x00")
                nul_line = lines + block.count(b"\n", 0, at) if at >= 0 else 0
                lines += block.count(b"\n")
            if size > max_bytes:
                raise file_error(f"文件大小超过上限 {_mb(max_bytes)}")
            if len(head) < 65536:
                head += block[: 65536 - len(head)]
            digest.update(block)
            equals = equals or b"=" in block
            if utf8_ok:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    utf8_ok = False
        if utf8_ok:
            try:
                utf8.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8_ok = False
    sha = digest.hexdigest()
    suffix = Path(filename).suffix.lower()
    if not head.strip(b" \t\r\n\xef\xbb\xbf,;"):
        raise file_error("文件为空")
    kind = sniff(head)
    if kind == "zip":
        if suffix not in (".xlsx", ""):
            raise file_error(f"文件类型不受支持（{suffix}）：请上传 CSV 或 XLSX 文件")
        _check_archive(source, max_bytes)
        return FileInfo(filename, size, sha, "xlsx")
    if kind == "ole" and suffix == ".xls":  # the budget system's older exports; an encrypted one fails to open
        return FileInfo(filename, size, sha, "xls")
    if kind == "ole":
        raise file_error("不支持旧版 .xls 或加密的工作簿：请另存为 .xlsx 或 CSV（UTF-8）")
    if kind == "utf16":
        raise file_error("不支持 UTF-16 编码的文本：请另存为“CSV UTF-8（逗号分隔）”")
    if suffix not in _TEXT_SUFFIXES:
        raise file_error(f"文件类型不受支持（{suffix or '未知'}）：请上传 CSV 或 XLSX 文件")
    if nul_line:  # PostgreSQL cannot store it, and no spreadsheet writes one into a CSV
        raise file_error(f"第{nul_line}行含有空字符（\\x00），不是正常的 CSV 文本：请删除后重试")
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif utf8_ok:
        encoding = "utf-8"
    elif decodes(source, "gb18030"):
        encoding = "gb18030"
    else:
        raise file_error("无法识别文件编码：请保存为 UTF-8 或 GB18030 编码的 CSV")
    # the first line's separator; a treasury export's title line may hold none: then the first line that does
    first_lines = head.decode(encoding, errors="ignore").lstrip("\ufeff").splitlines()[:HEADER_ROWS]
    line = next((t for t in first_lines if any(s in t for s in (",", "\t", ";"))), "")
    sep = max((",", "\t", ";"), key=line.count)
    return FileInfo(filename, size, sha, "csv", encoding, sep if line.count(sep) else ",", equals)


def _check_archive(source: Source, max_bytes: int) -> None:
    """Refuse a workbook that is not one, or whose members would expand beyond a sane size."""
    with open_source(source) as fh:
        try:
            with zipfile.ZipFile(fh) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, EOFError):
            raise file_error("文件已损坏，或不是 Excel 工作簿（.xlsx）") from None
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise file_error("压缩包不是 Excel 工作簿（.xlsx）：请上传 CSV 或 XLSX 文件")
    expanded = sum(m.file_size for m in members)
    limit = EXPANSION_FACTOR * max_bytes
    if len(members) > MAX_ARCHIVE_MEMBERS or expanded > limit:
        raise file_error(f"工作簿解压后大小 {_mb(expanded)} 超过上限 {_mb(limit)}，疑似压缩炸弹，已拒绝")


def iter_chunks(
    source: Source, info: FileInfo, *, chunk_rows: int = 50_000, progress: Progress | None = None
) -> Iterator[Chunk]:
    """The file's rows in chunks; UploadRejected for a sheet whose header cannot be read."""
    if info.fmt == "csv":
        yield from _csv_chunks(source, info, chunk_rows, progress)
    elif info.fmt == "xls":
        yield from xls_chunks(source, chunk_rows, progress)
    else:
        yield from xlsx_chunks(source, chunk_rows, progress)


def _csv_chunks(source: Source, info: FileInfo, chunk_rows: int, progress: Progress | None) -> Iterator[Chunk]:
    with open_source(source) as fh:
        head = fh.read(65536).decode(info.encoding, errors="ignore").lstrip("\ufeff")
        top = _top_records(head, info.sep)
        at = header_at(top)  # a treasury export's title and date-range lines come before its header
        headers = top[at] if top else []
        reading = reading_for(headers, None)
        kind, names, written = reading.kind, reading.positions, reading.written
        if too_long := _first_row_too_long(head, info.sep, len(headers), complete=info.size <= 65536, at=at):
            raise too_long
        fh.seek(0)
        # every column is read (not `usecols`), so that a row with more fields than the header is an
        # error naming it rather than silently cut (an unquoted 1,000.00 would shift into the next column)
        first = at + 2  # rows numbered as the file shows them
        try:  # the tokenizer may fail as the reader is made (a quote never closed) or on any chunk
            reader = pd.read_csv(
                fh,
                sep=info.sep,
                header=0,
                skiprows=at,
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                chunksize=chunk_rows,
                encoding=info.encoding,
                engine="c",
            )
            for frame in reader:
                frame = frame.iloc[:, sorted(names)]
                frame.columns = [names[p] for p in sorted(names)]
                frame = reading.finish(frame.reset_index(drop=True), first)
                first += len(frame)
                issues = _csv_formulas(frame, written) if info.equals else []
                if progress:
                    progress("检查", fh.tell(), info.size)
                yield Chunk(kind, None, frame, written, issues, reading.unit, reading.mapping is not None)
        except pd.errors.ParserError as exc:
            raise csv_error(str(exc), len(headers)) from None


def _top_records(head: str, sep: str) -> list[list[str]]:
    """The first records of the text (blank lines as empty records), where the header is looked for."""
    try:
        return list(itertools.islice(csv.reader(io.StringIO(head), delimiter=sep), HEADER_ROWS))
    except csv.Error:
        return [next(csv.reader(io.StringIO(head.splitlines()[0] if head else ""), delimiter=sep), [])]


def _first_row_too_long(head: str, sep: str, columns: int, complete: bool, at: int = 0) -> UploadRejected | None:
    """A first data row with more fields than the header, which pandas would drop with a mere warning.

    (It takes one extra field there for an index column; in later rows the tokenizer fails, see csv_error.)
    """
    try:
        records = list(csv.reader(io.StringIO(head), delimiter=sep))[at:]
    except csv.Error:
        return None  # NUL and the like: the reader below names them
    if len(records) < 2 or (len(records) == 2 and not complete):
        return None  # the first data row is not wholly inside the head
    if (saw := len(records[1])) > columns:
        return csv_error(f"Expected {columns} fields in line {at + 2}, saw {saw}", columns)
    return None


def csv_error(text: str, columns: int) -> UploadRejected:
    """pandas' tokenizer message as a row message in Chinese."""
    if m := re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text):
        line, saw = int(m[2]), int(m[3])
        return file_error(
            f"第{line}行有{saw}个字段，多于表头的{columns}列：含逗号的内容（如 1,000.00）请加英文引号，或去掉千分位逗号"
        )
    if m := re.search(r"EOF inside string starting at row (\d+)", text):
        line = int(m[1]) + 1
        return file_error(f'第{line}行的英文引号（"）没有闭合，从这一行到文件末尾都被当成了一个单元格')
    return file_error("CSV 格式错误，无法按行读取：请用 Excel 另存为“CSV UTF-8（逗号分隔）”后重试")


def _csv_formulas(frame: pd.DataFrame, headers: dict[str, str]) -> list[RowIssue]:
    rows = frame["row"].tolist()
    return [
        RowIssue(row, header, "不能使用公式，请填写数值")
        for name, header in headers.items()
        for row, value in zip(rows, frame[name].tolist(), strict=True)
        if value.lstrip().startswith("=")
    ]
