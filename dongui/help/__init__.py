"""The help blueprint: the public help and privacy pages and the health check."""

from flask import Blueprint

bp = Blueprint("help", __name__)

from . import pages  # the views

__all__ = ["bp", "pages"]
