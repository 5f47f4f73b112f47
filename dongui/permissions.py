"""The one place that decides who may see what.

Loaders take an id from the address and return the object only when the signed-in user may
see it (any other id answers 404), together with what the page may do with it, so templates
never ask permission questions themselves.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .content import get_catalog
from .extensions import db
from .models import Assignment, ClassQuestion, Classroom, District, Enrollment, QuizAttempt, Role, User
from .school.classes import teaching


def role_required(*roles: Role):
    """Allow only signed-in users with one of `roles`; others get 403, signed-out a redirect."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


student_or_staff_required = role_required(Role.STUDENT, Role.TEACHER, Role.ADMIN)
# Admins can also teach classes (DESIGN.md, "Data model").
teacher_required = role_required(Role.TEACHER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
# An education office: aggregates of its schools only; no school, class or student page.
district_admin_required = role_required(Role.DISTRICT_ADMIN)


def get_own_district_or_404() -> District:
    """The signed-in district admin's district (its member schools are what their pages count)."""
    district = db.session.get(District, current_user.district_id) if current_user.district_id else None
    if district is None:
        abort(404)
    return district


def get_school_student_or_404(user_id: int) -> User:
    """A student of the signed-in admin's school; staff, another school's or unknown ids answer 404."""
    student = db.session.execute(
        db.select(User).where(
            User.id == user_id, User.school_id == current_user.school_id, User.role == Role.STUDENT
        )
    ).scalar_one_or_none()
    if student is None:
        abort(404)
    return student


def get_staff_or_404(user_id: int) -> User:
    """A teacher or admin of the signed-in admin's school; anyone else answers 404."""
    user = db.session.get(User, user_id)
    if user is None or user.school_id != current_user.school_id or user.role == Role.STUDENT:
        abort(404)
    return user


def get_module_or_404(slug: str):
    """A module the signed-in user may take; staff-only modules are invisible to students."""
    module = get_catalog().module(slug)
    if module is None or (not module.for_students and not current_user.is_staff):
        abort(404)
    return module


def get_own_attempt_or_404(attempt_id: int, slug: str) -> QuizAttempt:
    """One of the signed-in user's own quiz attempts; anyone else's answers 404."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.module_slug != slug:
        abort(404)
    return attempt


def get_classroom_or_404(class_id: int, admin_may_view: bool = False) -> Classroom:
    """A class the signed-in user teaches, with `can_edit` set; any other id answers 404.

    With `admin_may_view`, the school's admin may also open it, read-only (`can_edit` False).
    """
    found = db.session.execute(
        db.select(Classroom, teaching(current_user.id)).where(
            Classroom.id == class_id, Classroom.school_id == current_user.school_id
        )
    ).one_or_none()
    if found is None:
        abort(404)
    classroom, can_edit = found
    classroom.can_edit = can_edit
    if not classroom.can_edit and not (admin_may_view and current_user.role == Role.ADMIN):
        abort(404)
    return classroom


def get_student_in_classroom_or_404(classroom: Classroom, student_id: int) -> User:
    """A student enrolled in `classroom`; anyone else answers 404."""
    student = db.session.execute(
        db.select(User)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(User.id == student_id, Enrollment.classroom_id == classroom.id, User.role == Role.STUDENT)
    ).scalar_one_or_none()
    if student is None:
        abort(404)
    return student


def get_students_in_classroom_or_404(classroom: Classroom, student_ids: list[int]) -> list[User]:
    """Students enrolled in `classroom`, in the order of `student_ids` (one query); if any id is
    not such a student, 404."""
    found = {
        student.id: student
        for student in db.session.execute(
            db.select(User)
            .join(Enrollment, Enrollment.student_id == User.id)
            .where(
                User.id.in_(student_ids), Enrollment.classroom_id == classroom.id, User.role == Role.STUDENT
            )
        ).scalars()
    }
    if len(found) != len(set(student_ids)):
        abort(404)
    return [found[student_id] for student_id in dict.fromkeys(student_ids)]


def get_enrolled_classroom_or_404(class_id: int) -> Classroom:
    """A class the signed-in student is in (not archived); any other id answers 404."""
    classroom = db.session.execute(
        db.select(Classroom)
        .join(Enrollment, Enrollment.classroom_id == Classroom.id)
        .where(
            Classroom.id == class_id,
            Enrollment.student_id == current_user.id,
            Classroom.archived_at.is_(None),
        )
    ).scalar_one_or_none()
    if classroom is None:
        abort(404)
    return classroom


def get_question_or_404(classroom: Classroom, question_id: str) -> ClassQuestion:
    """A question put to `classroom` (already checked as the user's); any other id answers 404."""
    question = db.session.get(ClassQuestion, question_id) if len(question_id) <= 32 else None
    if question is None or question.classroom_id != classroom.id:
        abort(404)
    return question


def get_assigned_module_or_404(classroom: Classroom, slug: str):
    """A student module assigned to `classroom` (a class already checked as the user's); any
    other slug answers 404. Classroom mode teaches only what the class was assigned."""
    module = get_catalog().module(slug)
    if (
        module is None
        or not module.for_students
        or db.session.execute(
            db.select(Assignment.id).filter_by(classroom_id=classroom.id, module_slug=slug)
        ).first()
        is None
    ):
        abort(404)
    return module
