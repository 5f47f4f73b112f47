"""The class dashboard: students × assigned modules, built in a fixed number of queries.

Staff see only: not started, in progress (step x of y), lesson read, completed (score),
overdue and excused. Skips, "not now" and time on a page are never stored, so never shown.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app, render_template
from markupsafe import Markup

from ..content import Catalog
from ..extensions import db
from ..i18n import current_locale
from ..models import Assignment, Classroom, Enrollment, ModuleProgress, QuizAttempt, User
from ..school.assignments import excused_pairs, list_assignments
from ..school.calendar import is_overdue, local_today
from ..school.letters import list_slips
from ..school.participation import class_parts
from ..school.progress import list_progress
from ..school.status import ClassPart, Facts, Status, class_status, facts_of
from ..school.versions import cached


@dataclass(frozen=True)
class Cell:
    state: Status
    step: int = 0
    steps: int = 0
    score: float | None = None
    late_state: Status | None = None  # for an overdue cell: how far the student got
    credited: bool = False  # took part in class, which the school counts as completed
    on_paper: bool = False  # completed with the quiz passed on paper

    @property
    def done(self) -> bool:
        """Counts as completed: completed, or taking part in class where the school credits it."""
        return self.state == Status.COMPLETED or self.credited


@dataclass(frozen=True)
class Column:
    slug: str
    title: str
    due_on: date | None
    overdue: bool
    completed: int
    counted: int  # students not excused

    @property
    def share(self) -> float:
        return self.completed / self.counted if self.counted else 0.0


@dataclass(frozen=True)
class Row:
    student_id: int
    number: int | None
    name: str
    last_seen_at: datetime | None
    cells: tuple[Cell, ...]
    completed: int = field(init=False)
    counted: int = field(init=False)  # cells not excused

    def __post_init__(self):
        # Sorting, filtering and the summary all read these: counted once.
        object.__setattr__(self, "completed", sum(c.done for c in self.cells))
        object.__setattr__(self, "counted", sum(c.state != Status.EXCUSED for c in self.cells))


@dataclass(frozen=True)
class Slips:
    """The letter home's slips in this class: who has not returned one, and how many ask."""

    returned: int
    questions: int
    missing: tuple[str, ...]  # names, in the grid's order


@dataclass(frozen=True)
class Dashboard:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    slips: Slips | None = None  # None until the class records a first slip

    @property
    def completed(self) -> int:
        return sum(r.completed for r in self.rows)

    @property
    def assigned(self) -> int:
        return sum(r.counted for r in self.rows)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows for c in r.cells if c.state == Status.OVERDUE)


def cell_of_status(status, overdue: bool) -> Cell:
    if status.kind == Status.COMPLETED:
        return Cell(Status.COMPLETED, status.step, status.steps, status.best_score, on_paper=status.on_paper)
    if status.credited:
        return Cell(Status.PARTICIPATED, status.step, status.steps, status.best_score, credited=True)
    base = status.kind
    if overdue:
        return Cell(Status.OVERDUE, status.step, status.steps, status.best_score, late_state=base)
    return Cell(base, status.step, status.steps, status.best_score)


@lru_cache(maxsize=16384)
def grid_cell(
    steps: int,
    facts: Facts | None,
    excused: bool,
    overdue: bool,
    part: ClassPart | None = None,
    credit: bool = False,
) -> Cell:
    """A student's cell for one module, from the progress row's facts (`learn.status`) and the
    class's record of the lesson taught in class (`part`, `status.class_status`): a grid
    repeats the same few, so each distinct cell is worked out once."""
    if excused:
        return Cell(Status.EXCUSED)
    return cell_of_status(class_status(steps, facts, part, credit), overdue)


def dashboard_key(classroom: Classroom, locale: str) -> tuple:
    """What a class's dashboard depends on: its data version (school/versions.py), the language
    and the school's date (what is overdue)."""
    return ("dashboard", classroom.id, classroom.data_version, locale, local_today(classroom.school.timezone))


def build_dashboard(classroom: Classroom, catalog: Catalog, locale: str) -> Dashboard:
    """Six queries whatever the class size: students, assignments, progress, excusals, the
    class's record of lessons taught in class, and the letter home's slips."""
    students = db.session.execute(
        db.select(User.id, Enrollment.number, User.display_name, User.last_seen_at)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom.id, User.deactivated_at.is_(None))
        .order_by(Enrollment.number.is_(None), Enrollment.number, User.display_name)
    ).all()
    assignments = [a for a in list_assignments(classroom.id) if catalog.module(a.module_slug)]
    slugs = [a.module_slug for a in assignments]
    progress: dict[int, dict[str, Facts]] = {}
    if students and slugs:
        for user_id, slug, *facts in db.session.execute(
            db.select(
                ModuleProgress.user_id,
                ModuleProgress.module_slug,
                ModuleProgress.last_step,
                ModuleProgress.lesson_done_at.is_not(None),
                ModuleProgress.quiz_passed_at.is_not(None),
                ModuleProgress.best_score,
            )
            .join(Enrollment, Enrollment.student_id == ModuleProgress.user_id)
            .join(
                Assignment,
                sa.and_(
                    Assignment.classroom_id == Enrollment.classroom_id,
                    Assignment.module_slug == ModuleProgress.module_slug,
                ),
            )
            .where(Enrollment.classroom_id == classroom.id)
        ):
            progress.setdefault(user_id, {})[slug] = tuple(facts)
    excused = excused_pairs(classroom.id) if slugs else set()
    parts = class_parts(classroom.id) if slugs else {}
    credit = classroom.school.participation_completes
    overdue = {a.module_slug: is_overdue(a.due_on, classroom.school.timezone) for a in assignments}
    modules = [(slug, catalog.module(slug).step_count, overdue[slug]) for slug in slugs]
    rows = []
    for s in students:
        facts = progress.get(s.id, {})
        cells = tuple(
            [
                grid_cell(
                    steps, facts.get(slug), (s.id, slug) in excused, late, parts.get((s.id, slug)), credit
                )
                for slug, steps, late in modules
            ]
        )
        rows.append(Row(s.id, s.number, s.display_name, s.last_seen_at, cells))
    rows = tuple(rows)
    columns = tuple(
        Column(
            a.module_slug,
            catalog.module(a.module_slug).text(locale).title,
            a.due_on,
            overdue[a.module_slug],
            completed=sum(1 for r in rows if r.cells[i].done),
            counted=sum(1 for r in rows if r.cells[i].state != Status.EXCUSED),
        )
        for i, a in enumerate(assignments)
    )
    return Dashboard(columns=columns, rows=rows, slips=slip_summary(classroom.id, rows))


def slip_summary(classroom_id: int, rows: tuple[Row, ...]) -> Slips | None:
    """Who has not returned the letter home's slip: only once the class records slips at all."""
    slips = list_slips(classroom_id) if rows else {}
    if not slips:
        return None
    returned = [slips[r.student_id] for r in rows if r.student_id in slips]
    return Slips(
        len(returned),
        sum(s.has_questions for s in returned),
        tuple(r.name for r in rows if r.student_id not in slips),
    )


def cell_renderer():
    """`render(cell)`: the grid cell as a `<td>` with words and a symbol; `render.row(row)` does
    a row. A cell's HTML depends only on the cell and the language, so it is made once."""

    locale = current_locale()

    def render(cell: Cell) -> Markup:
        return _cell_html(locale, cell)

    # The cells are Markup already: joined as plain strings, not escaped again one by one.
    render.row = lambda row: Markup("".join([_cell_html(locale, cell) for cell in row.cells]))
    return render


@lru_cache(maxsize=16384)
def _cell_html(locale: str, cell: Cell) -> Markup:
    """Called in a request whose language is `locale` (the key keeps languages apart); the
    markup is the `grid_cell` macro of templates/_macros/status.html."""
    macros = current_app.jinja_env.get_template("_macros/status.html").module
    return Markup(macros.grid_cell(cell))


def progress_grid(classroom, board, key: tuple, sort: str, only_incomplete: bool) -> Markup | None:
    """The dashboard's grid, made once per (dashboard key, sort, filter): most of the page's
    rendering, and the same for every reload until the class's data moves on."""
    if not (board.rows and board.columns):
        return None
    return cached(
        (*key, "grid", sort, only_incomplete),
        lambda: Markup(
            render_template(
                "teach/_progress_grid.html",
                classroom=classroom,
                board=board,
                rows=arrange(board, sort, only_incomplete),
                render_cell=cell_renderer(),
            )
        ),
    )


SORTS = {
    "number": lambda r: (r.number is None, r.number or 0, r.name),
    "name": lambda r: r.name,
    "progress": lambda r: (r.completed / r.counted if r.counted else 1.0, r.name),
}


def arrange(dashboard: Dashboard, sort: str, only_incomplete: bool) -> tuple[Row, ...]:
    rows = [r for r in dashboard.rows if not only_incomplete or r.completed < r.counted]
    return tuple(sorted(rows, key=SORTS.get(sort, SORTS["number"])))


@dataclass(frozen=True)
class StudentModule:
    slug: str
    title: str
    assigned: bool
    due_on: date | None
    cell: Cell
    excused: bool


def build_student_view(classroom: Classroom, student: User, catalog: Catalog, locale: str):
    """One student as their teacher sees them: assigned modules first, then any other progress."""
    progress = list_progress(student.id)
    assignments = [a for a in list_assignments(classroom.id) if catalog.module(a.module_slug)]
    excused = {slug for sid, slug in excused_pairs(classroom.id) if sid == student.id}
    parts = {slug: part for (sid, slug), part in class_parts(classroom.id).items() if sid == student.id}
    credit = classroom.school.participation_completes
    modules = []
    for a in assignments:
        module = catalog.module(a.module_slug)
        overdue = is_overdue(a.due_on, classroom.school.timezone)
        modules.append(
            StudentModule(
                a.module_slug,
                module.text(locale).title,
                True,
                a.due_on,
                grid_cell(
                    module.step_count,
                    facts_of(progress.get(a.module_slug)),
                    a.module_slug in excused,
                    overdue,
                    parts.get(a.module_slug),
                    credit,
                ),
                a.module_slug in excused,
            )
        )
    assigned = {a.module_slug for a in assignments}
    for slug, row in progress.items():
        module = catalog.module(slug)
        if module is None or slug in assigned or not module.for_students:
            continue
        modules.append(
            StudentModule(
                slug,
                module.text(locale).title,
                False,
                None,
                grid_cell(module.step_count, facts_of(row), False, False),
                False,
            )
        )
    titles = {m.slug: m.title for m in modules}
    attempts = db.session.execute(
        db.select(QuizAttempt)
        .where(QuizAttempt.user_id == student.id, QuizAttempt.module_slug.in_(list(titles)))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    ).scalars()
    return modules, [(titles[a.module_slug], a) for a in attempts]
