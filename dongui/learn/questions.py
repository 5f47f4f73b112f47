"""A class's anonymous question box, as a student sees it: ask, and read the answers.

An anonymous page (dongui/anonymity.py): no log line, no "last active" update. A question waits
for the daily release (school/questions.py); the daily limit is counted under a daily pepper
(school/question_limit.py).
"""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..formats import format_hour
from ..models import Role
from ..permissions import get_enrolled_classroom_or_404, role_required
from ..school import question_limit, questions
from . import bp
from .forms import AskForm


@bp.route("/classes/<int:class_id>", methods=["GET", "POST"])
@role_required(Role.STUDENT)
def class_questions(class_id):
    """The class's anonymous question box and the answers the teacher has given."""
    classroom = get_enrolled_classroom_or_404(class_id)
    form = AskForm()
    if form.validate_on_submit():
        if not question_limit.take_one(current_user.id):
            abort(429)
        questions.ask(classroom, form.body.data)
        flash(
            _(
                "Your question was sent without your name. Your teacher sees it after the box's "
                "next daily release, with the other questions of the day in a mixed order. When "
                "your teacher answers it, the answer appears on this page for the whole class."
            ),
            "success",
        )
        return redirect(url_for("learn.class_questions", class_id=classroom.id))
    return render_template(
        "learn/questions.html",
        classroom=classroom,
        form=form,
        answered=questions.answered_questions(classroom.id),
        render_answer=questions.render_answer,
        release_time=format_hour(classroom.school.question_release_hour),
        max_length=questions.MAX_QUESTION_LENGTH,
    )
