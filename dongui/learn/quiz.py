"""A module's quiz: the form, grading a submission once, and the result of an attempt."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..i18n import current_locale
from ..permissions import (
    get_module_or_404,
    get_own_attempt_or_404,
    student_or_staff_required,
)
from ..school.grading import grade
from ..school.progress import (
    find_attempt,
    record_attempt,
)
from ..transactions import commit_with_retry
from . import bp
from .presenters import attempt_view, quiz_questions
from .submission import BadSubmission, issue_token, parse_answers, read_token


@bp.route("/<slug>/quiz", methods=["GET", "POST"])
@student_or_staff_required
def quiz(slug):
    """The quiz: one page, choices shuffled per attempt, scored on the server."""
    module = get_module_or_404(slug)
    if request.method == "GET":
        return render_quiz(module, issue_token(current_user.id, slug))
    token = request.form.get("token")
    try:
        nonce = read_token(token, current_user.id, slug)
        answers, unanswered = parse_answers(module.quiz, request.form)
    except BadSubmission:
        abort(400)
    existing = find_attempt(nonce)  # the nonce is what the attempt keeps of the token
    if existing is not None:  # a double click or a resent form: show the first result
        return redirect(url_for("learn.attempt", slug=slug, attempt_id=existing.id))
    if unanswered:
        flash(_("Answer every question before you submit."), "error")
        return render_quiz(module, token, nonce, answers, unanswered)
    result = grade(module.quiz, answers)
    attempt = commit_with_retry(
        lambda: find_attempt(nonce) or record_attempt(current_user.id, module, nonce, answers, result)
    )
    return redirect(url_for("learn.attempt", slug=slug, attempt_id=attempt.id))


def render_quiz(module, token, nonce=None, answers=None, unanswered=()):
    text = module.text(current_locale())
    nonce = nonce or read_token(token, current_user.id, module.slug)
    return render_template(
        "learn/quiz.html",
        module=module,
        text=text,
        token=token,
        questions=quiz_questions(module, nonce, text.locale, answers or {}, unanswered),
    )


@bp.get("/<slug>/attempts/<int:attempt_id>")
@student_or_staff_required
def attempt(slug, attempt_id):
    """One attempt's result: each question, the answer given, and why it is right or wrong."""
    module = get_module_or_404(slug)
    attempt = get_own_attempt_or_404(attempt_id, slug)
    text = module.text(current_locale())
    return render_template(
        "learn/attempt.html",
        module=module,
        text=text,
        attempt=attempt,
        view=attempt_view(module, attempt, text.locale),
    )
