"""The school report and its CSV export."""

from flask import Response, make_response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..i18n import current_locale
from ..permissions import admin_required
from ..school.audit import Action, record_audit
from ..school.calendar import local_today
from ..school.versions import cached
from ..web import not_modified, page_etag, with_etag
from . import bp
from .presenters import build_school_report
from .queries import summarize_school


@bp.get("")
@admin_required
def index():
    """The school report: completion by class and by module, and who needs a nudge."""
    school = current_user.school
    locale = current_locale()
    # The summary's counts change with the same writes as the report: one version for both.
    key = ("report", school.id, school.data_version, current_user.id, locale, local_today(school.timezone))
    etag = page_etag(key)
    if unchanged := not_modified(etag):
        return unchanged
    summary, report = cached(
        key,
        lambda: (
            summarize_school(school.id),
            build_school_report(school, current_user.id, get_catalog(), locale),
        ),
    )
    return with_etag(make_response(render_template("admin/index.html", summary=summary, report=report)), etag)


@bp.post("/export.csv")
@admin_required
def export():
    """The school report by class and by module as CSV (the same figures as the screen). A POST,
    because it writes an activity-log entry: no link from another site can add one."""
    school = current_user.school
    report = build_school_report(school, current_user.id, get_catalog(), current_locale())
    header = [_("Kind"), _("Name"), _("Completed"), _("Assigned"), _("Completed (%%)"), _("Overdue")]
    rows = [
        [_("Class"), c.name, c.tally.completed, c.tally.assigned, round(c.tally.share * 100), c.tally.overdue]
        for c in report.classes
    ]
    rows += [
        [
            _("Module"),
            m.title,
            m.tally.completed,
            m.tally.assigned,
            round(m.tally.share * 100),
            m.tally.overdue,
        ]
        for m in report.modules
    ]
    record_audit(school.id, current_user.id, Action.SCHOOL_EXPORT, "school", school.id)
    db.session.commit()
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="school-report.csv"'},
    )
