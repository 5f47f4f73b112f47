"""The school's before-and-after check: the classes that pass the threshold, added up."""

from flask import abort, render_template
from flask_login import current_user

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..models import Classroom
from ..permissions import admin_required
from ..school.checks import min_answers
from ..school.checks.results import answer_counts_by_class, school_results
from . import bp


@bp.get("/checks", endpoint="checks")
@admin_required
def checks_page():
    """The school's before-and-after results and each class's number of answers."""
    survey = get_catalog().check_survey
    if survey is None:
        abort(404)
    school = current_user.school
    locale = current_locale()
    classes = db.session.execute(
        db.select(Classroom.id, Classroom.name)
        .where(Classroom.school_id == school.id, Classroom.archived_at.is_(None))
        .order_by(Classroom.name)
    ).all()
    return render_template(
        "admin/checks.html",
        survey=survey,
        locale=locale,
        k=min_answers(school),
        classes=classes,
        results=school_results(school, survey),
        counts=answer_counts_by_class(school.id, survey.id),
        titles={m.slug: m.text(locale).title for m in get_catalog().modules},
    )
