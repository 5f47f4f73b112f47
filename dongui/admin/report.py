"""The school report: completion by class and by module, in a fixed number of queries."""

from dataclasses import dataclass, field

import sqlalchemy as sa

from ..content import Catalog
from ..extensions import db
from ..models import Assignment, ClassTeacher, Classroom, Enrollment, Excusal, ModuleProgress, Role, User
from ..teach.assignments import is_overdue


@dataclass
class Tally:
    completed: int = 0
    assigned: int = 0   # students × assigned modules, excusals left out
    overdue: int = 0

    @property
    def share(self) -> float:
        return self.completed / self.assigned if self.assigned else 0.0


@dataclass
class ClassLine:
    id: int
    name: str
    teachers: list[str]
    students: int
    taught_by_me: bool
    tally: Tally = field(default_factory=Tally)


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
    staff_module: list[tuple[str, bool]]    # (teacher, completed the staff module)

    @property
    def total(self) -> Tally:
        return Tally(sum(c.tally.completed for c in self.classes), sum(c.tally.assigned for c in self.classes),
                     sum(c.tally.overdue for c in self.classes))


def build_school_report(school, viewer_id: int, catalog: Catalog, locale: str) -> SchoolReport:
    """Six queries whatever the school's size; the database counts, Python only adds up."""
    classes = db.session.execute(db.select(Classroom.id, Classroom.name).where(
        Classroom.school_id == school.id, Classroom.archived_at.is_(None)).order_by(Classroom.name)).all()
    lines = {c.id: ClassLine(c.id, c.name, [], 0, False) for c in classes}
    if not lines:
        return SchoolReport([], [], [], staff_module_completion(school.id, catalog))
    class_ids = list(lines)
    for class_id, teacher_id, name in db.session.execute(
            db.select(ClassTeacher.classroom_id, User.id, User.display_name)
            .join(User, User.id == ClassTeacher.teacher_id).where(ClassTeacher.classroom_id.in_(class_ids))
            .order_by(User.display_name)):
        lines[class_id].teachers.append(name)
        lines[class_id].taught_by_me |= teacher_id == viewer_id
    active = sa.and_(Enrollment.classroom_id.in_(class_ids), User.deactivated_at.is_(None))
    for class_id, students in db.session.execute(
            db.select(Enrollment.classroom_id, sa.func.count())
            .join(User, User.id == Enrollment.student_id).where(active).group_by(Enrollment.classroom_id)):
        lines[class_id].students = students

    modules: dict[str, ModuleLine] = {}
    for class_id, slug, due_on, assigned, completed in assignment_counts(class_ids):
        module = catalog.module(slug)
        if module is None:
            continue
        line = modules.setdefault(slug, ModuleLine(slug, module.text(locale)[0].title))
        line.classes += 1
        overdue = (assigned - completed) if is_overdue(due_on, school.timezone) else 0
        for tally in (lines[class_id].tally, line.tally):
            tally.assigned += assigned
            tally.completed += completed
            tally.overdue += overdue

    never = db.session.execute(
        db.select(Enrollment.student_id, User.display_name, Enrollment.classroom_id)
        .join(User, User.id == Enrollment.student_id).where(active, User.last_seen_at.is_(None))
    ).all()
    return SchoolReport(
        classes=list(lines.values()),
        modules=sorted(modules.values(), key=lambda m: catalog.module(m.slug).order),
        never_signed_in=never_signed_in(never, {c.id: c.name for c in classes}),
        staff_module=staff_module_completion(school.id, catalog),
    )


def assignment_counts(class_ids: list[int]):
    """(class, module, due date, students assigned, students completed) for every assignment.

    Assigned counts the class's active students not excused from the module; a student in two
    classes counts once in each."""
    done = (db.select(ModuleProgress.user_id, ModuleProgress.module_slug)
            .where(ModuleProgress.lesson_done_at.is_not(None), ModuleProgress.quiz_passed_at.is_not(None))
            .subquery())
    excused = sa.exists().where(Excusal.classroom_id == Assignment.classroom_id,
                                Excusal.student_id == Enrollment.student_id,
                                Excusal.module_slug == Assignment.module_slug)
    # Outer joins keep an assignment in a class with no students (it still counts as assigned).
    return db.session.execute(
        db.select(Assignment.classroom_id, Assignment.module_slug, Assignment.due_on,
                  sa.func.count(User.id), sa.func.count(done.c.user_id))
        .outerjoin(Enrollment, Enrollment.classroom_id == Assignment.classroom_id)
        .outerjoin(User, sa.and_(User.id == Enrollment.student_id, User.deactivated_at.is_(None), ~excused))
        .outerjoin(done, sa.and_(done.c.user_id == User.id, done.c.module_slug == Assignment.module_slug))
        .where(Assignment.classroom_id.in_(class_ids))
        .group_by(Assignment.classroom_id, Assignment.module_slug, Assignment.due_on)
    ).all()


def never_signed_in(rows, class_names) -> list[tuple[str, str]]:
    """(name, the classes they are in) for students who have never signed in."""
    students: dict[int, tuple[str, list[str]]] = {}
    for student_id, name, class_id in rows:
        students.setdefault(student_id, (name, []))[1].append(class_names[class_id])
    return sorted((name, ", ".join(sorted(classes))) for name, classes in students.values())


def staff_module_completion(school_id: int, catalog: Catalog) -> list[tuple[str, bool]]:
    staff_slugs = [m.slug for m in catalog.modules if not m.for_students]
    staff = db.session.execute(db.select(User.id, User.display_name).where(
        User.school_id == school_id, User.role != Role.STUDENT, User.deactivated_at.is_(None)
    ).order_by(User.display_name)).all()
    done = set(db.session.execute(db.select(ModuleProgress.user_id).where(
        ModuleProgress.user_id.in_([s.id for s in staff]), ModuleProgress.module_slug.in_(staff_slugs),
        ModuleProgress.lesson_done_at.is_not(None), ModuleProgress.quiz_passed_at.is_not(None))
    ).scalars()) if staff and staff_slugs else set()
    return [(name, user_id in done) for user_id, name in staff]
