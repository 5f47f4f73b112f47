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
    classes = db.session.execute(db.select(Classroom).where(
        Classroom.school_id == school.id, Classroom.archived_at.is_(None)).order_by(Classroom.name)).scalars().all()
    class_ids = [c.id for c in classes]
    teachers = db.session.execute(
        db.select(ClassTeacher.classroom_id, User.id, User.display_name)
        .join(User, User.id == ClassTeacher.teacher_id).where(ClassTeacher.classroom_id.in_(class_ids))
    ).all() if class_ids else []
    enrollments = db.session.execute(
        db.select(Enrollment.classroom_id, Enrollment.student_id, User.display_name, User.last_seen_at)
        .join(User, User.id == Enrollment.student_id)
        .where(Enrollment.classroom_id.in_(class_ids), User.deactivated_at.is_(None))
    ).all() if class_ids else []
    assignments = [a for a in db.session.execute(db.select(Assignment).where(
        Assignment.classroom_id.in_(class_ids))).scalars() if catalog.module(a.module_slug)] if class_ids else []
    slugs = sorted({a.module_slug for a in assignments})
    student_ids = {e.student_id for e in enrollments}
    completed = set(db.session.execute(
        db.select(ModuleProgress.user_id, ModuleProgress.module_slug).where(
            ModuleProgress.user_id.in_(student_ids), ModuleProgress.module_slug.in_(slugs),
            ModuleProgress.lesson_done_at.is_not(None), ModuleProgress.quiz_passed_at.is_not(None))
    ).all()) if student_ids and slugs else set()
    excused = set(db.session.execute(
        db.select(Excusal.classroom_id, Excusal.student_id, Excusal.module_slug)
        .where(Excusal.classroom_id.in_(class_ids))).all()) if class_ids else set()

    lines = {c.id: ClassLine(c.id, c.name, [], 0, False) for c in classes}
    for class_id, teacher_id, name in teachers:
        lines[class_id].teachers.append(name)
        lines[class_id].taught_by_me |= teacher_id == viewer_id
    members: dict[int, list[int]] = {}
    for e in enrollments:
        members.setdefault(e.classroom_id, []).append(e.student_id)
        lines[e.classroom_id].students += 1
    modules = {slug: ModuleLine(slug, catalog.module(slug).text(locale)[0].title) for slug in slugs}
    for a in assignments:
        overdue = is_overdue(a.due_on, school.timezone)
        modules[a.module_slug].classes += 1
        for student_id in members.get(a.classroom_id, []):
            if (a.classroom_id, student_id, a.module_slug) in excused:
                continue
            done = (student_id, a.module_slug) in completed
            for tally in (lines[a.classroom_id].tally, modules[a.module_slug].tally):
                tally.assigned += 1
                tally.completed += done
                tally.overdue += overdue and not done
    return SchoolReport(
        classes=list(lines.values()),
        modules=sorted(modules.values(), key=lambda m: catalog.module(m.slug).order),
        never_signed_in=never_signed_in(enrollments, {c.id: c.name for c in classes}),
        staff_module=staff_module_completion(school.id, catalog),
    )


def never_signed_in(enrollments, class_names) -> list[tuple[str, str]]:
    students: dict[int, tuple[str, list[str]]] = {}
    for e in enrollments:
        if e.last_seen_at is None:
            students.setdefault(e.student_id, (e.display_name, []))[1].append(class_names[e.classroom_id])
    return sorted((name, ", ".join(classes)) for name, classes in students.values())


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
