"""A class's before-and-after check results: two distributions per statement and the change in
the share who agree, shown only when they cannot point at anyone (school/checks/results.py)."""

from flask import Response, abort, render_template

from ..content import get_catalog
from ..exports import to_csv
from ..i18n import current_locale
from ..permissions import get_classroom_or_404, teacher_required
from ..school.checks.export import results_header, results_rows
from ..school.checks.results import class_results
from . import bp


def class_survey():
    survey = get_catalog().check_survey
    if survey is None:
        abort(404)
    return survey


def module_titles(locale: str) -> dict[str, str]:
    return {m.slug: m.text(locale).title for m in get_catalog().modules}


@bp.get("/classes/<int:class_id>/checks", endpoint="checks")
@teacher_required
def checks_page(class_id):
    """The class's before-and-after results, or why nothing is shown yet."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    survey = class_survey()
    locale = current_locale()
    return render_template(
        "teach/checks.html",
        classroom=classroom,
        survey=survey,
        locale=locale,
        results=class_results(classroom, survey),
        titles=module_titles(locale),
    )


@bp.get("/classes/<int:class_id>/checks/export.csv", endpoint="checks_export")
@teacher_required
def checks_export(class_id):
    """The class's results as CSV, with the same threshold as the page."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    survey = class_survey()
    rows = results_rows(class_results(classroom, survey), current_locale(), classroom.name)
    return Response(
        to_csv(results_header(survey, current_locale()), rows),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="class-check.csv"'},
    )
