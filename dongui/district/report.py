"""The district report and its CSV export: figures per school and per module, never a person."""

from datetime import timedelta

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..i18n import current_locale
from ..permissions import district_admin_required, get_own_district_or_404
from ..school.checks.export import results_header, results_rows
from . import bp
from .presenters import district_report

RECOUNT_AFTER = timedelta(minutes=1)  # "count again" does nothing for figures younger than this


def report_of(district, locale: str, recount: bool = False):
    max_age = timedelta(minutes=current_app.config["DISTRICT_REPORT_MAX_AGE_MINUTES"])
    report = district_report(district, get_catalog(), locale, RECOUNT_AFTER if recount else max_age)
    db.session.commit()  # the figures are kept for the next view
    return report


@bp.get("")
@district_admin_required
def index():
    """The district report: each school's completion, overdue modules and staff module."""
    district = get_own_district_or_404()
    locale = current_locale()
    return render_template(
        "district/index.html",
        report=report_of(district, locale),
        titles={m.slug: m.text(locale).title for m in get_catalog().modules},
    )


@bp.post("/recount")
@district_admin_required
def recount():
    """Count the figures again now (unless they were counted in the last minute)."""
    report_of(get_own_district_or_404(), current_locale(), recount=True)
    flash(_("The figures were counted again."), "success")
    return redirect(url_for("district.index"))


@bp.get("/export.csv")
@district_admin_required
def export():
    """The district report as CSV: by school, by module, and each school by module."""
    district = get_own_district_or_404()
    locale = current_locale()
    report = report_of(district, locale)
    header = [
        _("Kind"),
        _("School"),
        _("Module"),
        _("Students"),
        _("Classes"),
        _("Completed"),
        _("Assigned"),
        _("Completed (percent)"),
        _("Overdue"),
        _("Took part in class"),
        _("Staff module completed"),
        _("Staff"),
        _("Slips returned"),
        _("Slips with questions"),
        _("Kept home from a module"),
    ]

    def figures(tally):
        return [tally.completed, tally.assigned, round(tally.share * 100), tally.overdue, tally.took_part]

    rows = [
        [_("School"), s.name, "", s.students, s.classes, *figures(s.tally), s.staff_done, s.staff, *s.slips]
        for s in report.schools
    ]
    rows += [[_("Module"), "", m.title, "", m.classes, *figures(m.tally)] for m in report.modules]
    titles = {m.slug: m.title for m in report.modules}
    rows += [
        [_("School by module"), s.name, titles[slug], "", "", *figures(report.cells[(s.id, slug)])]
        for s in report.schools
        for slug in titles
        if (s.id, slug) in report.cells
    ]
    rows += check_rows(report, locale)
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="district-report.csv"'},
    )


def check_rows(report, locale: str) -> list[list]:
    """The before-and-after results under the report: the district's, then each school's that passes."""
    if report.survey is None:
        return []
    rows = [[], results_header(report.survey, locale)]
    if report.checks is not None:
        rows += results_rows(report.checks, locale, report.district.name)
    rows += [
        row
        for s in report.schools
        if s.checks is not None and s.checks.shown
        for row in results_rows(s.checks, locale, s.name)
    ]
    return rows
