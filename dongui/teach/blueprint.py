"""The teach blueprint, shared by routes.py, progress_routes.py and question_routes.py."""

from flask import Blueprint

bp = Blueprint("teach", __name__, url_prefix="/teach")
