"""A class's anonymous question box, as a student sees it: ask, and read the answers."""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db, limiter
from ..models import Role
from ..permissions import (
    get_enrolled_classroom_or_404,
    role_required,
)
from ..school import questions
from . import bp
from .forms import AskForm


def question_limit_key() -> str:
    return questions.asker_limit_key(getattr(current_user, "id", 0))


@bp.route("/classes/<int:class_id>", methods=["GET", "POST"])
@role_required(Role.STUDENT)
@limiter.limit(lambda: current_app.config["QUESTION_LIMIT"], key_func=question_limit_key,
               methods=["POST"], scope="questions", deduct_when=lambda response: response.status_code == 302)
def class_questions(class_id):
    """The class's anonymous question box and the answers the teacher has given."""
    classroom = get_enrolled_classroom_or_404(class_id)
    form = AskForm()
    if form.validate_on_submit():
        questions.ask(classroom, form.body.data)
        db.session.commit()
        flash(_("Your question was sent without your name. When your teacher answers it, the "
                "answer appears on this page for the whole class."), "success")
        return redirect(url_for("learn.class_questions", class_id=classroom.id))
    return render_template("learn/questions.html", classroom=classroom, form=form,
                           answered=questions.answered_questions(classroom.id),
                           render_answer=questions.render_answer,
                           max_length=questions.MAX_QUESTION_LENGTH)
