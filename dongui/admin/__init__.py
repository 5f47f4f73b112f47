"""The admin blueprint: the school report, staff, settings, students' data on request and the
activity log. The route modules below register their views on `bp`."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import audit, checks, report, settings, students, teachers  # the views

__all__ = ["audit", "bp", "checks", "report", "settings", "students", "teachers"]
