"""The school report: completion by class and by module, in a fixed number of queries."""

from dataclasses import dataclass, field

from ..content import Catalog
from ..extensions import db
from ..models import (
    COMPLETED_PROGRESS,
    Classroom,
    ClassTeacher,
    ModuleProgress,
    Role,
    User,
)
from ..school.calendar import is_past_due, local_today
from ..school.completion import Tally, active_students, assignment_counts
from ..school.letters import slip_counts
from ..school.participation import participation_counts
from .queries import class_names_by_student


@dataclass
class ClassLine:
    id: int
    name: str
    teachers: list[str]
    students: int
    taught_by_me: bool
    tally: Tally = field(default_factory=Tally)
    slips: tuple[int, int, int] = (0, 0, 0)  # the letter home: returned, with questions, kept home


@dataclass
class ModuleLine:
    slug: str
    title: str
    classes: int = 0
    tally: Tally = field(default_factory=Tally)


@dataclass
class SchoolReport:
    classes: list[ClassLine]
    modules: list[ModuleLine]
    never_signed_in: list[tuple[str, str]]  # (name, class names)
    staff_module: list[tuple[str, bool]]  # (teacher, completed the staff module)

    @property
    def total(self) -> Tally:
        return Tally(
            sum(c.tally.completed for c in self.classes),
            sum(c.tally.assigned for c in self.classes),
            sum(c.tally.overdue for c in self.classes),
            sum(c.tally.took_part for c in self.classes),
        )


def build_school_report(school, viewer_id: int, catalog: Catalog, locale: str) -> SchoolReport:
    """A fixed number of queries whatever the school's size; the database counts, Python only adds up."""
    classes = db.session.execute(
        db.select(Classroom.id, Classroom.name)
        .where(Classroom.school_id == school.id, Classroom.archived_at.is_(None))
        .order_by(Classroom.name)
    ).all()
    lines = {c.id: ClassLine(c.id, c.name, [], 0, False) for c in classes}
    if not lines:
        return SchoolReport([], [], never_signed_in(school.id), staff_module_completion(school.id, catalog))
    class_ids = list(lines)
    for class_id, teacher_id, name in db.session.execute(
        db.select(ClassTeacher.classroom_id, User.id, User.display_name)
        .join(User, User.id == ClassTeacher.teacher_id)
        .where(ClassTeacher.classroom_id.in_(class_ids))
        .order_by(User.display_name)
    ):
        lines[class_id].teachers.append(name)
        lines[class_id].taught_by_me |= teacher_id == viewer_id
    for class_id, students in active_students(class_ids).items():
        lines[class_id].students = students

    modules: dict[str, ModuleLine] = {}
    today = local_today(school.timezone)
    students = {class_id: line.students for class_id, line in lines.items()}
    # Taught in class: who took part, and whom the class's record completes (school/participation.py).
    in_class = participation_counts(class_ids, school.participation_completes)
    for class_id, slug, due_on, assigned, completed in assignment_counts(class_ids, students):
        module = catalog.module(slug)
        if module is None:
            continue
        line = modules.setdefault(slug, ModuleLine(slug, module.text(locale).title))
        line.classes += 1
        took_part, completed_in_class = in_class.get((class_id, slug), (0, 0))
        completed += completed_in_class
        overdue = (assigned - completed) if is_past_due(due_on, today) else 0
        for tally in (lines[class_id].tally, line.tally):
            tally.assigned += assigned
            tally.completed += completed
            tally.overdue += overdue
            tally.took_part += took_part
    for class_id, counts in slip_counts(class_ids).items():
        lines[class_id].slips = counts

    return SchoolReport(
        classes=list(lines.values()),
        modules=sorted(modules.values(), key=lambda m: catalog.module(m.slug).order),
        never_signed_in=never_signed_in(school.id),
        staff_module=staff_module_completion(school.id, catalog),
    )


NEVER_SIGNED_IN_SHOWN = 20  # the rest are one link away: a new school year can have hundreds


def never_signed_in(school_id: int) -> list[tuple[str, str]]:
    """(name, the classes they are in) for the first active students, by name, who have never
    signed in; the report's count and the students page's filter use the same rule."""
    rows = db.session.execute(
        db.select(User.id, User.display_name)
        .where(
            User.school_id == school_id,
            User.role == Role.STUDENT,
            User.deactivated_at.is_(None),
            User.last_seen_at.is_(None),
        )
        .order_by(User.display_name, User.id)
        .limit(NEVER_SIGNED_IN_SHOWN)
    ).all()
    classes = class_names_by_student([row.id for row in rows])
    return [(row.display_name, ", ".join(classes.get(row.id, []))) for row in rows]


def staff_module_completion(school_id: int, catalog: Catalog) -> list[tuple[str, bool]]:
    staff_slugs = [m.slug for m in catalog.modules if not m.for_students]
    staff = db.session.execute(
        db.select(User.id, User.display_name)
        .where(User.school_id == school_id, User.role != Role.STUDENT, User.deactivated_at.is_(None))
        .order_by(User.display_name)
    ).all()
    done = (
        set(
            db.session.execute(
                db.select(ModuleProgress.user_id).where(
                    ModuleProgress.user_id.in_([s.id for s in staff]),
                    ModuleProgress.module_slug.in_(staff_slugs),
                    COMPLETED_PROGRESS,
                )
            ).scalars()
        )
        if staff and staff_slugs
        else set()
    )
    return [(name, user_id in done) for user_id, name in staff]
