"""The learn blueprint: a student's modules, lesson steps, quizzes and their class's question
box and before-and-after check. The route modules below register their views on `bp`."""

from flask import Blueprint

bp = Blueprint("learn", __name__, url_prefix="/learn")

from . import checks, lessons, questions, quiz  # the views

__all__ = ["bp", "checks", "lessons", "questions", "quiz"]
