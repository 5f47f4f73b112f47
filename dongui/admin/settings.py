"""The school's settings: name, self sign-up, and its own help contacts."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..permissions import admin_required
from ..school import staff as staff_ops
from . import bp
from .forms import SettingsForm

CONTACT_PROBLEMS = {
    "too_many": _l("Line %(line)s: at most 10 contacts."),
    "no_name": _l("Line %(line)s: the name (before the first |) is empty."),
    "too_long": _l("Line %(line)s: too long (name 80, phone 30, note 200 characters at most)."),
}


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
