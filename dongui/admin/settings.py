"""The school's settings: name, self sign-up, the question box's release hour, its own help
contacts and its privacy officer. Every change is in the activity log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..models import UsernamePattern
from ..permissions import admin_required
from ..school import staff as staff_ops
from ..school.audit import record_settings_change
from ..school.roster_messages import pattern_label
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
    """The school's name, time zone, language, self sign-up, username pattern, help contacts and
    privacy officer."""
    school = current_user.school
    form = SettingsForm(obj=school) if request.method == "GET" else SettingsForm()
    form.username_pattern.choices = [(p.value, pattern_label(p, school.slug)) for p in UsernamePattern]
    if form.username_pattern.data is None:  # a form from before the setting keeps the school's choice
        form.username_pattern.data = school.username_pattern.value
    if request.method == "GET":
        form.help_contacts.data = staff_ops.format_help_contacts(school.help_contacts)
    else:
        keep_what_an_older_form_lacks(form, school)
    if form.validate_on_submit():
        contacts, problems = staff_ops.parse_help_contacts(form.help_contacts.data)
        if problems:
            form.help_contacts.errors.extend(
                str(CONTACT_PROBLEMS[code]) % {"line": line} for line, code in problems
            )
        else:
            school.name = form.name.data.strip()
            school.timezone = form.timezone.data.strip()
            school.default_locale = form.default_locale.data
            school.allow_self_signup = form.allow_self_signup.data
            school.question_release_hour = form.question_release_hour.data
            school.username_pattern = UsernamePattern(form.username_pattern.data)
            school.help_contacts = contacts
            school.participation_completes = form.participation_completes.data
            school.privacy_officer_name = (form.privacy_officer_name.data or "").strip() or None
            school.privacy_officer_contact = (form.privacy_officer_contact.data or "").strip() or None
            if form.check_min_answers.data is not None:  # a form from before the setting keeps it
                school.check_min_answers = form.check_min_answers.data
            school.letter_why = {
                locale: text
                for locale, text in (
                    ("ko", (form.letter_why_ko.data or "").strip()),
                    ("en", (form.letter_why_en.data or "").strip()),
                )
                if text
            } or None
            record_settings_change(school, current_user.id)
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form), (400 if form.errors else 200)


def keep_what_an_older_form_lacks(form: SettingsForm, school) -> None:
    """A form from before a setting existed (an open tab during an upgrade) keeps the school's
    value of that setting, rather than emptying it."""
    if "question_release_hour" not in request.form:
        form.question_release_hour.data = school.question_release_hour
        form.letter_why_ko.data = (school.letter_why or {}).get("ko", "")
        form.letter_why_en.data = (school.letter_why or {}).get("en", "")
    if "privacy_officer_name" not in request.form:
        form.privacy_officer_name.data = school.privacy_officer_name
        form.privacy_officer_contact.data = school.privacy_officer_contact
