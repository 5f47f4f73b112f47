"""Plain values for the quiz and result templates (templates get no logic)."""

from dataclasses import dataclass

from ..content.schema import Module
from ..models import QuizAttempt
from .submission import ANSWER_PREFIX, ordered_choices


@dataclass(frozen=True)
class ChoiceView:
    id: str
    text: str
    checked: bool


@dataclass(frozen=True)
class QuestionView:
    number: int
    field: str
    type: str
    prompt: str
    choices: tuple[ChoiceView, ...]
    unanswered: bool


def quiz_questions(
    module: Module, nonce: str, locale: str, answers: dict, unanswered=()
) -> list[QuestionView]:
    """The quiz form's questions, choices in this token's order; never says which is correct."""
    return [
        QuestionView(
            number=number,
            field=f"{ANSWER_PREFIX}{q.id}",
            type=q.type,
            prompt=q.prompt[locale],
            choices=tuple(
                ChoiceView(c.id, c.text[locale], c.id in answers.get(q.id, ()))
                for c in ordered_choices(q, nonce)
            ),
            unanswered=q.id in unanswered,
        )
        for number, q in enumerate(module.quiz.questions, start=1)
    ]


@dataclass(frozen=True)
class ResultChoice:
    text: str
    feedback: str
    chosen: bool
    correct: bool


@dataclass(frozen=True)
class ResultQuestion:
    number: int
    prompt: str
    type: str
    right: bool
    choices: tuple[ResultChoice, ...]  # the chosen ones and the correct ones, in quiz order


@dataclass(frozen=True)
class AttemptView:
    score: int
    max_score: int
    share: float
    passed: bool
    graded: bool
    pass_mark: float
    questions: tuple[ResultQuestion, ...]
    content_changed: bool


def attempt_view(module: Module, attempt: QuizAttempt, locale: str) -> AttemptView:
    """Each question of the attempt with the answer given and the feedback that explains it.

    Questions are matched by id, so an attempt stays readable after the quiz is edited;
    questions no longer in the quiz are left out (and the page says the module changed).
    """
    questions = []
    for number, question in enumerate(module.quiz.questions, start=1):
        if question.id not in attempt.answers and attempt.content_hash != module.content_hash:
            continue
        chosen = set(attempt.answers.get(question.id, ()))
        choices = tuple(
            ResultChoice(c.text[locale], c.feedback[locale], c.id in chosen, c.correct)
            for c in question.choices
            if c.id in chosen or c.correct
        )
        questions.append(
            ResultQuestion(
                number, question.prompt[locale], question.type, chosen == set(question.correct_ids), choices
            )
        )
    return AttemptView(
        score=attempt.score,
        max_score=attempt.max_score,
        share=attempt.score / attempt.max_score if attempt.max_score else 0.0,
        passed=attempt.passed,
        graded=module.quiz.graded,
        pass_mark=module.quiz.pass_mark,
        questions=tuple(questions),
        content_changed=attempt.content_hash != module.content_hash,
    )
