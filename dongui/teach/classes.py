"""A teacher's classes: the list, a new class, its settings, join code and co-teachers."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..permissions import (
    get_classroom_or_404,
    teacher_required,
)
from ..school import classes as class_ops
from . import bp
from .forms import ClassroomForm, CoTeacherForm
from .queries import list_class_teachers, list_roster, list_teacher_classes


@bp.get("")
@teacher_required
def index():
    """My classes, and a form for a new one."""
    form = ClassroomForm(year=class_ops.current_school_year())
    return render_template(
        "teach/index.html",
        classes=list_teacher_classes(current_user.id),
        archived=list_teacher_classes(current_user.id, archived=True),
        form=form,
    )


@bp.post("/classes")
@teacher_required
def create_class():
    """Create a class taught by the signed-in teacher."""
    form = ClassroomForm()
    if not form.validate_on_submit():
        return render_template(
            "teach/index.html",
            classes=list_teacher_classes(current_user.id),
            archived=list_teacher_classes(current_user.id, archived=True),
            form=form,
        ), 400
    classroom = class_ops.create_classroom(current_user.school, current_user, form.name.data, form.year.data)
    db.session.commit()
    flash(_("The class %(name)s is ready. Next, import its class list.", name=classroom.name), "success")
    return redirect(url_for("teach.roster_import", class_id=classroom.id))


@bp.get("/classes/<int:class_id>/settings")
@teacher_required
def class_settings(class_id):
    """Class details, co-teachers, join code and archiving."""
    classroom = get_classroom_or_404(class_id)
    return render_template(
        "teach/class.html",
        classroom=classroom,
        roster=list_roster(classroom.id),
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
        flash(
            _(
                "The class was not changed: %(errors)s",
                errors=" ".join(str(e) for errors in form.errors.values() for e in errors),
            ),
            "error",
        )
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
    colleague = (
        class_ops.add_co_teacher(classroom, form.username.data or "") if form.validate_on_submit() else None
    )
    if colleague is None:
        flash(_("No teacher with that username was found at your school."), "error")
    else:
        db.session.commit()
        flash(_("%(name)s now teaches this class too.", name=colleague.display_name), "success")
    return redirect(url_for("teach.class_settings", class_id=class_id))
