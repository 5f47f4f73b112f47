"""The student's pages: modules, lesson steps, quizzes and results."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import questions
from ..content import get_catalog
from ..extensions import db, limiter
from ..i18n import current_locale
from ..models import Role
from ..permissions import (
    get_enrolled_classroom_or_404, get_module_or_404, get_own_attempt_or_404, role_required,
    student_or_staff_required,
)
from ..teach.assignments import is_overdue, student_assignments
from ..transactions import commit_with_retry
from .forms import AskForm
from .grading import grade
from .progress import (
    StepNotReached, finish_lesson, find_attempt, get_progress, list_attempts, list_progress,
    record_attempt, record_step_done,
)
from .queries import list_student_classes
from .status import clamp_step, module_status
from .submission import BadSubmission, issue_token, parse_answers, read_token
from .views import attempt_view, quiz_questions

bp = Blueprint("learn", __name__, url_prefix="/learn")


def visible_modules():
    catalog = get_catalog()
    return catalog.modules if current_user.is_staff else catalog.student_modules()


def check_step_exists(module, step: int) -> None:
    if not 1 <= step <= module.step_count:
        abort(404)


@bp.get("")
@student_or_staff_required
def index():
    """The student's start page: their classes and every module with its status."""
    progress = list_progress(current_user.id)
    assigned = student_assignments(current_user.id)
    timezone = current_user.school.timezone

    def entry(module):
        due, class_names = assigned.get(module.slug, (None, []))
        return {"module": module, "text": module.text(current_locale())[0],
                "status": module_status(progress.get(module.slug), module), "due": due,
                "classes": class_names, "overdue": is_overdue(due, timezone)}

    modules = {m.slug: m for m in visible_modules()}
    return render_template(
        "learn/index.html", classes=list_student_classes(current_user.id),
        assigned=[entry(modules[slug]) for slug in assigned if slug in modules],
        others=[entry(m) for slug, m in modules.items() if slug not in assigned],
    )


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


@bp.get("/<slug>")
@student_or_staff_required
def module(slug):
    """A module's front page: summary, content note, where to continue, past attempts."""
    module = get_module_or_404(slug)
    text, fallback = module.text(current_locale())
    progress = get_progress(current_user.id, slug)
    return render_template(
        "learn/module.html", module=module, text=text, fallback=fallback,
        status=module_status(progress, module), attempts=list_attempts(current_user.id, slug),
        show_note=bool(text.content_note) and request.args.get("note") != "read",
    )


@bp.get("/<slug>/<int:step>")
@student_or_staff_required
def step(slug, step):
    """One lesson step (read-only: moving on is a POST)."""
    module = get_module_or_404(slug)
    check_step_exists(module, step)
    text, fallback = module.text(current_locale())
    return render_template("learn/step.html", module=module, text=text, fallback=fallback,
                           step=text.steps[step - 1], can_finish=step >= module.last_required_step)


@bp.post("/<slug>/<int:step>")
@student_or_staff_required
def step_done(slug, step):
    """Next, "skip this step" (recorded the same way) or Finish."""
    module = get_module_or_404(slug)
    check_step_exists(module, step)
    if request.form.get("action") == "finish":
        try:
            commit_with_retry(lambda: finish_lesson(current_user.id, module, step))
        except StepNotReached:
            abort(400)
        return redirect(url_for("learn.lesson_end", slug=slug))
    commit_with_retry(lambda: record_step_done(current_user.id, module, step))
    return redirect(url_for("learn.step", slug=slug, step=clamp_step(step + 1, module)))


@bp.post("/<slug>/start")
@student_or_staff_required
def start(slug):
    """Begin or resume the lesson at the furthest step reached."""
    module = get_module_or_404(slug)
    progress = get_progress(current_user.id, slug)
    step = clamp_step(progress.last_step, module) if progress else 1
    return redirect(url_for("learn.step", slug=slug, step=step))


@bp.get("/<slug>/end")
@student_or_staff_required
def lesson_end(slug):
    """The end of the lesson: key points, help, and the way to the quiz."""
    module = get_module_or_404(slug)
    text, fallback = module.text(current_locale())
    return render_template("learn/lesson_end.html", module=module, text=text, fallback=fallback,
                           progress=get_progress(current_user.id, slug))


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
        lambda: find_attempt(nonce) or record_attempt(current_user.id, module, nonce, answers, result))
    return redirect(url_for("learn.attempt", slug=slug, attempt_id=attempt.id))


def render_quiz(module, token, nonce=None, answers=None, unanswered=()):
    text, fallback = module.text(current_locale())
    nonce = nonce or read_token(token, current_user.id, module.slug)
    return render_template(
        "learn/quiz.html", module=module, text=text, fallback=fallback, token=token,
        questions=quiz_questions(module, nonce, text.locale, answers or {}, unanswered),
    )


@bp.get("/<slug>/attempts/<int:attempt_id>")
@student_or_staff_required
def attempt(slug, attempt_id):
    """One attempt's result: each question, the answer given, and why it is right or wrong."""
    module = get_module_or_404(slug)
    attempt = get_own_attempt_or_404(attempt_id, slug)
    text, fallback = module.text(current_locale())
    return render_template("learn/attempt.html", module=module, text=text, fallback=fallback,
                           attempt=attempt, view=attempt_view(module, attempt, text.locale))

