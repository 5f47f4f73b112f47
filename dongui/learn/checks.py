"""A class's before-and-after check, as a student takes it: answer, leave statements blank, or skip.

An anonymous page (dongui/anonymity.py): no log line, no "last active" update, and no rate limit
(so no limiter key). The view never gives the student and the answers to the same function:
`finish` marks the student done, `hand_in` keeps the answers without them (school/checks/).
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..models import Role
from ..permissions import get_enrolled_classroom_or_404, role_required
from ..school.checks import FIELD_PREFIX, min_answers
from ..school.checks.answering import finish, hand_in, read_answers
from ..school.checks.asking import open_checks
from . import bp


@bp.route("/checks/<int:class_id>", methods=["GET", "POST"], endpoint="check")
@role_required(Role.STUDENT)
def check(class_id):
    """The class's before-and-after check: a few statements to agree or disagree with."""
    classroom = get_enrolled_classroom_or_404(class_id)
    survey = get_catalog().check_survey
    if survey is None:
        abort(404)
    student_modules = {m.slug for m in get_catalog().student_modules()}
    phase = open_checks(current_user.id, student_modules).get(classroom.id)
    if request.method == "GET":
        return render_template(
            "learn/check.html",
            classroom=classroom,
            survey=survey,
            phase=phase,
            locale=current_locale(),
            k=min_answers(classroom.school),
            field_prefix=FIELD_PREFIX,
        )
    if phase is None:
        flash(_("There is no check to do in this class right now."), "info")
        return redirect(url_for("learn.index"))
    skipped = request.form.get("action") == "skip"
    try:
        answers = None if skipped else read_answers(survey, request.form)
    except ValueError:
        abort(400)
    try:
        marked = finish(current_user.id, classroom.id, phase)
        db.session.commit()
    except IntegrityError:  # the same form sent twice at once
        db.session.rollback()
        marked = False
    if marked and answers is not None:
        hand_in(classroom.id, survey.id, phase, answers)
    # One message whether the student answered or skipped: the page after (and its size in an
    # access log) must not tell which.
    flash(
        _(
            "Done: you won't be asked again. Any answers were saved without your name, and your "
            "teacher only ever sees them counted together with your classmates'."
        ),
        "success",
    )
    return redirect(url_for("learn.index"))
