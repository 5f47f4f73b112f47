"""Reading class list files (no app, no database): the rules for the files schools really have,
and the limits that keep a hostile file as cheap as a 2-row one. Every file is made here."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from dongui.school import roster_files
from dongui.school.roster import MAX_ROWS, parse_upload
from dongui.school.roster_files import (
    EMPTY_RUN,
    MAX_COLUMNS,
    MAX_PART_BYTES,
    MAX_SHEET_BYTES,
    MAX_UNPACKED_BYTES,
    read_sheet,
)
from tests import roster_samples as samples

THREE = samples.xlsx([["이름"], ["김민준"], ["이서연"], ["박지호"]])


def codes(preview):
    return [(p.line, p.code) for p in preview.problems]


def names(preview):
    return [row.name for row in preview.good_rows]


# Headings where they are


def test_a_neis_export_with_a_title_row_is_read_from_its_headings():
    preview = parse_upload("2-6.xlsx", samples.neis_xlsx(3))
    assert codes(preview) == []
    assert preview.header_line == 3 and preview.titles == [(1, samples.NEIS_TITLE)]
    assert [(heading, field) for heading, field in preview.headings] == [
        ("학년", "grade"),
        ("반", "class"),
        ("번호", "number"),
        ("성명", "name"),
    ]
    assert [(r.line, r.grade, r.class_no, r.number, r.name) for r in preview.rows] == [
        (4, "2", "6", 1, "김민준"),
        (5, "2", "6", 2, "이서연"),
        (6, "2", "6", 3, "박지호"),
    ]


def test_the_headings_are_looked_for_in_the_first_ten_filled_rows_only():
    titles = [[f"제목 {n}"] for n in range(10)]
    preview = parse_upload("x.xlsx", samples.xlsx([*titles, ["이름"], ["김민준"]]))
    assert codes(preview) == [(0, "no_name_column")]
    preview = parse_upload("x.xlsx", samples.xlsx([*titles[:9], ["이름"], ["김민준"]]))
    assert names(preview) == ["김민준"] and len(preview.titles) == 9


@pytest.mark.parametrize("heading", ["이름", "성명", "학생 이름", "Name", "NAME", "student name"])
def test_name_headings_as_schools_write_them(heading):
    assert names(parse_upload("x.csv", f"번호,{heading}\n1,김민준\n".encode())) == ["김민준"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_the_one_on_most_lines(delimiter):
    data = f"명렬표\n번호{delimiter}이름\n1{delimiter}김민준\n2{delimiter}이서연\n".encode("cp949")
    preview = parse_upload("x.csv", data)
    assert names(preview) == ["김민준", "이서연"] and preview.titles == [(1, "명렬표")]


# No silent loss


def test_a_runaway_quote_is_a_problem_on_its_line_and_the_lines_after_it_are_read():
    preview = parse_upload("2-6.csv", samples.class_csv(30, broken_line=21))
    assert codes(preview) == [(21, "unclosed_quote")]
    assert preview.problems[0].params["text"] == '20,"임수아2'
    assert len(preview.good_rows) == 29 and preview.left_out == [21]
    assert [row.line for row in preview.good_rows] == [n for n in range(2, 32) if n != 21]


def test_a_quoted_value_over_several_lines_is_one_problem_naming_them_all():
    preview = parse_upload("x.csv", '번호,이름\n1,"김\n민준"\n2,이서연\n'.encode())
    assert codes(preview) == [(2, "quoted_lines")] and preview.problems[0].params["end"] == 3
    assert preview.left_out == [2, 3] and names(preview) == ["이서연"]


def test_text_after_a_closing_quote_is_a_problem_on_its_line():
    preview = parse_upload("x.csv", '번호,이름\n1,"김민준"x\n2,이서연\n'.encode())
    assert codes(preview) == [(2, "stray_quote")] and names(preview) == ["이서연"]


def test_a_quote_is_not_allowed_to_swallow_more_than_a_few_lines():
    lines = ["이름", '"김민준'] + [f"학생{n}" for n in range(100)] + ['끝"']
    preview = parse_upload("x.csv", "\n".join(lines).encode())
    assert codes(preview)[0] == (2, "unclosed_quote")
    assert len(preview.good_rows) == 101  # every line after the broken one is read on its own (끝" too)


def test_a_row_with_more_cells_than_headings_is_a_problem():
    preview = parse_upload("x.csv", "번호,이름\n1,Kim, Minjun\n2,이서연,,,\n".encode())
    assert codes(preview) == [(2, "extra_cells")]
    assert preview.problems[0].params == {"count": 3, "limit": 2}
    assert names(preview) == ["이서연"]  # empty cells at the end of a line are not extra


def test_an_over_long_name_is_a_problem_and_what_a_confirm_carries_stays_small():
    preview = parse_upload("x.csv", ("이름\n" + "가" * 10_000 + "\n김민준\n").encode())
    assert codes(preview) == [(2, "too_long")] and names(preview) == ["김민준"]
    assert len(preview.rows[0].raw[0]) == roster_files.MAX_CELL_CHARS


def test_the_lines_of_a_problem_row_are_what_an_import_leaves_out():
    preview = parse_upload("x.csv", "번호,이름\n1,김민준\n일,이서연\n3,\n4,박지호\n".encode())
    assert codes(preview) == [(3, "bad_number"), (4, "missing_name")]
    assert preview.left_out == [3, 4] and names(preview) == ["김민준", "박지호"]


# Bounded: refused or read before any work that grows with what the file declares


def test_a_sheet_claiming_excels_whole_grid_is_read_as_what_it_holds():
    assert names(parse_upload("x.xlsx", samples.dimension_claim(THREE))) == ["김민준", "이서연", "박지호"]


def test_formatting_left_on_row_1048576_is_not_read_as_a_million_rows():
    data = samples.formatting_on_last_row(THREE)
    sheet = read_sheet("x.xlsx", data, max_lines=100)
    assert [line.number for line in sheet.lines] == [1, 2, 3, 4] and not sheet.more


def test_reading_stops_after_a_long_run_of_empty_rows():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["이름"])
    sheet.append(["김민준"])
    sheet.cell(row=2 + EMPTY_RUN, column=1, value="이서연")  # after EMPTY_RUN - 1 empty rows
    sheet.cell(row=2 + EMPTY_RUN + EMPTY_RUN + 1, column=1, value="지워진 서식")  # after EMPTY_RUN
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert names(parse_upload("x.xlsx", buffer.getvalue())) == ["김민준", "이서연"]


def test_a_row_to_column_xfd_is_read_to_the_column_limit():
    sheet = read_sheet("x.xlsx", samples.wide_row_xlsx(), max_lines=10)
    assert len(sheet.lines[2].cells) == MAX_COLUMNS + 1
    assert codes(parse_upload("x.xlsx", samples.wide_row_xlsx())) == [(3, "extra_cells")]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    preview = parse_upload("x.xlsx", samples.zip_bomb(megabytes=9))
    assert codes(preview) == [(0, "part_too_big")]
    assert preview.problems[0].params == {"limit_mb": MAX_SHEET_BYTES // 2**20}
    # What openpyxl reads whole (shared strings, styles) may be smaller than a sheet.
    preview = parse_upload("x.xlsx", samples.zip_bomb(megabytes=3, member="xl/styles.xml"))
    assert codes(preview) == [(0, "part_too_big")]
    assert preview.problems[0].params == {"limit_mb": MAX_PART_BYTES // 2**20}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(4):
            archive.writestr(f"xl/worksheets/sheet{n}.xml", b"0" * (7 * 2**20))
    preview = parse_upload("x.xlsx", buffer.getvalue())
    assert codes(preview) == [(0, "unpacked_too_big")]
    assert preview.problems[0].params == {"limit_mb": MAX_UNPACKED_BYTES // 2**20}


def test_a_zip_that_understates_a_members_size_is_not_unpacked_past_it():
    bomb = samples.understate_size(samples.zip_bomb(megabytes=9), samples.SHEET)
    assert codes(parse_upload("x.xlsx", bomb)) == [(0, "wrong_type")]


def test_a_workbook_with_thousands_of_members_or_a_dtd_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(roster_files.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"x/{n}.xml", "<a/>")
    assert codes(parse_upload("x.xlsx", buffer.getvalue())) == [(0, "unpacked_too_big")]
    entity = samples.rewrite_member(
        THREE,
        samples.SHEET,
        lambda text: text.replace("<worksheet", '<!DOCTYPE w [<!ENTITY a "aaaa">]><worksheet', 1),
    )
    assert codes(parse_upload("x.xlsx", entity)) == [(0, "wrong_type")]


def test_a_class_list_stops_at_the_row_limit():
    at_limit = "\n".join(["명렬표", "이름", *samples.student_names(MAX_ROWS)]).encode()
    preview = parse_upload("x.csv", at_limit)
    assert codes(preview) == [] and len(preview.rows) == MAX_ROWS
    over = "\n".join(["이름", *samples.student_names(MAX_ROWS + 1)]).encode()
    assert codes(parse_upload("x.csv", over)) == [(0, "too_many_rows")]
    assert codes(parse_upload("x.xlsx", samples.many_rows_xlsx(MAX_ROWS + 10))) == [(0, "too_many_rows")]


def test_a_million_short_lines_are_read_without_keeping_them():
    data = "이름\n김민준\n".encode() + b"\n" * 1_000_000
    assert names(parse_upload("x.csv", data)) == ["김민준"]
    sheet = read_sheet("x.csv", b"a\n" * 500_000, max_lines=5)
    assert len(sheet.lines) == 5 and sheet.more


@pytest.mark.parametrize(
    "filename, data, code",
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "old_excel"),
        ("명단.xls", "이름\n김민준\n".encode(), "old_excel"),
        ("명단.xlsx", "이름\n김민준\n".encode(), "wrong_type"),
        ("명단.pdf", b"%PDF-1.4", "wrong_type"),
        ("명단.csv", "이름\n김민준\n".encode("utf-16"), "wrong_type"),
        ("명단.csv", b"\x80\x81\xff\xfe\n", "encoding"),
        ("명단.csv", b" \n\n", "empty"),
    ],
)
def test_files_that_are_not_a_class_list_say_what_to_do(filename, data, code):
    assert codes(parse_upload(filename, data)) == [(0, code)]


def test_rows_and_cells_without_references_are_counted_in_order():
    """Some programs write <row> and <c> without r="…": rows and columns are then counted."""
    rows = (
        '<row><c t="inlineStr"><is><t>이름</t></is></c><c t="inlineStr"><is><t>번호</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>김민준</t></is></c><c><v>3</v></c></row>'
    )
    data = samples.rewrite_member(
        samples.xlsx([]),
        samples.SHEET,
        lambda text: text.replace("<sheetData/>", f"<sheetData>{rows}</sheetData>").replace(
            "<sheetData></sheetData>", f"<sheetData>{rows}</sheetData>"
        ),
    )
    sheet = read_sheet("x.xlsx", data, max_lines=10)
    assert [(line.number, line.cells) for line in sheet.lines] == [
        (1, ("이름", "번호")),
        (2, ("김민준", "3")),
    ]
