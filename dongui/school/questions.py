"""The anonymous question box: rules for asking, answering, hiding and listing.

A question keeps its class, its school-local date and a random id, nothing else (DESIGN.md). No
function here takes the asker, so nothing can store them by mistake.
"""

import hashlib
import hmac
import re

import markdown as md
import nh3
from flask import current_app
from markupsafe import Markup

from ..clock import utcnow
from ..extensions import db
from ..models import ClassQuestion, Classroom, QuestionStatus
from .calendar import local_today

MAX_QUESTION_LENGTH = 1000
MAX_ANSWER_LENGTH = 5000
# Answers are plain formatting only: no links or images, so no page points anywhere else.
ANSWER_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre"}
# The question POST: kept out of every access log (gunicorn.conf.py, the dev server's log).
ASK_PATH = re.compile(r"^/learn/classes/\d+/?$")


def is_question_post(method: str, path: str) -> bool:
    return method == "POST" and bool(ASK_PATH.match(path or ""))


def ask(classroom: Classroom, body: str) -> ClassQuestion:
    """Store a question with only its class and the school-local date."""
    question = ClassQuestion(classroom_id=classroom.id, body=body.strip(),
                             created_on=local_today(classroom.school.timezone), status=QuestionStatus.NEW)
    db.session.add(question)
    return question


def answer(question: ClassQuestion, text: str) -> None:
    question.answer = text.strip()
    question.answered_at = utcnow()
    question.status = QuestionStatus.ANSWERED


def hide(question: ClassQuestion) -> None:
    question.status = QuestionStatus.HIDDEN


def show(question: ClassQuestion) -> None:
    """Back to the class if answered, else back among the new ones."""
    question.status = QuestionStatus.ANSWERED if question.answer else QuestionStatus.NEW


def delete(question: ClassQuestion) -> None:
    db.session.delete(question)


def _listed(classroom_id: int, *statuses: QuestionStatus) -> list[ClassQuestion]:
    # By date, then by the random id: within a day the order says nothing about who came first.
    return list(db.session.execute(
        db.select(ClassQuestion).where(ClassQuestion.classroom_id == classroom_id,
                                       ClassQuestion.status.in_(statuses))
        .order_by(ClassQuestion.created_on.desc(), ClassQuestion.id)).scalars())


def answered_questions(classroom_id: int) -> list[ClassQuestion]:
    """What every student of the class sees."""
    return _listed(classroom_id, QuestionStatus.ANSWERED)


def questions_for_teacher(classroom_id: int) -> dict[QuestionStatus, list[ClassQuestion]]:
    grouped = {status: [] for status in QuestionStatus}
    for question in _listed(classroom_id, *QuestionStatus):
        grouped[question.status].append(question)
    return grouped


def count_new(classroom_id: int) -> int:
    return db.session.execute(db.select(db.func.count()).select_from(ClassQuestion).where(
        ClassQuestion.classroom_id == classroom_id, ClassQuestion.status == QuestionStatus.NEW)).scalar_one()


def render_answer(text: str | None) -> Markup:
    """A teacher's Markdown answer as sanitised HTML with plain formatting only."""
    html = md.markdown(text or "", extensions=["sane_lists"])
    return Markup(nh3.clean(html, tags=ANSWER_TAGS, attributes={}))


def asker_limit_key(user_id: int) -> str:
    """The daily limit's key: an HMAC of the user id, so the limiter's store never holds the id."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, f"question-limit:{user_id}".encode(), hashlib.sha256).hexdigest()
