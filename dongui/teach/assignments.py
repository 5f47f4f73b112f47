"""Assigning modules to a class with due dates, their order, and excusing a student."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..permissions import (
    get_classroom_or_404,
    get_student_in_classroom_or_404,
    teacher_required,
)
from ..school import assignments as assignment_ops
from ..school.calendar import is_overdue
from . import bp
from .queries import list_roster


@bp.get("/classes/<int:class_id>/assignments")
@teacher_required
def assignments(class_id):
    """The modules this class must do, in order, with due dates; excusals per student."""
    classroom = get_classroom_or_404(class_id)
    catalog = get_catalog()
    items = assignment_ops.list_assignments(classroom.id)
    assigned = {a.module_slug for a in items}
    locale = current_locale()
    return render_template(
        "teach/assignments.html",
        classroom=classroom,
        catalog=catalog,
        locale=locale,
        items=[
            (a, catalog.module(a.module_slug), is_overdue(a.due_on, classroom.school.timezone)) for a in items
        ],
        available=[m for m in catalog.student_modules() if m.slug not in assigned],
        sensitive=assignment_ops.SENSITIVE_MODULE_ORDERS,
        roster=list_roster(classroom.id),
        excused=assignment_ops.excused_pairs(classroom.id),
    )


@bp.post("/classes/<int:class_id>/assignments")
@teacher_required
def assign(class_id):
    """Assign a module (or change its due date)."""
    classroom = get_classroom_or_404(class_id)
    module = get_catalog().module(request.form.get("module", ""))
    if module is None or not module.for_students:
        abort(400)
    due_on = parse_due_date(request.form.get("due_on", ""))
    assignment_ops.assign_module(classroom, module.slug, due_on, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    if module.order in assignment_ops.SENSITIVE_MODULE_ORDERS:
        flash(
            _(
                "If this class has a live incident, talk to the school counsellor before teaching this module; you can excuse a student from it."
            ),
            "info",
        )
    return redirect(url_for("teach.assignments", class_id=class_id))


def parse_due_date(value: str):
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        abort(400)


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/<any(up, down, remove):action>")
@teacher_required
def change_assignment(class_id, assignment_id, action):
    """Move an assignment up or down, or remove it."""
    classroom = get_classroom_or_404(class_id)
    assignment = next(
        (a for a in assignment_ops.list_assignments(classroom.id) if a.id == assignment_id), None
    )
    if assignment is None:
        abort(404)
    if action == "remove":
        assignment_ops.remove_assignment(assignment)
    else:
        assignment_ops.move_assignment(classroom, assignment, -1 if action == "up" else 1)
    db.session.commit()
    return redirect(url_for("teach.assignments", class_id=class_id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/excuse")
@teacher_required
def excuse(class_id, student_id):
    """Excuse a student from one assigned module, or take the excusal back."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    slug = request.form.get("module", "")
    if slug not in {a.module_slug for a in assignment_ops.list_assignments(classroom.id)}:
        abort(400)
    if request.form.get("excused") == "1":
        assignment_ops.excuse_student(classroom, student, slug, current_user)
    else:
        assignment_ops.unexcuse_student(classroom, student, slug, current_user)
    db.session.commit()
    if request.form.get("next") == "student":
        return redirect(url_for("teach.student", class_id=class_id, student_id=student_id))
    return redirect(url_for("teach.assignments", class_id=class_id))
