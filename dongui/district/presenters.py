"""The district report: each member school's aggregates, and the district's by module.

Counts only, never a name: a district admin sees how far each school has come, not who. The
same rule as the school report (school/completion.py): a module assigned to a class counts each
of the class's active students not excused from it, and a student in two classes counts once
in each. Every figure is counted by the database, grouped by school, so the number of
statements is the same for 2 schools or 200 (a test counts them).
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..clock import utcnow
from ..content import Catalog
from ..content.surveys import Survey
from ..extensions import db
from ..models import (
    COMPLETED_PROGRESS,
    CheckPhase,
    Classroom,
    District,
    DistrictFigures,
    ModuleProgress,
    Role,
    School,
    User,
)
from ..school.calendar import is_past_due, local_today
from ..school.checks import ANSWER_SETS, MIN_ANSWERS
from ..school.checks.results import CheckResults, build_results, combine, results_by_school
from ..school.completion import Tally, active_students, assignment_counts
from ..school.districts import member_school_ids
from ..school.letters import slip_counts
from ..school.participation import participation_counts


@dataclass
class SchoolLine:
    id: int
    name: str
    students: int = 0
    never_signed_in: int = 0
    classes: int = 0
    staff: int = 0
    staff_done: int = 0  # staff who completed a staff module
    tally: Tally = field(default_factory=Tally)
    slips: tuple[int, int, int] = (0, 0, 0)  # the letter home: returned, with questions, kept home
    checks: CheckResults | None = None  # the before-and-after check, when the school passes k


@dataclass
class ModuleLine:
    slug: str
    title: str
    schools: int = 0
    classes: int = 0
    tally: Tally = field(default_factory=Tally)


@dataclass
class DistrictReport:
    district: District
    schools: list[SchoolLine]
    modules: list[ModuleLine]
    cells: dict[tuple[int, str], Tally]  # (school id, module slug): that school's figures
    survey: Survey | None = None
    counted_at: datetime | None = None  # when the figures were counted

    @property
    def checks(self) -> CheckResults | None:
        """The district's before-and-after results: the sum of the schools that pass (each by its
        own k), so it adds nothing a school's own figures don't show."""
        shown = [line.checks for line in self.schools if line.checks is not None and line.checks.shown]
        if self.survey is None or not shown:
            return None
        return combine(self.survey, min(part.k for part in shown), shown)

    @property
    def slips(self) -> tuple[int, int, int]:
        return tuple(sum(line.slips[i] for line in self.schools) for i in range(3))

    @property
    def total(self) -> Tally:
        total = Tally()
        for line in self.schools:
            total.add(line.tally)
        return total

    def total_of(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.schools)


def district_report(
    district: District, catalog: Catalog, locale: str, max_age: timedelta, recount: bool = False
) -> DistrictReport:
    """The report from the figures last counted, or counted again (and kept) when they are older
    than `max_age` or `recount` asks. Whether counted or read: a fixed number of statements.
    Keeping the figures is the caller's commit."""
    stored = db.session.get(DistrictFigures, district.id)
    now = utcnow()
    if stored is not None and not recount and now - stored.counted_at < max_age:
        return report_from_data(district, stored.data, stored.counted_at, catalog, locale)
    report = build_district_report(district, catalog, locale)
    report.counted_at = now
    if stored is None:
        db.session.add(DistrictFigures(district_id=district.id, counted_at=now, data=report_data(report)))
    else:
        stored.counted_at, stored.data = now, report_data(report)
    return report


def report_data(report: DistrictReport) -> dict:
    """The figures as JSON: counts and the schools' names; module titles are looked up again."""

    def school(line: SchoolLine) -> dict:
        data = {k: v for k, v in asdict(line).items() if k not in ("tally", "checks")}
        data["tally"] = asdict(line.tally)
        data["checks"] = (
            None
            if line.checks is None
            else {"k": line.checks.k, "classes": line.checks.classes, "counts": check_counts(line.checks)}
        )
        return data

    return {
        "schools": [school(line) for line in report.schools],
        "modules": [
            {"slug": m.slug, "schools": m.schools, "classes": m.classes, "tally": asdict(m.tally)}
            for m in report.modules
        ],
        "cells": [[school_id, slug, asdict(tally)] for (school_id, slug), tally in report.cells.items()],
    }


def check_counts(results: CheckResults) -> list[list]:
    """[[phase, item, point, answers]] for results that have figures (0 for a blank, "" for sets)."""
    rows = [
        [CheckPhase.BEFORE.value, ANSWER_SETS, 0, results.before],
        [CheckPhase.AFTER.value, ANSWER_SETS, 0, results.after],
    ]
    for item in results.items:
        for phase, values, blank in (
            (CheckPhase.BEFORE, item.before, item.blank_before),
            (CheckPhase.AFTER, item.after, item.blank_after),
        ):
            rows += [[phase.value, item.item.id, point, n] for point, n in enumerate((blank, *values)) if n]
    return rows


def report_from_data(
    district: District, data: dict, counted_at: datetime, catalog: Catalog, locale: str
) -> DistrictReport:
    survey = catalog.check_survey
    schools = []
    for entry in data["schools"]:
        found = entry.pop("checks")
        line = SchoolLine(**{**entry, "tally": Tally(**entry["tally"]), "slips": tuple(entry["slips"])})
        if found is not None and survey is not None:
            counts = {(CheckPhase(phase), item, point): n for phase, item, point, n in found["counts"]}
            line.checks = build_results(survey, found["k"], counts, found["classes"])
        schools.append(line)
    modules = [
        ModuleLine(
            m["slug"],
            catalog.module(m["slug"]).text(locale).title,
            m["schools"],
            m["classes"],
            Tally(**m["tally"]),
        )
        for m in data["modules"]
        if catalog.module(m["slug"])
    ]
    cells = {(school_id, slug): Tally(**tally) for school_id, slug, tally in data["cells"]}
    return DistrictReport(district, schools, modules, cells, survey, counted_at)


def build_district_report(district: District, catalog: Catalog, locale: str) -> DistrictReport:
    """Fourteen statements whatever the number of schools, classes or students."""
    members = member_school_ids(district.id)
    rows = db.session.execute(
        db.select(
            School.id, School.name, School.timezone, School.participation_completes, School.check_min_answers
        )
        .where(School.id.in_(members))
        .order_by(School.name, School.id)
    ).all()
    lines = {row.id: SchoolLine(row.id, row.name) for row in rows}
    if not lines:
        return DistrictReport(district, [], [], {})
    count_people(members, lines, [m.slug for m in catalog.modules if not m.for_students])
    class_school = dict(
        db.session.execute(
            db.select(Classroom.id, Classroom.school_id).where(
                Classroom.school_id.in_(members), Classroom.archived_at.is_(None)
            )
        ).all()
    )
    for school_id in class_school.values():
        lines[school_id].classes += 1

    cells: dict[tuple[int, str], Tally] = {}
    modules: dict[str, ModuleLine] = {}
    todays = {row.id: local_today(row.timezone) for row in rows}
    credited = {row.id for row in rows if row.participation_completes}
    in_class = in_class_counts(class_school, credited)
    # Added up class by class into each (school, module) cell first: tens of thousands of rows
    # at a district's size, so the loop stays plain.
    known = {m.slug for m in catalog.modules}
    sums: dict[tuple[int, str], list[int]] = {}
    classes_of: dict[str, int] = {}
    for class_id, slug, due_on, assigned, completed in district_assignment_counts(members):
        school_id = class_school.get(class_id)
        if slug not in known or school_id is None:
            continue
        took_part, completed_in_class = in_class.get((class_id, slug), (0, 0))
        completed += completed_in_class
        overdue = (assigned - completed) if is_past_due(due_on, todays[school_id]) else 0
        cell = sums.get((school_id, slug))
        if cell is None:
            sums[(school_id, slug)] = [completed, assigned, overdue, took_part]
        else:
            cell[0] += completed
            cell[1] += assigned
            cell[2] += overdue
            cell[3] += took_part
        classes_of[slug] = classes_of.get(slug, 0) + 1
    for (school_id, slug), figures in sums.items():
        tally = cells[(school_id, slug)] = Tally(*figures)
        lines[school_id].tally.add(tally)
        line = modules.get(slug)
        if line is None:
            line = modules[slug] = ModuleLine(
                slug, catalog.module(slug).text(locale).title, 0, classes_of[slug]
            )
        line.schools += 1
        line.tally.add(tally)
    for class_id, (returned, questions, home) in slip_counts(list(class_school)).items():
        line = lines[class_school[class_id]]
        line.slips = (line.slips[0] + returned, line.slips[1] + questions, line.slips[2] + home)
    survey = catalog.check_survey
    if survey is not None:
        thresholds = {row.id: max(MIN_ANSWERS, row.check_min_answers) for row in rows}
        for school_id, results in results_by_school(survey, members, thresholds).items():
            lines[school_id].checks = results
    return DistrictReport(
        district=district,
        schools=list(lines.values()),
        modules=sorted(modules.values(), key=lambda m: (catalog.module(m.slug).order, m.slug)),
        cells=cells,
        survey=survey,
    )


def in_class_counts(
    class_school: dict[int, int], credited: set[int]
) -> dict[tuple[int, str], tuple[int, int]]:
    """{(class, module): (took part, completed by the class's record)}, each school by its own rule
    on whether taking part completes a module (school/participation.py): two statements, always."""
    counts = {}
    for credit in (True, False):
        counts.update(
            participation_counts(
                [c for c, school in class_school.items() if (school in credited) == credit], credit
            )
        )
    return counts


def count_people(members, lines: dict[int, SchoolLine], staff_slugs: list[str]) -> None:
    """Active students, those never signed in, staff, and staff who completed a staff module
    (two statements: the second reads only staff rows)."""
    is_student = User.role == Role.STUDENT
    active = sa.and_(User.school_id.in_(members), User.deactivated_at.is_(None))
    for school_id, students, never, staff in db.session.execute(
        db.select(
            User.school_id,
            sa.func.count().filter(is_student),
            sa.func.count().filter(is_student, User.last_seen_at.is_(None)),
            sa.func.count().filter(~is_student),
        )
        .where(active)
        .group_by(User.school_id)
    ):
        line = lines[school_id]
        line.students, line.never_signed_in, line.staff = students, never, staff
    for school_id, staff_done in db.session.execute(
        db.select(User.school_id, sa.func.count(sa.distinct(User.id)))
        .join(
            ModuleProgress,
            sa.and_(
                ModuleProgress.user_id == User.id,
                COMPLETED_PROGRESS,
                ModuleProgress.module_slug.in_(staff_slugs),
            ),
        )
        .where(active, ~is_student)
        .group_by(User.school_id)
    ):
        lines[school_id].staff_done = staff_done


def district_assignment_counts(members):
    """school/completion.py's counts over the member schools' classes (not archived), at once."""
    classes = db.select(Classroom.id).where(Classroom.school_id.in_(members), Classroom.archived_at.is_(None))
    return assignment_counts(classes, active_students(classes))
