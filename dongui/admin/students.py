"""Students on request: find one, see their data, export it, erase them."""

import json

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..permissions import admin_required, get_school_student_or_404
from ..school import privacy
from ..web import page_arg
from . import bp
from .forms import DeleteStudentForm, ExportStudentForm, StudentSearchForm
from .queries import (
    describe_student,
    list_students,
)


@bp.get("/students")
@admin_required
def students():
    """The school's students: search by name or username, their classes, when they were last seen."""
    form = StudentSearchForm(formdata=request.args)
    search = (form.q.data or "") if form.validate() else ""  # too long: the field says so
    never = bool(form.never.data)
    page = list_students(current_user.school_id, search, page_arg(), never_signed_in=never)
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
        privacy.scrub_erased_pages()
        flash(_("%(name)s and all of their data were deleted.", name=name), "success")
        return redirect(url_for("admin.students"))
    return render_template(
        "admin/student_delete.html", student=student, form=form, summary=describe_student(student.id)
    ), (400 if form.errors else 200)
