"""The teach blueprint, shared by routes.py and progress_routes.py."""

from flask import Blueprint

bp = Blueprint("teach", __name__, url_prefix="/teach")
