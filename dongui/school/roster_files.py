"""Reading a class list file: .xlsx or CSV (UTF-8 with or without BOM, CP949/EUC-KR).

Returns rows of text with their line numbers; knows nothing about students or the database.
"""

import csv
import io
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook

MAX_FILE_BYTES = 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class RosterFileError(ValueError):
    """The file as a whole cannot be read; `code` names the reason (see roster_messages)."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    header_line: int
    rows: tuple[tuple[int, tuple[str, ...]], ...]  # (line number, cells)


def read_table(filename: str, data: bytes) -> Table:
    """Read the first sheet or the CSV into text cells.

    :raises RosterFileError: empty, too big, not a spreadsheet or CSV, unreadable encoding.
    """
    if not data or not data.strip():
        raise RosterFileError("empty")
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError("too_big", limit_kb=MAX_FILE_BYTES // 1024)
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC) or name.endswith(".xlsx"):
        lines = read_xlsx(data)
    elif name.endswith((".csv", ".txt")) or not name or "." not in name:
        lines = read_csv(data)
    else:
        raise RosterFileError("wrong_type")
    return to_table(lines)


def read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise RosterFileError("wrong_type") from exc
    try:
        sheet = workbook.worksheets[0]
        return [(number, [cell_text(v) for v in values])
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)]
    except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl
        raise RosterFileError("wrong_type") from exc
    finally:
        workbook.close()


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 번호 5 as 5.0
    return str(value).strip()


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise RosterFileError("wrong_type")  # binary, or UTF-16 (Excel's "Unicode text")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("encoding")


def read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    text = decode(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        return [(reader.line_num, [c.strip() for c in cells]) for cells in reader]
    except csv.Error as exc:
        raise RosterFileError("wrong_type") from exc


def to_table(lines) -> Table:
    filled = [(number, cells) for number, cells in lines if any(c.strip() for c in cells)]
    if not filled:
        raise RosterFileError("empty")
    (header_line, header), rows = filled[0], filled[1:]
    width = len(header)
    padded = tuple((n, tuple((cells + [""] * width)[:max(width, len(cells))])) for n, cells in rows)
    return Table(header=tuple(h.strip() for h in header), header_line=header_line, rows=padded)
