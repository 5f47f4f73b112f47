"""Class list files as schools have them, made in memory: NEIS exports with a title row, Excel
leftovers, broken quotes, and files built to exhaust a server (used by tests and bench/)."""

import io
import re
import struct
import zipfile

from openpyxl import Workbook

NEIS_TITLE = "2026학년도 2학년 6반 학생 명렬표"
NAMES = ["김민준", "이서연", "박지호", "최하은", "정도윤", "강서윤", "조하준", "윤지우", "장은우", "임수아"]


def student_names(count: int) -> list[str]:
    """Distinct Korean names (CP949-safe): 김민준, 이서연, …, then 김민준2 …"""
    return [
        NAMES[n % len(NAMES)] + (str(n // len(NAMES) + 1) if n >= len(NAMES) else "") for n in range(count)
    ]


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def neis_xlsx(students: int = 3, broken: dict | None = None) -> bytes:
    """A NEIS-style list: a title row, an empty row, then 학년/반/번호/성명; `broken`
    replaces whole rows by their 번호 (for a row with a problem)."""
    rows = [[NEIS_TITLE], [], ["학년", "반", "번호", "성명", "성별"]]
    for number, name in enumerate(student_names(students), start=1):
        rows.append((broken or {}).get(number, [2, 6, number, name, "남" if number % 2 else "여"]))
    return xlsx(rows)


def rewrite_member(data: bytes, member: str, change) -> bytes:
    """The workbook with one member's text changed by `change(text) -> text`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, content)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def dimension_claim(data: bytes, ref: str = "A1:XFD1048576") -> bytes:
    """The sheet claims to span `ref` (Excel's whole grid) while holding a few rows."""
    return rewrite_member(
        data, SHEET, lambda text: re.sub(r'<dimension ref="[^"]*"', f'<dimension ref="{ref}"', text)
    )


def formatting_on_last_row(data: bytes, columns: int = 26) -> bytes:
    """Excel leftovers: formatted, empty cells on row 1,048,576, and a dimension that covers them."""
    cells = "".join(f'<c r="{column_letter(c)}1048576" s="0"/>' for c in range(1, columns + 1))
    row = f'<row r="1048576" customFormat="1">{cells}</row>'
    data = rewrite_member(data, SHEET, lambda text: text.replace("</sheetData>", row + "</sheetData>"))
    return dimension_claim(data, f"A1:{column_letter(columns)}1048576")


def column_letter(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def zip_bomb(megabytes: int = 9, member: str = SHEET) -> bytes:
    """A small workbook one of whose members inflates to `megabytes` MB of nothing."""
    data = xlsx([["이름"], ["김민준"]])
    padding = b"<!-- " + b"0" * (megabytes * 2**20) + b" -->"
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == member:
                content = padding + content  # a comment before the XML: still well-formed

            target.writestr(info.filename, content)
    return buffer.getvalue()


def understate_size(data: bytes, member: str, size: int = 100) -> bytes:
    """The zip's directory says `member` is `size` bytes unpacked, whatever it really is."""
    data = bytearray(data)
    name = member.encode()
    position = data.find(b"PK\x01\x02")
    while position != -1:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == name:
            struct.pack_into("<I", data, position + 24, size)
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


def many_rows_xlsx(count: int) -> bytes:
    """`count` short rows, written straight as sheet XML (openpyxl would take minutes for a million)."""
    data = xlsx([["이름"], ["김민준"]])
    rows = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>s{n}</t></is></c></row>' for n in range(3, count + 3)
    )
    data = rewrite_member(data, SHEET, lambda text: text.replace("</sheetData>", rows + "</sheetData>"))
    return dimension_claim(data, f"A1:A{count + 2}")


def shared_strings(data: bytes, table: str) -> bytes:
    """The workbook with a shared-strings part (openpyxl itself writes strings inline)."""
    part = '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    data = rewrite_member(
        data, "[Content_Types].xml", lambda text: text.replace("</Types>", part + "</Types>")
    )
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/sharedStrings.xml", table)
    return buffer.getvalue()


def wide_row_xlsx(columns: int = 16384) -> bytes:
    """A heading row and one student whose row runs on to column XFD."""
    data = xlsx([["이름"], ["김민준"]])
    cells = "".join(
        f'<c r="{column_letter(c)}3" t="inlineStr"><is><t>x</t></is></c>' for c in range(1, columns + 1)
    )
    return rewrite_member(
        data, SHEET, lambda text: text.replace("</sheetData>", f'<row r="3">{cells}</row></sheetData>')
    )


def csv_bytes(lines, encoding: str = "cp949") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def class_csv(students: int = 30, broken_line: int | None = None, encoding: str = "cp949") -> bytes:
    """번호,이름 and `students` rows; on file line `broken_line` the name opens a quote it never
    closes (`20,"윤시온`), as one stray key press does."""
    lines = ["번호,이름"]
    for number, name in enumerate(student_names(students), start=1):
        line = f"{number},{name}"
        if len(lines) + 1 == broken_line:
            line = f'{number},"{name}'
        lines.append(line)
    return csv_bytes(lines, encoding)
