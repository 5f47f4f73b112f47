"""The school report and its CSV export."""

from flask import Response, render_template
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..i18n import current_locale
from ..permissions import admin_required
from ..school.audit import Action, record_audit
from . import bp
from .presenters import build_school_report
from .queries import summarize_school


@bp.get("")
@admin_required
def index():
    """The school report: completion by class and by module, and who needs a nudge."""
    school = current_user.school
    report = build_school_report(school, current_user.id, get_catalog(), current_locale())
    return render_template("admin/index.html", summary=summarize_school(school.id), report=report)


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
