"""Reading a submitted quiz form: the one-time token, the answers, and the choice order."""

import random
import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..content.schema import Question, Quiz

ANSWER_PREFIX = "q-"
SINGLE_ANSWER_TYPES = ("single", "true_false")


class BadSubmission(ValueError):
    """The form was not one this server gave out (tampered, forged or out of date)."""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="dongui-quiz-submit")


def new_nonce() -> str:
    return secrets.token_hex(12)


def issue_token(user_id: int, slug: str) -> str:
    """A signed token for one quiz form; its nonce also fixes the order of the choices."""
    return _serializer().dumps({"u": user_id, "m": slug, "n": new_nonce()})


def read_token(token: str | None, user_id: int, slug: str) -> str:
    """Return the token's nonce.

    :raises BadSubmission: when the token is missing, forged, or for another user or module.
    """
    if not token:
        raise BadSubmission("missing token")
    try:
        data = _serializer().loads(token)
    except BadSignature as exc:
        raise BadSubmission("forged token") from exc
    if not isinstance(data, dict) or data.get("u") != user_id or data.get("m") != slug:
        raise BadSubmission("token for another form")
    return str(data.get("n"))


def ordered_choices(question: Question, nonce: str) -> list:
    """The choices in this form's shuffled order (the same for the same token). True/false
    choices keep the author's order: "true" then "false" reads as one would expect."""
    choices = list(question.choices)
    if question.type != "true_false":
        random.Random(f"{nonce}:{question.id}").shuffle(choices)
    return choices


def parse_answers(quiz: Quiz, form) -> tuple[dict[str, frozenset], list[str]]:
    """Return (answers by question id, ids of unanswered questions).

    :raises BadSubmission: on an unknown question or choice id, or several answers where one fits.
    """
    answers = {}
    for key in form:
        if not key.startswith(ANSWER_PREFIX):
            continue
        question = quiz.question(key.removeprefix(ANSWER_PREFIX))
        if question is None:
            raise BadSubmission(f"unknown question {key!r}")
        values = form.getlist(key)
        if any(not isinstance(v, str) or question.choice(v) is None for v in values):
            raise BadSubmission(f"unknown choice for {question.id!r}")
        if question.type in SINGLE_ANSWER_TYPES and len(values) > 1:
            raise BadSubmission(f"several answers for {question.id!r}")
        answers[question.id] = frozenset(values)
    unanswered = [q.id for q in quiz.questions if not answers.get(q.id)]
    return answers, unanswered
