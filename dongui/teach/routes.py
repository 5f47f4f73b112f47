"""The teacher's pages."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..permissions import teacher_required
from .queries import list_teacher_classes

bp = Blueprint("teach", __name__, url_prefix="/teach")


@bp.get("")
@teacher_required
def index():
    """My classes."""
    return render_template("teach/index.html", classes=list_teacher_classes(current_user.id))
