"""`python bench/roster_files.py`: reading a class list, side by side: a 2-row file against every
file built to exhaust a server (issue 15), and the largest files a class list is allowed to be.

Each file is read (`school.roster.parse_upload`: the bytes to checked rows, what the preview and
`flask roster import` do before the database) in a fresh process, warmed up on a tiny file;
the figures are the median wall time of three reads and the peak resident memory the reads
added (VmHWM, reset before them). Bounded and self-stopping: every child runs under a 2 GiB
address-space limit and a 60 s timeout, so a regression shows as "killed", never as a stuck
machine. `--before REV` also reads each file with the reader of git revision REV (e.g. the
one before issue 15), under the same limits. Needs Linux (/proc).
"""

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEMORY_LIMIT = 2 * 2**30
TIMEOUT = 60
READS = 3


def big_bomb(megabytes: int) -> bytes:
    """A workbook whose sheet inflates to `megabytes` MB (written in chunks, never held whole)."""
    from tests import roster_samples as samples

    small = zipfile.ZipFile(io.BytesIO(samples.xlsx([["이름"], ["김민준"]])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in small.infolist():
            if info.filename != samples.SHEET:
                target.writestr(info.filename, small.read(info))
                continue
            with target.open(samples.SHEET, "w", force_zip64=True) as member:
                member.write(b"<!-- ")
                chunk = b"0" * 2**20
                for _ in range(megabytes):
                    member.write(chunk)
                member.write(b" -->" + small.read(info))
    return buffer.getvalue()


def shared_strings_at_the_limit() -> bytes:
    """A workbook whose shared strings fill the per-member limit (openpyxl loads them whole)."""
    from dongui.school.roster_files import MAX_PART_BYTES
    from tests import roster_samples as samples

    head = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main">'
    )
    strings, size, n = [], len(head) + 6, 0
    while size < MAX_PART_BYTES - 32:
        item = f"<si><t>{n:x}</t></si>"
        strings.append(item)
        size += len(item)
        n += 1
    return samples.shared_strings(samples.xlsx([["이름"], ["김민준"]]), head + "".join(strings) + "</sst>")


def styles_at_the_limit() -> bytes:
    """A workbook whose styles fill the limit for a part openpyxl reads whole: Excel's "too many
    cell formats" workbook."""
    from dongui.school.roster_files import MAX_PART_BYTES
    from tests import roster_samples as samples

    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"/>'
    count = (MAX_PART_BYTES - 4096) // len(xf)

    def fill(text: str) -> str:
        return re.sub(r'<cellXfs count="\d+">', f'<cellXfs count="{count + 1}">' + xf * count, text, count=1)

    return samples.rewrite_member(samples.xlsx([["이름"], ["김민준"]]), "xl/styles.xml", fill)


def wide_rows_at_the_limit() -> bytes:
    """As many 16,384-cell rows as fit in one member: the slowest sheet the limits let in."""
    from dongui.school.roster_files import MAX_SHEET_BYTES
    from tests import roster_samples as samples

    data = samples.xlsx([["이름"], ["김민준"]])
    row_bytes = len(zipfile.ZipFile(io.BytesIO(samples.wide_row_xlsx())).read(samples.SHEET)) - 600
    rows = []
    for number in range(3, 3 + MAX_SHEET_BYTES // row_bytes):
        cells = "".join(
            f'<c r="{samples.column_letter(c)}{number}" t="inlineStr"><is><t>x</t></is></c>'
            for c in range(1, 16385)
        )
        rows.append(f'<row r="{number}">{cells}</row>')
    return samples.rewrite_member(
        data, samples.SHEET, lambda text: text.replace("</sheetData>", "".join(rows) + "</sheetData>")
    )


def cases() -> list[tuple[str, str, bytes]]:
    from dongui.school.roster import MAX_ROWS
    from tests import roster_samples as samples

    three = samples.xlsx([["이름"], ["김민준"], ["이서연"], ["박지호"]])
    names = samples.student_names(MAX_ROWS)
    return [
        ("CSV, 2 rows", "2.csv", "번호,이름\n1,김민준\n2,이서연\n".encode("cp949")),
        ("xlsx, 2 rows", "2.xlsx", samples.xlsx([["번호", "이름"], [1, "김민준"], [2, "이서연"]])),
        (
            "CSV, NEIS, 1,000 rows (a whole grade: the row limit)",
            "1000.csv",
            samples.csv_bytes(
                [
                    samples.NEIS_TITLE,
                    "학년,반,번호,성명",
                    *(f"2,{1 + n // 35},{1 + n % 35},{name}" for n, name in enumerate(names)),
                ]
            ),
        ),
        (
            "xlsx, NEIS, 1,000 rows (the row limit)",
            "1000.xlsx",
            samples.xlsx(
                [
                    [samples.NEIS_TITLE],
                    ["학년", "반", "번호", "성명"],
                    *([2, 1 + n // 35, 1 + n % 35, name] for n, name in enumerate(names)),
                ]
            ),
        ),
        ("xlsx declaring A1:XFD1048576 (3 rows)", "dim.xlsx", samples.dimension_claim(three)),
        (
            "xlsx declaring A1:XFD1048576, row 1,048,576 formatted (3 rows)",
            "dim-last.xlsx",
            samples.dimension_claim(samples.formatting_on_last_row(three, columns=1)),
        ),
        (
            "xlsx with formatting on row 1,048,576 (3 rows)",
            "format.xlsx",
            samples.formatting_on_last_row(three),
        ),
        ("zip bomb: sheet inflates to 600 MB", "bomb.xlsx", big_bomb(600)),
        (
            "zip bomb whose directory understates its size",
            "liar.xlsx",
            samples.understate_size(big_bomb(600), samples.SHEET),
        ),
        (
            "CSV, 1,000,000 empty lines around 1 student",
            "empty.csv",
            "이름\n김민준\n".encode() + b"\n" * 1_000_000,
        ),
        ("CSV, 524,000 one-letter rows (1 MB)", "short.csv", "이름\n".encode() + b"a\n" * 524_000),
        ("xlsx, 100,000 short rows", "short.xlsx", samples.many_rows_xlsx(100_000)),
        ("xlsx, one row 16,384 cells wide", "wide.xlsx", samples.wide_row_xlsx()),
        ("xlsx, 16,384-wide rows filling a sheet's limit", "wide-max.xlsx", wide_rows_at_the_limit()),
        ("xlsx, shared strings at their limit", "strings-max.xlsx", shared_strings_at_the_limit()),
        ("xlsx, styles at their limit", "styles-max.xlsx", styles_at_the_limit()),
    ]


CHILD = r"""
import json, os, re, resource, statistics, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
sys.path.insert(0, {root!r})
{reader}
def status(key):
    return int(re.search(key + r":\s+(\d+) kB", open("/proc/self/status").read()).group(1)) / 1024
data = open(sys.argv[1], "rb").read()
read("warm.csv", "이름\n김민준\n".encode())
read("warm.xlsx", {warm!r})
baseline = status("VmRSS")
open("/proc/self/clear_refs", "w").write("5")
times = []
for _ in range({reads}):
    started = time.perf_counter()
    outcome = read(sys.argv[2], data)
    times.append(time.perf_counter() - started)
print(json.dumps({{"ms": statistics.median(times) * 1000, "peak_mb": status("VmHWM") - baseline,
                  "outcome": outcome}}))
"""

NOW = """
from dongui.school.roster import parse_upload
def read(name, data):
    preview = parse_upload(name, data)
    problems = [p.code for p in preview.file_problems] or sorted({p.code for p in preview.problems})
    return f"{len(preview.good_rows)} rows" + (f", {', '.join(problems)}" if problems else "")
"""

BEFORE = """
import importlib.util, types
spec = importlib.util.spec_from_file_location("old_roster_files", PATH)
old = importlib.util.module_from_spec(spec)
spec.loader.exec_module(old)
def read(name, data):
    try:
        table = old.read_table(name, data)
    except old.RosterFileError as error:
        return error.code
    return f"{len(table.rows)} rows"
"""


def measure(reader: str, name: str, data: bytes, workdir: Path) -> str:
    from tests import roster_samples as samples

    path = workdir / "input"
    path.write_bytes(data)
    code = CHILD.format(
        limit=MEMORY_LIMIT,
        root=str(ROOT),
        reader=reader,
        reads=READS,
        warm=samples.xlsx([["이름"], ["김민준"]]),
    )
    try:
        result = subprocess.run(
            [sys.executable, "-c", code, str(path), name],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            cwd=ROOT,
        )
    except subprocess.TimeoutExpired:
        return f"| stopped after {TIMEOUT} s | | |"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["?"])[-1]
        killed = "MemoryError" in result.stderr or result.returncode < 0
        return f"| killed: {'over 2 GiB' if killed else last[:60]} | | |"
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return f"| {figures['outcome']} | {figures['ms']:,.1f} | {figures['peak_mb']:,.1f} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", metavar="REV", help="also read each file with this git revision's reader")
    args = parser.parse_args()
    started = time.perf_counter()
    files = cases()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(
        f"{os.cpu_count()} cores (load average {load} at the start), Python {sys.version.split()[0]}; "
        f"median of {READS} reads in a fresh, warmed-up process; peak = the most resident memory "
        f"the reads added\n"
    )
    columns = "| file | bytes | read as | ms | peak MiB |"
    before_file = None
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        if args.before:
            before_file = workdir / "old_roster_files.py"
            before_file.write_text(
                subprocess.run(
                    ["git", "show", f"{args.before}:dongui/school/roster_files.py"],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
            columns += f" before ({args.before}): read as | ms | peak MiB |"
        print(columns)
        print(re.sub(r"[^|]+", " --- ", columns))
        for label, name, data in files:
            line = f"| {label} | {len(data):,} {measure(NOW, name, data, workdir)}"
            if before_file is not None:
                line += measure(
                    BEFORE.replace("PATH", repr(str(before_file))), name, data, workdir
                ).removeprefix("|")
            print(line, flush=True)
    print(f"\n(whole run {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
