"""Reading a class list file: .xlsx or CSV (UTF-8 with or without BOM, CP949/EUC-KR).

Returns the file's filled lines as text cells with their line numbers; knows nothing about
students or the database. Every limit is checked before the work that grows with what the
file declares, so a 2-row file, a zip bomb and a sheet that claims a million rows cost about
the same (bench/roster_files.py): the upload's size first; for .xlsx each zip member's
declared unpacked size (and no DTD) before openpyxl opens anything, then the first sheet's
XML streamed row by row, its declared dimension never used, at most MAX_COLUMNS + 1 cells of
a row parsed, stopping after `max_lines` filled rows or EMPTY_RUN empty ones; for CSV at most
`max_lines` filled lines, MAX_LINE_CHARS a line, MAX_COLUMNS + 1 cells a line and
MAX_RECORD_LINES lines a record (so csv's own field limit is never reached).
"""

import csv
import io
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field

MAX_FILE_BYTES = 1024 * 1024
# A whole grade's class list is well under 1 MB inside; these leave room for formatting. The
# sheets are streamed (sheet_rows); other parts, such as the shared strings and the styles,
# openpyxl reads whole, so they get less (bench/roster_files.py measures both at their limit).
MAX_ZIP_MEMBERS = 200
MAX_SHEET_BYTES = 8 * 1024 * 1024
MAX_PART_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 24 * 1024 * 1024
SHEET_PREFIX = "xl/worksheets/"
MAX_COLUMNS = 64  # cells read per line; one more is read to notice a cell past them
MAX_CELL_CHARS = 200  # longer than any field may be, so "too long" is still reported
EMPTY_RUN = 1000  # empty rows in a row that end an .xlsx sheet (formatting left below)
MAX_RECORD_LINES = 20  # a quoted CSV value may hold line breaks, but not this many
MAX_TEXT_CHARS = 60  # of a line that could not be read, shown in the preview
XLSX_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or a password-protected workbook
DELIMITERS = (",", "\t", ";")
CELL_REFERENCE = re.compile(r"^([A-Z]{1,3})\d")
MAX_LINE_CHARS = 6000  # a longer CSV line is cut here (20 of them stay under csv's field limit)
# What a damaged or unusual zip raises (RuntimeError: an encrypted member).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    zlib.error,
    ValueError,
)


class RosterFileError(ValueError):
    """The file as a whole cannot be read; `code` names the reason (see roster_messages)."""

    def __init__(self, code: str, **params):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass(frozen=True)
class Line:
    """A filled line of the file: its cells, or why it could not be read (`problem`)."""

    number: int
    cells: tuple[str, ...] = ()
    problem: str | None = None
    params: dict = field(default_factory=dict)
    text: str = ""  # the line as written, when it could not be read


@dataclass(frozen=True)
class Sheet:
    lines: tuple[Line, ...]
    more: bool  # filled lines remain after the first `max_lines`


def read_sheet(filename: str, data: bytes, max_lines: int) -> Sheet:
    """Read the first sheet or the CSV: at most `max_lines` filled lines.

    :raises RosterFileError: empty, too big, not a spreadsheet or CSV, an old .xls,
        unreadable encoding.
    """
    if not data or not data.strip():
        raise RosterFileError("empty")
    if len(data) > MAX_FILE_BYTES:
        raise RosterFileError("too_big", limit_kb=MAX_FILE_BYTES // 1024)
    name = (filename or "").lower()
    if data.startswith(XLSX_MAGIC):
        sheet = read_xlsx(data, max_lines)
    elif data.startswith(OLE2_MAGIC) or name.endswith(".xls"):
        raise RosterFileError("old_excel")
    elif name.endswith((".csv", ".txt")) or "." not in name:
        sheet = read_csv(data, max_lines)
    else:
        raise RosterFileError("wrong_type")
    if not sheet.lines:
        raise RosterFileError("empty")
    return sheet


def check_archive(data: bytes) -> None:
    """Refuse a zip whose members would unpack to more than a class list ever needs.

    zipfile never inflates a member past the size its directory declares, so checking the
    declared sizes bounds the work openpyxl can be made to do.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except ZIP_ERRORS as exc:
        raise RosterFileError("wrong_type") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise RosterFileError("unpacked_too_big", limit_mb=MAX_UNPACKED_BYTES // 2**20)
        for member in members:
            limit = MAX_SHEET_BYTES if member.filename.startswith(SHEET_PREFIX) else MAX_PART_BYTES
            if member.file_size > limit:
                raise RosterFileError("part_too_big", limit_mb=limit // 2**20)
        for member in members:
            if member.filename.endswith((".xml", ".rels")) and declares_dtd(archive, member):
                # No workbook needs a DTD; refusing one keeps entity tricks out of the parser.
                raise RosterFileError("wrong_type")


def declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    try:
        with archive.open(member) as handle:
            return b"<!DOCTYPE" in handle.read(4096).upper()
    except ZIP_ERRORS as exc:
        raise RosterFileError("wrong_type") from exc


def read_xlsx(data: bytes, max_lines: int) -> Sheet:
    # openpyxl loads here, not at start-up: a tenth of a second that only an upload needs.
    from openpyxl import load_workbook

    check_archive(data)
    with warnings.catch_warnings():
        # openpyxl warns about the parts of a workbook it skips (data validation, …).
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl
            raise RosterFileError("wrong_type") from exc
        try:
            if not workbook.worksheets:
                raise RosterFileError("empty")
            return collect_xlsx_lines(sheet_rows(workbook, workbook.worksheets[0]), max_lines)
        except RosterFileError:
            raise
        except Exception as exc:
            raise RosterFileError("wrong_type") from exc
        finally:
            workbook.close()


def sheet_rows(workbook, sheet):
    """(row number, cells) for each row the sheet's XML holds, in order.

    Rows that the XML leaves out cost nothing, and the sheet's declared dimension (up to
    A1:XFD1048576) is never used. Only the first MAX_COLUMNS + 1 cells of a row are parsed;
    the others are emptied as they stream by, and every row once read. (openpyxl's iter_rows
    parses all 16,384 cells of a row however few it returns.) openpyxl's own cell parser reads
    the values; the parts of it used here are pinned with it (requirements.txt).
    """
    from openpyxl.utils import column_index_from_string
    from openpyxl.worksheet._reader import CELL_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    parser = WorkSheetParser(
        None,
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    width = MAX_COLUMNS + 1
    cells, past, column = [""] * width, False, 0
    with sheet._get_source() as source:
        for _event, element in iterparse(source):  # "end" events: a cell or row is complete
            if element.tag == CELL_TAG:
                if not past:  # cells come in column order: once past the limit, the rest are too
                    reference = CELL_REFERENCE.match(element.get("r") or "")
                    column = column_index_from_string(reference.group(1)) if reference else column + 1
                    parser.col_counter = column
                    if column <= width:
                        cells[column - 1] = cell_text(parser.parse_cell(element)["value"])
                    past = column >= width
                element.clear()
            elif element.tag == ROW_TAG:
                parser.row_counter = int(element.get("r") or parser.row_counter + 1)
                yield parser.row_counter, cells
                element.clear()
                cells, past, column = [""] * width, False, 0


def collect_xlsx_lines(rows, max_lines: int) -> Sheet:
    """The filled rows, stopping after `max_lines` of them or after EMPTY_RUN empty rows in a
    row (rows missing from the XML count as empty): below that is formatting, not students."""
    lines, last_filled = [], 0
    for number, cells in rows:
        if number - last_filled > EMPTY_RUN:
            break
        filled = trim(cells)
        if not filled:
            continue
        if len(lines) == max_lines:
            return Sheet(tuple(lines), more=True)
        lines.append(Line(number, filled))
        last_filled = number
    return Sheet(tuple(lines), more=False)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 번호 5 as 5.0
    return str(value).strip()[:MAX_CELL_CHARS]


def trim(cells) -> tuple[str, ...]:
    """The cells without the empty ones at the end of the line."""
    cells = list(cells)
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells)


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise RosterFileError("wrong_type")  # binary, or UTF-16 (Excel's "Unicode text")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("encoding")


def guess_delimiter(text: str) -> str:
    """The delimiter found on most of the first filled lines (a title line may have none)."""
    sample = [line for line in text[:16384].splitlines() if line.strip()][:20]
    counts = {d: sum(1 for line in sample if d in line) for d in DELIMITERS}
    best = max(counts, key=counts.get)  # a tie keeps the comma
    return best if counts[best] else ","


class RecordFeed:
    """Physical lines for the csv module, one record at a time.

    Blank lines between records are passed over (counted); a record may take at most
    MAX_RECORD_LINES lines; after a broken quote, the lines after the first go back to be read
    again on their own.
    """

    def __init__(self, text: str):
        self._source = io.StringIO(text, newline="")
        self._read_from_source = 0
        self._again: list[tuple[int, str]] = []  # (number, line), the next one last
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        while len(self.taken) < MAX_RECORD_LINES:
            if self._again:
                number, line = self._again.pop()
            else:
                line = self._source.readline()
                if not line:
                    break
                self._read_from_source += 1
                number = self._read_from_source
            if not self.taken and not line.strip():
                continue
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + "\n"
            self.taken.append((number, line))
            return line
        raise StopIteration

    def start_record(self) -> None:
        self.taken = []

    def read_again(self, lines: list[tuple[int, str]]) -> None:
        self._again.extend(reversed(lines))


def read_csv(data: bytes, max_lines: int) -> Sheet:
    text = decode(data)
    feed = RecordFeed(text)
    reader = csv.reader(feed, delimiter=guess_delimiter(text), quotechar='"', doublequote=True, strict=True)
    lines = []
    while True:
        feed.start_record()
        try:
            cells = next(reader)
            line = record_line(feed.taken, cells)
        except StopIteration:
            return Sheet(tuple(lines), more=False)
        except csv.Error as error:
            # A quote that is never closed, or text right after a closing quote: this line
            # cannot be read, and the lines it would swallow are read again on their own.
            first, *rest = feed.taken
            feed.read_again(rest)
            stray = not rest and "expected after" in str(error)  # `"김민준"x`
            line = Line(
                first[0], problem="stray_quote" if stray else "unclosed_quote", text=shorten(first[1])
            )
        if line is None:
            continue
        if len(lines) == max_lines:
            return Sheet(tuple(lines), more=True)
        lines.append(line)


def record_line(taken: list[tuple[int, str]], cells: list[str]) -> Line | None:
    (number, first), (last, _text) = taken[0], taken[-1]
    if last != number:
        # Closed, but on a later line: the lines between belong to one value, which no
        # class list means. Say so rather than guess.
        return Line(number, problem="quoted_lines", params={"end": last}, text=shorten(first))
    cells = trim(c.strip()[:MAX_CELL_CHARS] for c in cells[: MAX_COLUMNS + 1])
    return Line(number, cells) if cells else None


def shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"
