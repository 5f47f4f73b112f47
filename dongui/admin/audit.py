"""The activity log: who did what to which account or class, with filters."""

from functools import partial

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..permissions import admin_required
from ..school.audit import ACTION_LABELS, TARGET_LABELS
from ..school.calendar import start_of_day
from ..web import MAX_ID, page_arg
from . import bp
from .forms import AuditFilterForm
from .queries import (
    AuditFilters,
    audit_filter_choices,
    list_audit_events,
)

AUDIT_FILTERS = ("action", "actor", "target_type", "date_from", "date_to")


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def target_label(target_type: str) -> str:
    return str(TARGET_LABELS.get(target_type, target_type))


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
    page = list_audit_events(school.id, filters, page_arg(), partial(start_of_day, timezone=school.timezone))
    args = {key: value for key, value in request.args.items() if key in AUDIT_FILTERS and value}
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        args=args,
        action_label=action_label,
        target_label=target_label,
    )


def fill_audit_choices(form: AuditFilterForm, choices) -> None:
    anything = ("", _("Any"))
    form.action.choices = [anything] + sorted(
        ((a, action_label(a)) for a in choices.actions), key=lambda choice: choice[1]
    )
    form.actor.choices = [anything] + [(str(i), name) for i, name in choices.actors]
    if choices.has_no_actor:
        form.actor.choices.append(("none", _("Command line or deleted account")))
    form.target_type.choices = [anything] + [(t, target_label(t)) for t in choices.target_types]


def parse_actor(value: str | None) -> int | None:
    """ "none" → 0 (no actor left), a number → that user id, anything else → any actor."""
    if value == "none":
        return 0
    return int(value) if value and value.isdigit() and 0 < int(value) <= MAX_ID else None
