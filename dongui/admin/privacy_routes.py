"""The school admin's privacy pages: the student list, one student's data (export, delete) and
the activity log. Registered on the admin blueprint."""

import json
from functools import partial

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..permissions import admin_required, get_school_student_or_404
from . import privacy
from .blueprint import bp
from .forms import AuditFilterForm, DeleteStudentForm, ExportStudentForm, StudentSearchForm
from .queries import (
    AuditFilters, audit_filter_choices, describe_student, list_audit_events, list_students,
)

# The log stores action codes; people read these. An unknown code is shown as it is.
ACTION_LABELS = {
    "teacher.create": _l("Teacher account created"),
    "password.reset": _l("Password reset"),
    "staff.activate": _l("Staff account reactivated"),
    "staff.deactivate": _l("Staff account deactivated"),
    "classes.reassign": _l("Classes handed over"),
    "school.export": _l("School report exported"),
    "class.export": _l("Class progress exported"),
    "roster.import": _l("Roster imported"),
    "student.remove": _l("Student removed from a class"),
    "student.move": _l("Student moved to another class"),
    "student.excuse": _l("Student excused from a module"),
    "student.unexcuse": _l("Excusal cancelled"),
    "student.export": _l("Student data exported"),
    "student.delete": _l("Student deleted"),
    "question.delete": _l("Anonymous question deleted"),
}
TARGET_LABELS = {"user": _l("Account"), "classroom": _l("Class"), "school": _l("School")}
AUDIT_FILTERS = ("action", "actor", "target_type", "date_from", "date_to")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def target_label(target_type: str) -> str:
    return str(TARGET_LABELS.get(target_type, target_type))


def page_number() -> int:
    return request.args.get("page", 1, type=int)


@bp.get("/students")
@admin_required
def students():
    """The school's students: search by name or username, their classes, when they were last seen."""
    form = StudentSearchForm(formdata=request.args)
    search = (form.q.data or "") if form.validate() else ""  # too long: the field says so
    never = bool(form.never.data)
    page = list_students(current_user.school_id, search, page_number(), never_signed_in=never)
    args = {}  # what the pagination links carry over
    if search:
        args["q"] = search
    if never:
        args["never"] = "y"
    return render_template("admin/students.html", form=form, page=page, args=args)


@bp.get("/users/<int:user_id>")
@admin_required
def student(user_id):
    """One student: classes and progress in numbers, with export and delete."""
    student = get_school_student_or_404(user_id)
    return render_template("admin/student.html", student=student, summary=describe_student(student.id))


@bp.route("/users/<int:user_id>/export", methods=["GET", "POST"])
@admin_required
def student_export(user_id):
    """What an export holds (GET); the student's data as a JSON download (POST), logged."""
    student = get_school_student_or_404(user_id)
    form = ExportStudentForm()
    if not form.validate_on_submit():
        return render_template("admin/student_export.html", student=student, form=form)
    data = privacy.export_student(student)
    privacy.record_export(student, current_user)
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="student-{user_id}.json"'},
    )


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@admin_required
def student_delete(user_id):
    """What deleting erases (GET); with the username typed to confirm, the erasure (POST)."""
    student = get_school_student_or_404(user_id)
    form = DeleteStudentForm(student.username)
    if form.validate_on_submit():
        name = student.display_name
        privacy.delete_student(student, current_user)
        db.session.commit()
        flash(_("%(name)s and all of their data were deleted.", name=name), "success")
        return redirect(url_for("admin.students"))
    return render_template("admin/student_delete.html", student=student, form=form,
                           summary=describe_student(student.id)), (400 if form.errors else 200)


@bp.get("/audit")
@admin_required
def audit():
    """The school's activity log, newest first, with filters."""
    school = current_user.school
    choices = audit_filter_choices(school.id)
    form = AuditFilterForm(formdata=request.args)
    fill_audit_choices(form, choices)
    form.validate()  # errors show beside their fields; a bad date filters nothing
    filters = AuditFilters(
        action=form.action.data or None,
        actor=parse_actor(form.actor.data),
        target_type=form.target_type.data or None,
        date_from=None if form.date_from.errors else form.date_from.data,
        date_to=None if form.date_to.errors else form.date_to.data,
    )
    page = list_audit_events(school.id, filters, page_number(),
                             partial(privacy.start_of_day, timezone=school.timezone))
    args = {key: value for key, value in request.args.items() if key in AUDIT_FILTERS and value}
    return render_template("admin/audit.html", form=form, page=page, args=args,
                           action_label=action_label, target_label=target_label)


def fill_audit_choices(form: AuditFilterForm, choices) -> None:
    anything = ("", _("Any"))
    form.action.choices = [anything] + sorted(((a, action_label(a)) for a in choices.actions),
                                              key=lambda choice: choice[1])
    form.actor.choices = [anything] + [(str(i), name) for i, name in choices.actors]
    if choices.has_no_actor:
        form.actor.choices.append(("none", _("Command line or deleted account")))
    form.target_type.choices = [anything] + [(t, target_label(t)) for t in choices.target_types]


def parse_actor(value: str | None) -> int | None:
    """"none" → 0 (no actor left), a number → that user id, anything else → any actor."""
    if value == "none":
        return 0
    return int(value) if value and value.isdigit() and int(value) > 0 else None
