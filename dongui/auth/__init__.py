"""The auth blueprint: the landing page, signing in and out, one's own password and language,
joining a class. The route modules below register their views on `bp`."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account, joining, signin  # the views

__all__ = ["account", "bp", "joining", "signin"]
