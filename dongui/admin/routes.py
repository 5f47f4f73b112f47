"""The school admin's pages."""

from flask import Blueprint, render_template
from flask_login import current_user

from ..permissions import admin_required
from .queries import list_staff, summarize_school

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("")
@admin_required
def index():
    """The school at a glance: people, classes and staff."""
    school_id = current_user.school_id
    return render_template(
        "admin/index.html", summary=summarize_school(school_id), staff=list_staff(school_id)
    )
