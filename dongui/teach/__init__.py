"""The teach blueprint: a teacher's classes, rosters, sign-in cards, assignments, progress
pages and question box. The route modules below register their views on `bp`."""

from flask import Blueprint

bp = Blueprint("teach", __name__, url_prefix="/teach")

from . import assignments, cards, classes, modules, progress, questions, roster  # the views

__all__ = ["assignments", "bp", "cards", "classes", "modules", "progress", "questions", "roster"]
