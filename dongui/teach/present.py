"""Classroom mode: a module on the classroom screen, one step at a time, with the teacher's notes
on their own device in step, both moved through one state on the server (school/presenting.py).

Every move is a POST (a form button, so each view works without JavaScript); dongui.js adds the
arrow keys and a clicker's PageUp/PageDown, and polls `present_state` so the other view follows.
"""

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..permissions import get_assigned_module_or_404, get_classroom_or_404, teacher_required
from ..school.presenting import NoSuchScreen, current_screen, move_to
from . import bp
from .screens import build_notes, build_screen

VIEWS = {"projector": "teach.present", "notes": "teach.present_notes"}


def load_screen(class_id: int, slug: str):
    classroom = get_classroom_or_404(class_id)
    module = get_assigned_module_or_404(classroom, slug)
    text = module.text(current_locale())
    view = build_screen(module, text, current_screen(classroom.id, module), _("Let's talk about it"))
    return classroom, module, text, view


@bp.get("/classes/<int:class_id>/present/<slug>")
@teacher_required
def present(class_id, slug):
    """The projector view: the class's current screen, at classroom size, and nothing private."""
    classroom, module, text, view = load_screen(class_id, slug)
    return render_template("teach/projector.html", classroom=classroom, module=module, text=text, view=view)


@bp.get("/classes/<int:class_id>/present/<slug>/notes")
@teacher_required
def present_notes(class_id, slug):
    """The teacher's notes for the screen on the projector, with the disclosure protocol."""
    classroom, module, text, view = load_screen(class_id, slug)
    disclosure = (get_catalog().disclosure or {}).get(text.locale)
    return render_template(
        "teach/present_notes.html",
        classroom=classroom,
        module=module,
        text=text,
        notes=build_notes(module, text, view, disclosure),
    )


@bp.get("/classes/<int:class_id>/present/<slug>/state")
@teacher_required
def present_state(class_id, slug):
    """The class's screen as JSON, for the two views to follow each other."""
    classroom = get_classroom_or_404(class_id)
    module = get_assigned_module_or_404(classroom, slug)
    screen = current_screen(classroom.id, module)
    return jsonify(screen=screen.key, position=screen.position, shown=screen.shown)


@bp.post("/classes/<int:class_id>/present/<slug>")
@teacher_required
def present_move(class_id, slug):
    """Move the class to another screen (from either view), then show that view again."""
    classroom = get_classroom_or_404(class_id)
    module = get_assigned_module_or_404(classroom, slug)
    position = request.form.get("position", type=int)
    if position is None:
        abort(400)
    try:
        move_to(classroom, module, position, request.form.get("show") == "1", current_user)
    except NoSuchScreen:
        abort(400)
    db.session.commit()
    endpoint = VIEWS.get(request.form.get("view", ""), VIEWS["projector"])
    return redirect(url_for(endpoint, class_id=classroom.id, slug=module.slug))
