"""A module's quiz on paper, for a class without devices: the sheet students fill in and the
teacher's answer key, both A4 print views. The teacher records passes on the attendance page."""

import math
import random

from flask import abort, current_app, render_template, request

from ..i18n import current_locale
from ..permissions import get_module_or_404, teacher_required
from . import bp


def paper_order(question, slug: str) -> list:
    """The choices in one fixed order for the sheet and its key alike (not the author's order,
    which may put the right answer in the same place; true/false keeps true first)."""
    choices = list(question.choices)
    if question.type != "true_false":
        random.Random(f"paper:{slug}:{question.id}").shuffle(choices)
    return choices


def render_paper(slug: str, key: bool):
    module = get_module_or_404(slug)
    locale = request.args.get("lang", current_locale())
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    questions = [(q, paper_order(q, module.slug)) for q in module.quiz.questions]
    # The fewest right answers that pass, by the same rule as grading.grade.
    passing = math.ceil(module.quiz.pass_mark * len(questions) - 1e-9) if module.quiz.graded else None
    return render_template(
        "teach/paper_quiz.html",
        module=module,
        text=module.text(locale),
        questions=questions,
        key=key,
        passing=passing,
        paper_locale=locale,
    )


@bp.get("/modules/<slug>/quiz-sheet")
@teacher_required
def quiz_sheet(slug):
    """The quiz as a sheet to print, one per student; nothing on it says which answer is right."""
    return render_paper(slug, key=False)


@bp.get("/modules/<slug>/answer-key")
@teacher_required
def answer_key(slug):
    """The paper quiz's answer key, with why each right answer is right."""
    return render_paper(slug, key=True)
