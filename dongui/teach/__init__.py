"""The teach blueprint: a teacher's classes, rosters, sign-in cards, assignments, progress
pages and question box, classroom mode and the letter home. The route modules below register
their views on `bp`."""

from flask import Blueprint

bp = Blueprint("teach", __name__, url_prefix="/teach")

# the views (attendance, letters, paper, present: classroom mode and the letter home)
from . import (
    assignments,
    attendance,
    cards,
    checks,
    classes,
    letters,
    modules,
    paper,
    present,
    progress,
    questions,
    roster,
)

__all__ = [
    "assignments",
    "attendance",
    "bp",
    "cards",
    "checks",
    "classes",
    "letters",
    "modules",
    "paper",
    "present",
    "progress",
    "questions",
    "roster",
]
