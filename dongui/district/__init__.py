"""The district blueprint: an education office's (교육청) view of its member schools, as
aggregates only. The route modules below register their views on `bp`."""

from flask import Blueprint

bp = Blueprint("district", __name__, url_prefix="/district")

from . import report  # the views

__all__ = ["bp", "report"]
