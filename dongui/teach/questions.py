"""The class's anonymous questions, as the teacher answers, hides and deletes them."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..formats import format_hour
from ..models import QuestionStatus
from ..permissions import get_classroom_or_404, get_question_or_404, teacher_required
from ..school import questions
from ..school.audit import Action, record_audit
from . import bp
from .forms import AnswerForm


def back_to_questions(classroom):
    return redirect(url_for("teach.questions", class_id=classroom.id))


def answer_form(question, **kwargs) -> AnswerForm:
    # Ending in "-" stops WTForms adding its own separator (ids may end in "_"): always "q<id8>-answer".
    return AnswerForm(prefix=f"q{question.id[:8]}-", **kwargs)


def render_questions(classroom, failed_form: AnswerForm | None = None, failed_id: str | None = None):
    grouped = questions.questions_for_teacher(classroom.id)
    forms = {q.id: answer_form(q, answer=q.answer) for group in grouped.values() for q in group}
    if failed_form is not None:
        forms[failed_id] = failed_form
    return render_template(
        "teach/questions.html",
        classroom=classroom,
        grouped=grouped,
        forms=forms,
        Status=QuestionStatus,
        render_answer=questions.render_answer,
        release_time=format_hour(classroom.school.question_release_hour),
    )


@bp.get("/classes/<int:class_id>/questions", endpoint="questions")
@teacher_required
def questions_page(class_id):
    """New questions to answer, answered ones the class sees, and hidden ones."""
    return render_questions(get_classroom_or_404(class_id))


@bp.post("/classes/<int:class_id>/questions/<question_id>/answer")
@teacher_required
def answer_question(class_id, question_id):
    classroom = get_classroom_or_404(class_id)
    question = get_question_or_404(classroom, question_id)
    form = answer_form(question)
    if not form.validate_on_submit():
        return render_questions(classroom, form, question.id), 400
    questions.answer(question, form.answer.data)
    db.session.commit()
    flash(_("Your answer is published: the whole class can see it."), "success")
    return back_to_questions(classroom)


@bp.post("/classes/<int:class_id>/questions/<question_id>/hide")
@teacher_required
def hide_question(class_id, question_id):
    classroom = get_classroom_or_404(class_id)
    questions.hide(get_question_or_404(classroom, question_id))
    db.session.commit()
    flash(_("The question is hidden from the class."), "success")
    return back_to_questions(classroom)


@bp.post("/classes/<int:class_id>/questions/<question_id>/show")
@teacher_required
def show_question(class_id, question_id):
    classroom = get_classroom_or_404(class_id)
    questions.show(get_question_or_404(classroom, question_id))
    db.session.commit()
    flash(_("The question is back."), "success")
    return back_to_questions(classroom)


@bp.post("/classes/<int:class_id>/questions/<question_id>/delete")
@teacher_required
def delete_question(class_id, question_id):
    classroom = get_classroom_or_404(class_id)
    questions.delete(get_question_or_404(classroom, question_id))
    record_audit(classroom.school_id, current_user.id, Action.QUESTION_DELETE, "classroom", classroom.id)
    db.session.commit()
    flash(_("The question is deleted."), "success")
    return back_to_questions(classroom)
