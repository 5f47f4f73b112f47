"""The admin blueprint, shared by routes.py and privacy_routes.py."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
