"""The 45-minute plan in a module's teacher notes, read as rows, so classroom mode can show the
teacher the row for the step on the projector (its time, activity and how to run it).

The plan is the table under the notes' `## ` heading that names 45 minutes ("## 45분 수업 계획",
"## 45-minute lesson plan"): time | activity | how to run it. A row covers the steps its
activity names ("3~4단계", "6단계(고등학교) 또는 7단계", "Steps 3–4", "step 7"); rows before the
first such row belong to the opening screen, rows after the last one to the closing screen.
"""

import re

from markupsafe import Markup

from .checks import Problems
from .markdown import render_markdown
from .schema import PlanRow

PLAN_HEADING = re.compile(r"^## (?!#).*(?<!\d)45(?!\d)")
STEP_REFERENCES = (
    re.compile(r"(?<!\d)(\d{1,2})\s*(?:~\s*(\d{1,2}))?\s*단계"),
    re.compile(r"\b[Ss]teps?\s+(\d{1,2})(?:\s*[–-]\s*(\d{1,2}))?"),
)
DIVIDER = re.compile(r"^\|?\s*:?-{3,}")


def read_plan(text: str, path, locale: str, reference, problems: Problems) -> tuple[PlanRow, ...]:
    """The plan's rows from the notes' Markdown, or () when the notes have no plan.

    `reference(kind, channel_id)` renders `[[help:…]]` as the lesson renderer does.
    """
    rows, inside = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("## "):
            if inside and rows:
                break
            inside = bool(PLAN_HEADING.match(line))
            continue
        if not inside or not line.lstrip().startswith("|") or DIVIDER.match(line.strip()):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3:
            problems.warn(
                path, number, "a row of the 45-minute plan needs three cells: time | activity | how"
            )
            continue
        rows.append(cells)
    if not rows:
        return ()
    return tuple(
        PlanRow(
            time=time,
            activity=_inline(activity, reference, locale),
            how=_inline(how, reference, locale),
            steps=step_numbers(activity),
        )
        for time, activity, how in rows[1:]  # the first row holds the headings
    )


def _inline(text: str, reference, locale: str):
    """A cell's Markdown as HTML; one paragraph loses its <p> so it can sit inside a line."""
    html = render_markdown(text, reference, locale)
    inner = html.removeprefix("<p>").removesuffix("</p>")
    return Markup(inner) if "<p>" not in inner and inner != html else html


def step_numbers(activity: str) -> frozenset:
    """The step numbers an activity names: "3~4단계" -> {3, 4}; "Step 6 … or step 7" -> {6, 7}."""
    found = set()
    for pattern in STEP_REFERENCES:
        for match in pattern.finditer(activity):
            first = int(match.group(1))
            last = int(match.group(2)) if match.group(2) else first
            found.update(range(first, max(first, last) + 1))
    return frozenset(found)


def rows_for(plan: tuple[PlanRow, ...], position: int, step_count: int) -> tuple[PlanRow, ...]:
    """The rows for one screen of classroom mode: 0 is the opening, 1..step_count the steps,
    step_count + 1 the close."""
    if not plan:
        return ()
    stepped = [index for index, row in enumerate(plan) if row.steps]
    if not stepped:
        return plan
    if position <= 0:
        return plan[: max(stepped[0], 1)]
    if position > step_count:
        return plan[stepped[-1] + 1 :] or plan[-1:]
    return tuple(row for row in plan if position in row.steps)
