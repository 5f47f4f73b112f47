"""The modules a teacher can assign, and the preview of one with its notes and answer key."""

from flask import abort, current_app, render_template, request

from ..content import get_catalog
from ..i18n import current_locale
from ..permissions import (
    get_module_or_404,
    teacher_required,
)
from . import bp


@bp.get("/modules")
@teacher_required
def modules():
    """Every module, to preview before assigning."""
    locale = current_locale()
    return render_template("teach/modules.html", modules=[(m, m.text(locale)) for m in get_catalog().modules])


@bp.get("/modules/<slug>")
@teacher_required
def module_preview(slug):
    """A module in either language, with its teacher notes and quiz key (nothing recorded)."""
    module = get_module_or_404(slug)
    locale = request.args.get("lang", current_locale())
    if locale not in current_app.config["LANGUAGES"]:
        abort(404)
    text = module.text(locale)
    return render_template("teach/module_preview.html", module=module, text=text, preview_locale=locale)
