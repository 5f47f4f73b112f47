"""A class's roster: the list, importing a file (preview, then confirm), and one student's reset, removal or move."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
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
from ..web import ask_to_confirm, confirmed
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


def back_to(classroom, student) -> str:
    """Where Cancel goes: the page the action came from (the student page sends `back`)."""
    if request.form.get("back") == "student":
        return url_for("teach.student", class_id=classroom.id, student_id=student.id)
    return url_for("teach.roster", class_id=classroom.id)


@bp.post("/classes/<int:class_id>/students/<int:student_id>/reset")
@teacher_required
def reset_student(class_id, student_id):
    """Say what a reset does and ask once; confirmed, a new one-time password on a card."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    if not confirmed():
        return ask_to_confirm(
            # Translators: the admin's "Reset %(name)s's password?" names a teacher; this one a student.
            pgettext("student", "Reset %(name)s's password?", name=student.display_name),
            _(
                "%(name)s's password and sign-in card stop working now, and they are signed out. "
                "You get a new card with a one-time password; they choose their own password when "
                "they sign in. Their progress stays.",
                name=student.display_name,
            ),
            _("Reset password"),
            back_to(classroom, student),
        )
    cards = class_ops.reset_student_passwords(classroom, [student], current_user)
    db.session.commit()
    return render_cards(classroom, cards)


@bp.post("/classes/<int:class_id>/students/<int:student_id>/remove")
@teacher_required
def remove_student(class_id, student_id):
    """Say what removing does and ask once; confirmed, the student leaves this class (the account
    and progress stay)."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    if not confirmed():
        return ask_to_confirm(
            _("Remove %(name)s from %(classroom)s?", name=student.display_name, classroom=classroom.name),
            _(
                "%(name)s leaves this class, and its assignments no longer apply to them. Their "
                "account and what they have learned stay; they can come back with the class's join "
                "code.",
                name=student.display_name,
            ),
            _("Remove from class"),
            back_to(classroom, student),
        )
    class_ops.remove_student(classroom, student, current_user)
    db.session.commit()
    flash(_("%(name)s is no longer in this class.", name=student.display_name), "success")
    return redirect(url_for("teach.roster", class_id=class_id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/move")
@teacher_required
def move_student(class_id, student_id):
    """Move a student to another of the teacher's classes, after saying what happens and asking
    once; without a class chosen, nothing happens and the teacher is told."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    target_id = request.form.get("target", "").strip()
    if not target_id:
        flash(
            _("Choose the class to move %(name)s to. Nothing was changed.", name=student.display_name),
            "error",
        )
        return redirect(back_to(classroom, student))
    if not target_id.isdigit() or int(target_id) == classroom.id:
        abort(400)
    target = get_classroom_or_404(int(target_id))
    if not confirmed():
        return ask_to_confirm(
            _("Move %(name)s to %(target)s?", name=student.display_name, target=target.name),
            _(
                "%(name)s leaves %(source)s and joins %(target)s, keeping their number if it is "
                "free there. From then on, %(target)s's assignments apply to them. Their account "
                "and what they have learned stay.",
                name=student.display_name,
                source=classroom.name,
                target=target.name,
            ),
            _("Move to %(target)s", target=target.name),
            back_to(classroom, student),
            danger=False,
        )
    class_ops.move_student(classroom, target, student, current_user)
    db.session.commit()
    flash(_("%(name)s moved to %(target)s.", name=student.display_name, target=target.name), "success")
    return redirect(url_for("teach.roster", class_id=class_id))
