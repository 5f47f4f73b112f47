"""The school's staff: add a teacher, reset a password, deactivate, hand classes over."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..permissions import admin_required, get_staff_or_404
from ..school import staff as staff_ops
from ..web import ask_to_confirm, confirmed
from . import bp
from .forms import TeacherForm
from .queries import list_staff


def render_staff_card(user, password):
    return render_template("admin/card.html", cards=[(user, password)], site=request.host_url.rstrip("/"))


@bp.route("/teachers", methods=["GET", "POST"])
@admin_required
def teachers():
    """The school's teachers: create, reset, deactivate, hand over classes."""
    form = TeacherForm()
    if form.validate_on_submit():
        try:
            user, password = staff_ops.create_teacher(
                current_user.school, form.username.data, form.display_name.data, current_user
            )
        except ValueError:
            db.session.rollback()
            form.username.errors.append(_("That username is taken or not allowed. Try another."))
        else:
            db.session.commit()
            return render_staff_card(user, password)
    staff = list_staff(current_user.school_id)
    return render_template(
        "admin/teachers.html", form=form, staff=staff, colleagues=[s for s in staff if s.is_active]
    )


@bp.post("/teachers/<int:user_id>/reset")
@admin_required
def reset_teacher(user_id):
    """A new one-time password for a staff member, on a card."""
    user = get_staff_or_404(user_id)
    if not confirmed():
        return ask_to_confirm(
            _("Reset %(name)s's password?", name=user.display_name),
            _(
                "Their password stops working now. You get a one-time password to give them; they "
                "choose a new one when they sign in.",
                name=user.display_name,
            ),
            _("Reset password"),
            url_for("admin.teachers"),
        )
    password = staff_ops.reset_staff_password(user, current_user)
    db.session.commit()
    return render_staff_card(user, password)


@bp.post("/teachers/<int:user_id>/active")
@admin_required
def set_teacher_active(user_id):
    """Deactivate or reactivate a staff account (not one's own)."""
    user = get_staff_or_404(user_id)
    if user.id == current_user.id:
        abort(400)
    activate = request.form.get("active") == "1"
    if not activate and not confirmed():
        return ask_to_confirm(
            _("Deactivate %(name)s?", name=user.display_name),
            _(
                "%(name)s will no longer be able to sign in. Their classes stay as they are; hand "
                "them to a colleague below. You can reactivate the account at any time.",
                name=user.display_name,
            ),
            _("Deactivate"),
            url_for("admin.teachers"),
        )
    staff_ops.set_active(user, activate, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("admin.teachers"))


@bp.post("/teachers/<int:user_id>/reassign")
@admin_required
def reassign(user_id):
    """Give a departing teacher's classes to a colleague."""
    departing = get_staff_or_404(user_id)
    target = request.form.get("successor", "")
    successor = get_staff_or_404(int(target)) if target.isdigit() else abort(400)
    if successor.id == departing.id or not successor.is_active:
        abort(400)
    moved = staff_ops.reassign_classes(departing, successor, current_user)
    db.session.commit()
    flash(
        ngettext(
            "%(num)d class now belongs to %(name)s.",
            "%(num)d classes now belong to %(name)s.",
            moved,
            name=successor.display_name,
        ),
        "success",
    )
    return redirect(url_for("admin.teachers"))
