"""A class's roster: the list, importing a file (preview, then confirm), and one student's reset, removal or move."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from ..extensions import db
from ..permissions import (
    get_classroom_or_404,
    get_student_in_classroom_or_404,
    teacher_required,
)
from ..school import classes as class_ops
from ..school.roster import build_preview
from ..school.roster_files import MAX_FILE_BYTES
from ..school.roster_import import confirm_import, new_import_token, preview_payload
from ..school.roster_messages import column_label, describe, describe_lines, pattern_label
from ..transactions import commit_with_retry
from . import bp
from .cards import render_cards
from .forms import RosterUploadForm
from .queries import list_other_classes, list_roster


@bp.get("/classes/<int:class_id>/roster")
@teacher_required
def roster(class_id):
    """The class list with each student's username and actions."""
    classroom = get_classroom_or_404(class_id)
    return render_template(
        "teach/roster.html",
        classroom=classroom,
        roster=list_roster(classroom.id),
        move_targets=list_other_classes(current_user.id, classroom.id),
    )


@bp.route("/classes/<int:class_id>/import", methods=["GET", "POST"])
@teacher_required
def roster_import(class_id):
    """Upload a class list and see a preview; nothing is written yet."""
    classroom = get_classroom_or_404(class_id)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        pattern = pattern_label(classroom.school.username_pattern, classroom.school.slug)
        return render_template("teach/import.html", classroom=classroom, form=form, pattern=pattern)
    upload = form.file.data
    try:
        data = upload.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    return render_preview(classroom, build_preview(upload.filename, data, classroom, current_user))


@bp.post("/classes/<int:class_id>/import/confirm")
@teacher_required
def roster_import_confirm(class_id):
    """Import the previewed rows in one transaction and show the sign-in cards; a resent
    confirm shows the same result (and, for a while, the same cards) and imports nothing."""
    classroom = get_classroom_or_404(class_id)
    payload = read_preview_payload(request.form.get("payload"), classroom)
    confirmation = commit_with_retry(lambda: confirm_import(payload, classroom, current_user))
    if confirmation.preview is not None:
        return render_preview(classroom, confirmation.preview, changed=True)
    return render_cards(classroom, confirmation.result.cards, result=confirmation.result)


def preview_serializer() -> URLSafeSerializer:
    # "-2": the confirm form now carries its token and the lines left out; an older form is
    # refused (400), not misread.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="dongui-roster-preview-2")


def render_preview(classroom, preview, changed=False):
    signed = None
    if preview.importable:
        signed = preview_serializer().dumps(
            {"c": classroom.id, "u": current_user.id, **preview_payload(preview, new_import_token())}
        )
    return render_template(
        "teach/import_preview.html",
        classroom=classroom,
        preview=preview,
        payload=signed,
        changed=changed,
        describe=describe,
        describe_lines=describe_lines,
        column_label=column_label,
        pattern_label=pattern_label,
    )


def read_preview_payload(token, classroom) -> dict:
    try:
        payload = preview_serializer().loads(token or "")
    except BadSignature:
        abort(400)
    if (
        not isinstance(payload, dict)
        or payload.get("c") != classroom.id
        or payload.get("u") != current_user.id
    ):
        abort(400)
    return payload


@bp.post("/classes/<int:class_id>/students/<int:student_id>/reset")
@teacher_required
def reset_student(class_id, student_id):
    """Give one student a new one-time password and print their card."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    cards = class_ops.reset_student_passwords(classroom, [student], current_user)
    db.session.commit()
    return render_cards(classroom, cards)


@bp.post("/classes/<int:class_id>/students/<int:student_id>/remove")
@teacher_required
def remove_student(class_id, student_id):
    """Take a student out of this class (the account and progress stay)."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    class_ops.remove_student(classroom, student, current_user)
    db.session.commit()
    flash(_("%(name)s is no longer in this class.", name=student.display_name), "success")
    return redirect(url_for("teach.roster", class_id=class_id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/move")
@teacher_required
def move_student(class_id, student_id):
    """Move a student to another of the teacher's classes."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    target_id = request.form.get("target", "")
    if not target_id.isdigit() or int(target_id) == classroom.id:
        abort(400)
    target = get_classroom_or_404(int(target_id))
    class_ops.move_student(classroom, target, student, current_user)
    db.session.commit()
    flash(_("%(name)s moved to %(target)s.", name=student.display_name, target=target.name), "success")
    return redirect(url_for("teach.roster", class_id=class_id))
