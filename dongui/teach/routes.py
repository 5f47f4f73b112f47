"""The teacher's pages: classes, rosters, roster import, sign-in cards and module previews.

Progress, assignments and exports are in progress_routes.py, the question box in
question_routes.py, on the same blueprint.
"""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeSerializer

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..permissions import (
    get_classroom_or_404, get_module_or_404, get_student_in_classroom_or_404, teacher_required,
)
from . import classes as class_ops
from . import progress_routes, question_routes  # noqa: F401  (their views register on the same blueprint)
from .blueprint import bp
from .forms import ClassroomForm, CoTeacherForm, RosterUploadForm
from .queries import list_class_teachers, list_other_classes, list_roster, list_teacher_classes
from .roster import apply_import, parse_upload, preview_rows, rows_from_payload, rows_to_payload
from .roster_files import MAX_FILE_BYTES
from .roster_messages import describe



@bp.get("")
@teacher_required
def index():
    """My classes, and a form for a new one."""
    form = ClassroomForm(year=class_ops.current_school_year())
    return render_template("teach/index.html", classes=list_teacher_classes(current_user.id),
                           archived=list_teacher_classes(current_user.id, archived=True), form=form)


@bp.post("/classes")
@teacher_required
def create_class():
    """Create a class taught by the signed-in teacher."""
    form = ClassroomForm()
    if not form.validate_on_submit():
        return render_template("teach/index.html", classes=list_teacher_classes(current_user.id),
                               archived=list_teacher_classes(current_user.id, archived=True),
                               form=form), 400
    classroom = class_ops.create_classroom(current_user.school, current_user, form.name.data,
                                           form.year.data)
    db.session.commit()
    flash(_("The class %(name)s is ready. Next, import its class list.", name=classroom.name), "success")
    return redirect(url_for("teach.roster_import", class_id=classroom.id))


@bp.get("/classes/<int:class_id>/settings")
@teacher_required
def class_settings(class_id):
    """Class details, co-teachers, join code and archiving."""
    classroom = get_classroom_or_404(class_id)
    return render_template(
        "teach/class.html", classroom=classroom, roster=list_roster(classroom.id),
        teachers=list_class_teachers(classroom.id),
        edit_form=ClassroomForm(name=classroom.name, year=classroom.year),
        co_teacher_form=CoTeacherForm(),
    )


@bp.post("/classes/<int:class_id>/edit")
@teacher_required
def edit_class(class_id):
    """Rename a class or change its school year."""
    classroom = get_classroom_or_404(class_id)
    form = ClassroomForm()
    if form.validate_on_submit():
        class_ops.rename_classroom(classroom, form.name.data, form.year.data)
        db.session.commit()
        flash(_("Saved."), "success")
    else:
        flash(_("The class was not changed: %(errors)s", errors=" ".join(
            str(e) for errors in form.errors.values() for e in errors)), "error")
    return redirect(url_for("teach.class_settings", class_id=classroom.id))


@bp.post("/classes/<int:class_id>/archive")
@teacher_required
def archive_class(class_id):
    """Archive a class (or bring it back): its students can no longer join it."""
    classroom = get_classroom_or_404(class_id)
    archive = request.form.get("archive") == "1"
    class_ops.set_archived(classroom, archive)
    db.session.commit()
    flash(_("The class is archived.") if archive else _("The class is reactivated."), "success")
    return redirect(url_for("teach.index") if archive else url_for("teach.class_settings", class_id=class_id))


@bp.post("/classes/<int:class_id>/join-code")
@teacher_required
def new_join_code(class_id):
    """Replace the join code (the old one stops working)."""
    classroom = get_classroom_or_404(class_id)
    class_ops.regenerate_join_code(classroom)
    db.session.commit()
    flash(_("New join code: %(code)s", code=classroom.join_code), "success")
    return redirect(url_for("teach.class_settings", class_id=class_id))


@bp.post("/classes/<int:class_id>/teachers")
@teacher_required
def add_co_teacher(class_id):
    """Add a teacher of the same school to this class."""
    classroom = get_classroom_or_404(class_id)
    form = CoTeacherForm()
    colleague = class_ops.add_co_teacher(classroom, form.username.data or "") if form.validate_on_submit() else None
    if colleague is None:
        flash(_("No teacher with that username was found at your school."), "error")
    else:
        db.session.commit()
        flash(_("%(name)s now teaches this class too.", name=colleague.display_name), "success")
    return redirect(url_for("teach.class_settings", class_id=class_id))


@bp.get("/classes/<int:class_id>/roster")
@teacher_required
def roster(class_id):
    """The class list with each student's username and actions."""
    classroom = get_classroom_or_404(class_id)
    return render_template("teach/roster.html", classroom=classroom, roster=list_roster(classroom.id),
                           move_targets=list_other_classes(current_user.id, classroom.id))


@bp.route("/classes/<int:class_id>/import", methods=["GET", "POST"])
@teacher_required
def roster_import(class_id):
    """Upload a class list and see a preview; nothing is written yet."""
    classroom = get_classroom_or_404(class_id)
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return render_template("teach/import.html", classroom=classroom, form=form)
    upload = form.file.data
    try:
        data = upload.read(MAX_FILE_BYTES + 1)
    finally:
        upload.close()  # a large upload is spooled to a temporary file
    rows, file_problems, skipped = parse_upload(upload.filename, data)
    payload = rows_to_payload(rows, skipped)
    preview = preview_rows(rows, file_problems, skipped, classroom)
    return render_preview(classroom, preview, payload)


@bp.post("/classes/<int:class_id>/import/confirm")
@teacher_required
def roster_import_confirm(class_id):
    """Import every previewed row in one transaction, then show the sign-in cards once."""
    classroom = get_classroom_or_404(class_id)
    payload = read_preview_payload(request.form.get("payload"), classroom)
    rows, skipped = rows_from_payload(payload)
    preview = preview_rows(rows, [], skipped, classroom)
    if not preview.can_import:  # the class changed since the preview
        return render_preview(classroom, preview, payload)
    result = apply_import(preview, classroom, current_user)
    db.session.commit()
    flash(_("Imported: %(created)s new, %(enrolled)s enrolled, %(unchanged)s already in the class.",
            created=len(result.created), enrolled=result.enrolled, unchanged=result.unchanged), "success")
    return render_cards(classroom, result.created)


def preview_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="dongui-roster-preview")


def render_preview(classroom, preview, payload):
    signed = None
    if preview.can_import:
        signed = preview_serializer().dumps({"c": classroom.id, "u": current_user.id, **payload})
    return render_template("teach/import_preview.html", classroom=classroom, preview=preview,
                           payload=signed, describe=describe)


def read_preview_payload(token, classroom) -> dict:
    try:
        payload = preview_serializer().loads(token or "")
    except BadSignature:
        abort(400)
    if payload.get("c") != classroom.id or payload.get("u") != current_user.id:
        abort(400)
    return payload


def render_cards(classroom, cards):
    """The printable sign-in cards: the only place the one-time passwords ever appear."""
    return render_template("teach/cards.html", classroom=classroom, cards=cards,
                           site=request.host_url.rstrip("/"))


@bp.route("/classes/<int:class_id>/cards", methods=["GET", "POST"])
@teacher_required
def cards(class_id):
    """Reprint cards: choose students; their passwords are reset (old cards stop working)."""
    classroom = get_classroom_or_404(class_id)
    roster_entries = list_roster(classroom.id)
    if request.method == "GET":
        return render_template("teach/cards_choose.html", classroom=classroom, roster=roster_entries)
    chosen = {int(v) for v in request.form.getlist("student") if v.isdigit()}
    students = [get_student_in_classroom_or_404(classroom, sid) for sid in sorted(chosen)]
    if not students:
        flash(_("Choose at least one student."), "error")
        return redirect(url_for("teach.cards", class_id=class_id))
    cards = class_ops.reset_student_passwords(classroom, students, current_user)
    db.session.commit()
    return render_cards(classroom, cards)


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


@bp.get("/modules")
@teacher_required
def modules():
    """Every module, to preview before assigning."""
    locale = current_locale()
    return render_template("teach/modules.html",
                           modules=[(m, m.text(locale)[0]) for m in get_catalog().modules])


@bp.get("/modules/<slug>")
@teacher_required
def module_preview(slug):
    """A module in either language, with its teacher notes and quiz key (nothing recorded)."""
    module = get_module_or_404(slug)
    locale = request.args.get("lang", current_locale())
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    text, fallback = module.text(locale)
    return render_template("teach/module_preview.html", module=module, text=text,
                           fallback=fallback, preview_locale=locale)
