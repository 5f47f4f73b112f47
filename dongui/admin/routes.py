"""The school admin's pages: the school at a glance, staff and settings.

Students' data (export, delete) and the activity log are in privacy_routes.py, on the same blueprint.
"""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..audit import record_audit
from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..i18n import current_locale
from ..permissions import admin_required
from . import privacy_routes  # noqa: F401  (its views register on the same blueprint)
from . import staff as staff_ops
from .blueprint import bp
from .forms import SettingsForm, TeacherForm
from .queries import list_staff, summarize_school
from .report import build_school_report

CONTACT_PROBLEMS = {
    "too_many": _l("Line %(line)s: at most 10 contacts."),
    "no_name": _l("Line %(line)s: the name (before the first |) is empty."),
    "too_long": _l("Line %(line)s: too long (name 80, phone 30, note 200 characters at most)."),
}


@bp.get("")
@admin_required
def index():
    """The school report: completion by class and by module, and who needs a nudge."""
    school = current_user.school
    report = build_school_report(school, current_user.id, get_catalog(), current_locale())
    return render_template("admin/index.html", summary=summarize_school(school.id), report=report)


@bp.get("/export.csv")
@admin_required
def export():
    """The school report by class and by module as CSV (the same figures as the screen)."""
    school = current_user.school
    report = build_school_report(school, current_user.id, get_catalog(), current_locale())
    header = [_("Kind"), _("Name"), _("Completed"), _("Assigned"), _("Completed (%%)"), _("Overdue")]
    rows = [[_("Class"), c.name, c.tally.completed, c.tally.assigned, round(c.tally.share * 100),
             c.tally.overdue] for c in report.classes]
    rows += [[_("Module"), m.title, m.tally.completed, m.tally.assigned, round(m.tally.share * 100),
              m.tally.overdue] for m in report.modules]
    record_audit(school.id, current_user.id, "school.export", "school", school.id)
    db.session.commit()
    return Response(to_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="school-report.csv"'})


def get_staff_or_404(user_id: int):
    user = staff_ops.find_staff_or_none(current_user.school_id, user_id)
    if user is None:
        abort(404)
    return user


def render_staff_card(user, password):
    return render_template("admin/card.html", cards=[(user, password)],
                           site=request.host_url.rstrip("/"))


@bp.route("/teachers", methods=["GET", "POST"])
@admin_required
def teachers():
    """The school's teachers: create, reset, deactivate, hand over classes."""
    form = TeacherForm()
    if form.validate_on_submit():
        try:
            user, password = staff_ops.create_teacher(current_user.school, form.username.data,
                                                      form.display_name.data, current_user)
        except ValueError:
            db.session.rollback()
            form.username.errors.append(_("That username is taken or not allowed. Try another."))
        else:
            db.session.commit()
            return render_staff_card(user, password)
    staff = list_staff(current_user.school_id)
    return render_template("admin/teachers.html", form=form, staff=staff,
                           colleagues=[s for s in staff if s.is_active])


@bp.post("/teachers/<int:user_id>/reset")
@admin_required
def reset_teacher(user_id):
    """A new one-time password for a staff member, on a card."""
    user = get_staff_or_404(user_id)
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
    staff_ops.set_active(user, request.form.get("active") == "1", current_user)
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
    flash(ngettext("%(num)d class now belongs to %(name)s.", "%(num)d classes now belong to %(name)s.",
                   moved, name=successor.display_name), "success")
    return redirect(url_for("admin.teachers"))


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    """The school's name, time zone, language, self sign-up and help contacts."""
    school = current_user.school
    form = SettingsForm(obj=school) if request.method == "GET" else SettingsForm()
    if request.method == "GET":
        form.help_contacts.data = staff_ops.format_help_contacts(school.help_contacts)
    if form.validate_on_submit():
        contacts, problems = staff_ops.parse_help_contacts(form.help_contacts.data)
        if problems:
            form.help_contacts.errors.extend(
                str(CONTACT_PROBLEMS[code]) % {"line": line} for line, code in problems)
        else:
            school.name = form.name.data.strip()
            school.timezone = form.timezone.data.strip()
            school.default_locale = form.default_locale.data
            school.allow_self_signup = form.allow_self_signup.data
            school.help_contacts = contacts
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), (400 if form.errors else 200)
