"""The before-and-after check (surveys/, issue 20): who is asked, the anonymous hand-in, the daily
release, and results that cannot point at anyone.

A student is asked twice per class: before the class's first assigned module (while they have
started none of its modules) and after its last (once they have completed every module assigned
to them there). Either time they may answer, leave statements blank, or skip; nothing is graded.

Anonymous by construction, with the question box's guarantees (school/questions.py):
- No function here takes the student and the answers together. `finish` records only that a
  student is done with one half (CheckMark: not whether they answered or skipped, not when).
  `hand_in` puts the answers, without the student, into the class's pending list on a
  connection and in a transaction of its own, never the request's, at a random place in the list.
- The school's daily release (school/questions.py `release`, the same schedule and transaction
  as the questions) adds a class's pending answers to the tallies once there are at least k of
  them, and deletes them. The check keeps counts per statement and point, never an answer set,
  so there is no row to join to a user, no order and no time; and because the counts change k
  answers at a time, comparing yesterday's results with today's never isolates one student.
- The page is declared anonymous (dongui/anonymity.py): no access log line, no application log
  line, no "last active" update; and it has no rate limit, so no limiter key.
- Results show only where they cannot point at anyone: a class's when its before and its after
  each have at least k answers (k: the school's setting, never below MIN_ANSWERS), a statement's
  when at least k answered it each time; a school's sums the classes that pass; a district's,
  the schools that pass.

What is left: until the release, someone who can read the live database (or compares two
copies of it) can narrow a pending answer down to the students who finished the check in
between; the release removes that. Different students may answer before and after, so the
results compare two groups, never pairs.
"""

import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from ..content.surveys import Survey, SurveyItem
from ..extensions import db
from ..models import (
    COMPLETED_PROGRESS,
    Assignment,
    CheckMark,
    CheckPhase,
    CheckTally,
    Classroom,
    Enrollment,
    Excusal,
    ModuleProgress,
    PendingCheckAnswers,
    School,
)

MIN_ANSWERS = 5  # no school may show results on fewer answers than this
DEFAULT_MIN_ANSWERS = 10
ANSWER_SETS = ""  # the tally row (item_id) that counts answer sets
BLANK = 0  # the point recorded for a statement left blank
Z95 = 1.959963984540054  # the normal quantile for a two-sided 95 % interval
FIELD_PREFIX = "item-"


def min_answers(school: School) -> int:
    """The school's k: how many answers each half needs before anyone sees results."""
    return max(MIN_ANSWERS, school.check_min_answers or DEFAULT_MIN_ANSWERS)


# Who is asked ---------------------------------------------------------------------------------


def open_phase(
    assigned: set[str], excused: set[str], started: set[str], completed: set[str], done: set[CheckPhase]
) -> CheckPhase | None:
    """The half of a class's check a student may do now, from the class's assigned modules and
    the student's own excusals, started and completed modules, and the halves they are done with."""
    if not assigned:
        return None
    if not done and not assigned & started:
        return CheckPhase.BEFORE
    required = assigned - excused
    if CheckPhase.AFTER not in done and required and required <= completed:
        return CheckPhase.AFTER
    return None


def open_checks(
    student_id: int,
    student_modules: set[str],
    class_ids: list[int] | None = None,
    progress: Mapping[str, ModuleProgress] | None = None,
) -> dict[int, CheckPhase]:
    """{class id: the half the student may do now} over the student's classes (not archived):
    five queries, three when the caller has read the student's classes and progress already
    (the student's start page has)."""
    if class_ids is None:
        class_ids = list(
            db.session.execute(
                db.select(Enrollment.classroom_id)
                .join(Classroom, Classroom.id == Enrollment.classroom_id)
                .where(Enrollment.student_id == student_id, Classroom.archived_at.is_(None))
            ).scalars()
        )
    if not class_ids:
        return {}
    assigned: dict[int, set[str]] = {}
    for class_id, slug in db.session.execute(
        db.select(Assignment.classroom_id, Assignment.module_slug).where(
            Assignment.classroom_id.in_(class_ids)
        )
    ):
        if slug in student_modules:
            assigned.setdefault(class_id, set()).add(slug)
    excused: dict[int, set[str]] = {}
    for class_id, slug in db.session.execute(
        db.select(Excusal.classroom_id, Excusal.module_slug).where(Excusal.student_id == student_id)
    ):
        excused.setdefault(class_id, set()).add(slug)
    if progress is None:
        rows = db.session.execute(
            db.select(ModuleProgress.module_slug, COMPLETED_PROGRESS).where(
                ModuleProgress.user_id == student_id
            )
        ).all()
    else:
        rows = [(slug, row.is_completed) for slug, row in progress.items()]
    started = {slug for slug, _ in rows}
    completed = {slug for slug, is_completed in rows if is_completed}
    done: dict[int, set[CheckPhase]] = {}
    for class_id, phase in db.session.execute(
        db.select(CheckMark.classroom_id, CheckMark.phase).where(CheckMark.user_id == student_id)
    ):
        done.setdefault(class_id, set()).add(phase)
    phases = {
        class_id: open_phase(
            assigned.get(class_id, set()),
            excused.get(class_id, set()),
            started,
            completed,
            done.get(class_id, set()),
        )
        for class_id in class_ids
    }
    return {class_id: phase for class_id, phase in phases.items() if phase is not None}


# Answering ------------------------------------------------------------------------------------


def read_answers(survey: Survey, form: Mapping) -> dict[str, int]:
    """{item id: point} from the submitted form: 1..scale, or BLANK for a statement left blank.

    :raises ValueError: for a value that is not one of the scale's points.
    """
    answers = {}
    for item in survey.items:
        value = (form.get(FIELD_PREFIX + item.id) or "").strip()
        if not value:
            answers[item.id] = BLANK
            continue
        if not value.isdigit() or not 1 <= int(value) <= survey.scale:
            raise ValueError(f"not a point of the scale: {value!r}")
        answers[item.id] = int(value)
    return answers


def finish(student_id: int, classroom_id: int, phase: CheckPhase) -> bool:
    """Mark that a student is done with one half of a class's check, answered or skipped alike.
    Returns False when they already were (a resent form): nothing more may be handed in."""
    if db.session.get(CheckMark, (student_id, classroom_id, phase)) is not None:
        return False
    db.session.add(CheckMark(user_id=student_id, classroom_id=classroom_id, phase=phase))
    db.session.flush()
    return True


def hand_in(classroom_id: int, survey_id: str, phase: CheckPhase, answers: dict[str, int]) -> None:
    """Put one answer set, with no one's name, at a random place in the class's pending list.

    On a connection and in a transaction of its own (never the request's), so it shares nothing
    with the student's mark. The first statement takes the row's write lock (SQLite: the
    database's), so two hand-ins at once take turns instead of losing one."""
    key = sa.and_(
        PendingCheckAnswers.classroom_id == classroom_id,
        PendingCheckAnswers.survey_id == survey_id,
        PendingCheckAnswers.phase == phase,
    )
    for _attempt in range(3):
        try:
            with db.engine.begin() as connection:
                touched = connection.execute(
                    sa.update(PendingCheckAnswers).where(key).values(entries=PendingCheckAnswers.entries)
                ).rowcount
                if not touched:
                    connection.execute(
                        sa.insert(PendingCheckAnswers).values(
                            classroom_id=classroom_id, survey_id=survey_id, phase=phase, entries=[answers]
                        )
                    )
                    return
                entries = list(
                    connection.execute(sa.select(PendingCheckAnswers.entries).where(key)).scalar_one()
                )
                entries.insert(secrets.randbelow(len(entries) + 1), answers)
                connection.execute(sa.update(PendingCheckAnswers).where(key).values(entries=entries))
                return
        except sa.exc.IntegrityError:
            continue  # another hand-in made the list first: add to it
    raise RuntimeError("could not hand in the check's answers")


# The daily release ----------------------------------------------------------------------------


def release_checks(connection, school_id: int) -> int:
    """Within the school's daily release (its transaction, `connection`): every pending list of
    the school's classes that holds at least k answer sets goes into the tallies and is deleted;
    shorter lists wait for more. Returns the number of answer sets released."""
    k = release_threshold(connection, school_id)
    classes = sa.select(Classroom.id).where(Classroom.school_id == school_id)
    in_school = PendingCheckAnswers.classroom_id.in_(classes)
    connection.execute(
        sa.update(PendingCheckAnswers).where(in_school).values(entries=PendingCheckAnswers.entries)
    )  # hold them: no hand-in slips by
    ready = [
        row
        for row in connection.execute(
            sa.select(
                PendingCheckAnswers.classroom_id,
                PendingCheckAnswers.survey_id,
                PendingCheckAnswers.phase,
                PendingCheckAnswers.entries,
            ).where(in_school)
        )
        if len(row.entries) >= k
    ]
    if not ready:
        return 0
    added: dict[tuple, int] = {}
    for row in ready:
        head = (row.classroom_id, row.survey_id, row.phase)
        added[(*head, ANSWER_SETS, 0)] = len(row.entries)
        for entry in row.entries:
            for item_id, point in entry.items():
                added[(*head, item_id, point)] = added.get((*head, item_id, point), 0) + 1
        connection.execute(
            sa.delete(PendingCheckAnswers).where(
                PendingCheckAnswers.classroom_id == row.classroom_id,
                PendingCheckAnswers.survey_id == row.survey_id,
                PendingCheckAnswers.phase == row.phase,
            )
        )
    add_to_tallies(connection, added)
    return sum(len(row.entries) for row in ready)


def release_threshold(connection, school_id: int) -> int:
    minimum = connection.execute(
        sa.select(School.check_min_answers).where(School.id == school_id)
    ).scalar_one()
    return max(MIN_ANSWERS, minimum or DEFAULT_MIN_ANSWERS)


def add_to_tallies(connection, added: dict[tuple, int]) -> None:
    """Add counts to check_tallies: {(class, survey, phase, item, point): how many more}."""
    class_ids = {key[0] for key in added}
    existing = {
        tuple(row)
        for row in connection.execute(
            sa.select(
                CheckTally.classroom_id,
                CheckTally.survey_id,
                CheckTally.phase,
                CheckTally.item_id,
                CheckTally.point,
            ).where(CheckTally.classroom_id.in_(class_ids))
        )
    }
    # In key order: the rows' stored order owes nothing to the order the answers came in.
    new = [
        dict(zip(("classroom_id", "survey_id", "phase", "item_id", "point"), key, strict=True), count=n)
        for key, n in sorted(added.items())
        if key not in existing
    ]
    if new:
        connection.execute(sa.insert(CheckTally), new)
    for key, n in sorted(added.items()):
        if key in existing:
            class_id, survey_id, phase, item_id, point = key
            connection.execute(
                sa.update(CheckTally)
                .where(
                    CheckTally.classroom_id == class_id,
                    CheckTally.survey_id == survey_id,
                    CheckTally.phase == phase,
                    CheckTally.item_id == item_id,
                    CheckTally.point == point,
                )
                .values(count=CheckTally.count + n)
            )


# Results --------------------------------------------------------------------------------------


def wilson_interval(agree: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a share agree/n."""
    if n == 0:
        return 0.0, 1.0
    p = agree / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_interval(
    agree_after: int, n_after: int, agree_before: int, n_before: int, z: float = Z95
) -> tuple[float, float, float]:
    """The change in the share who agree (after − before) with its 95 % interval, for two
    independent groups: Newcombe's hybrid score interval (1998, method 10), sound for the small
    groups a class gives. Returns (change, low, high)."""
    p1, p2 = agree_after / n_after, agree_before / n_before
    l1, u1 = wilson_interval(agree_after, n_after, z)
    l2, u2 = wilson_interval(agree_before, n_before, z)
    change = p1 - p2
    low = change - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = change + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return change, max(-1.0, low), min(1.0, high)


@dataclass(frozen=True)
class ItemResult:
    item: SurveyItem
    before: tuple[int, ...]  # answers per point, 1..scale
    after: tuple[int, ...]
    blank_before: int  # answer sets that left the statement blank
    blank_after: int
    agree_before: int
    agree_after: int

    @property
    def n_before(self) -> int:
        return sum(self.before)

    @property
    def n_after(self) -> int:
        return sum(self.after)

    @property
    def share_before(self) -> float:
        return self.agree_before / self.n_before if self.n_before else 0.0

    @property
    def share_after(self) -> float:
        return self.agree_after / self.n_after if self.n_after else 0.0

    @property
    def change(self) -> tuple[float, float, float] | None:
        """(change in the share who agree, low, high); None when a half has no answer to it."""
        if not self.n_before or not self.n_after:
            return None
        return difference_interval(self.agree_after, self.n_after, self.agree_before, self.n_before)

    @property
    def verdict(self) -> str:
        """aim: the share moved the way the module's goal hopes, and the interval excludes no
        change; against: it moved the other way; unclear: the interval includes no change (or a
        half has no answer to the statement)."""
        if self.change is None:
            return "unclear"
        _change, low, high = self.change
        if low <= 0 <= high:
            return "unclear"
        rising = low > 0
        return "aim" if rising == (self.item.aim == "agree") else "against"


@dataclass(frozen=True)
class CheckResults:
    survey: Survey
    k: int
    before: int  # answer sets released for the before half
    after: int
    items: tuple[ItemResult, ...]
    classes: int = 1  # classes whose answers are in the figures (a school's or a district's)

    @property
    def shown(self) -> bool:
        return self.before >= self.k and self.after >= self.k


def build_results(
    survey: Survey, k: int, counts: Mapping[tuple[CheckPhase, str, int], int], classes: int = 1
) -> CheckResults:
    """Results from tallies: {(phase, item id, point): answers}; the k rule applied."""
    agree = survey.agree_points

    def points(phase, item_id):
        return tuple(counts.get((phase, item_id, p), 0) for p in range(1, survey.scale + 1))

    before_sets = counts.get((CheckPhase.BEFORE, ANSWER_SETS, 0), 0)
    after_sets = counts.get((CheckPhase.AFTER, ANSWER_SETS, 0), 0)
    items = []
    for item in survey.items:
        before, after = points(CheckPhase.BEFORE, item.id), points(CheckPhase.AFTER, item.id)
        items.append(
            ItemResult(
                item,
                before,
                after,
                counts.get((CheckPhase.BEFORE, item.id, BLANK), 0),
                counts.get((CheckPhase.AFTER, item.id, BLANK), 0),
                sum(n for p, n in enumerate(before, 1) if p in agree),
                sum(n for p, n in enumerate(after, 1) if p in agree),
            )
        )
    return CheckResults(survey, k, before_sets, after_sets, tuple(items), classes)


def hidden(results: CheckResults) -> CheckResults:
    """The same results with every figure but the counts of answer sets taken out."""
    blank = tuple(
        ItemResult(i.item, (0,) * len(i.before), (0,) * len(i.after), 0, 0, 0, 0) for i in results.items
    )
    return CheckResults(results.survey, results.k, results.before, results.after, blank, results.classes)


def class_results(classroom: Classroom, survey: Survey) -> CheckResults:
    """A class's results (one query); below k, only the counts of answer sets."""
    counts = {
        (phase, item_id, point): n
        for phase, item_id, point, n in db.session.execute(
            db.select(CheckTally.phase, CheckTally.item_id, CheckTally.point, CheckTally.count).where(
                CheckTally.classroom_id == classroom.id, CheckTally.survey_id == survey.id
            )
        )
    }
    results = build_results(survey, min_answers(classroom.school), counts)
    return results if results.shown else hidden(results)


def passing_classes(survey: Survey, schools) -> sa.Select:
    """(class, school) of the classes whose before and after each have their school's k answer
    sets: the only classes any school or district figure adds up."""
    k = sa.case((School.check_min_answers < MIN_ANSWERS, MIN_ANSWERS), else_=School.check_min_answers)
    return (
        sa.select(CheckTally.classroom_id, Classroom.school_id)
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .join(School, School.id == Classroom.school_id)
        .where(
            CheckTally.survey_id == survey.id,
            CheckTally.item_id == ANSWER_SETS,
            Classroom.school_id.in_(schools),
        )
        .group_by(CheckTally.classroom_id, Classroom.school_id, School.check_min_answers)
        .having(sa.func.count() == 2, sa.func.min(CheckTally.count) >= k)
    )


def results_by_school(survey: Survey, schools, thresholds: Mapping[int, int]) -> dict[int, CheckResults]:
    """{school id: its results} over the classes that pass (`passing_classes`), for every school
    in `schools` (an id list or subquery) that has any: two queries whatever the number of
    schools. `thresholds`: each school's k."""
    # The passing classes first, as a list: the planner cannot guess how many a HAVING keeps, and
    # guessed few (a sort on disk of every tally, not a hash).
    passing = dict(db.session.execute(passing_classes(survey, schools)).all())
    classes: dict[int, int] = {}
    for school_id in passing.values():
        classes[school_id] = classes.get(school_id, 0) + 1
    counts: dict[int, dict] = {}
    for school_id, phase, item_id, point, n in db.session.execute(
        db.select(
            Classroom.school_id,
            CheckTally.phase,
            CheckTally.item_id,
            CheckTally.point,
            sa.func.sum(CheckTally.count),
        )
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .where(CheckTally.survey_id == survey.id, CheckTally.classroom_id.in_(list(passing)))
        .group_by(Classroom.school_id, CheckTally.phase, CheckTally.item_id, CheckTally.point)
    ):
        counts.setdefault(school_id, {})[(phase, item_id, point)] = int(n)
    return {
        school_id: build_results(survey, thresholds[school_id], school_counts, classes.get(school_id, 0))
        for school_id, school_counts in counts.items()
    }


def combine(survey: Survey, k: int, parts: list[CheckResults]) -> CheckResults:
    """Results that add up others already shown (a district's over its schools')."""
    counts: dict[tuple, int] = {}
    for part in parts:
        counts[(CheckPhase.BEFORE, ANSWER_SETS, 0)] = (
            counts.get((CheckPhase.BEFORE, ANSWER_SETS, 0), 0) + part.before
        )
        counts[(CheckPhase.AFTER, ANSWER_SETS, 0)] = (
            counts.get((CheckPhase.AFTER, ANSWER_SETS, 0), 0) + part.after
        )
        for item in part.items:
            for phase, values, blank in (
                (CheckPhase.BEFORE, item.before, item.blank_before),
                (CheckPhase.AFTER, item.after, item.blank_after),
            ):
                for point, n in enumerate((blank, *values)):
                    counts[(phase, item.item.id, point)] = counts.get((phase, item.item.id, point), 0) + n
    return build_results(survey, k, counts, sum(part.classes for part in parts))


# CSV ------------------------------------------------------------------------------------------


def results_header(survey, locale: str) -> list[str]:
    labels = survey.labels[locale]
    return [
        _("Group"),
        _("Statement"),
        _("Half"),
        _("Answers"),
        *labels,
        _("Left blank"),
        _("Share who agree (percent)"),
        _("Change (percentage points)"),
        _("95 percent interval: from"),
        _("95 percent interval: to"),
    ]


def results_rows(results, locale: str, group: str) -> list[list]:
    """One row per statement and half; below the threshold, one row that says why."""
    if not results.shown:
        return [
            [
                group,
                _("Not shown: fewer than %(k)d answers before or after", k=results.k),
                "",
                f"{results.before}/{results.after}",
            ]
        ]
    rows = []
    for item in results.items:
        change = item.change
        for half, counts, blank, n, share in (
            (_("Before"), item.before, item.blank_before, item.n_before, item.share_before),
            (_("After"), item.after, item.blank_after, item.n_after, item.share_after),
        ):
            tail = (
                [round(change[0] * 100), round(change[1] * 100), round(change[2] * 100)]
                if change and half == _("After")
                else ["", "", ""]
            )
            rows.append(
                [
                    group,
                    item.item.text[locale],
                    half,
                    n,
                    *counts,
                    blank,
                    round(share * 100) if n else "",
                    *tail,
                ]
            )
    return rows


def answer_counts_by_class(school_id: int, survey_id: str) -> dict[int, tuple[int, int]]:
    """{class: (answers released before, after)} for the school's classes that have any (one query)."""
    counts: dict[int, list[int]] = {}
    for class_id, phase, n in db.session.execute(
        db.select(CheckTally.classroom_id, CheckTally.phase, CheckTally.count)
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .where(
            Classroom.school_id == school_id,
            CheckTally.survey_id == survey_id,
            CheckTally.item_id == ANSWER_SETS,
        )
    ):
        counts.setdefault(class_id, [0, 0])[0 if phase == CheckPhase.BEFORE else 1] = n
    return {class_id: (before, after) for class_id, (before, after) in counts.items()}


def school_results(school: School, survey: Survey) -> CheckResults:
    """The school's results: the sum of its classes that pass (three queries)."""
    k = min_answers(school)
    found = results_by_school(survey, [school.id], {school.id: k}).get(school.id)
    return found or build_results(survey, k, {}, classes=0)
