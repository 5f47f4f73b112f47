"""The student's pages."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..permissions import student_or_staff_required
from .queries import list_student_classes

bp = Blueprint("learn", __name__, url_prefix="/learn")


@bp.get("")
@student_or_staff_required
def index():
    """The student's start page: their classes and, as modules arrive, what to do next."""
    return render_template("learn/index.html", classes=list_student_classes(current_user.id))
