"""Assigning modules to a class with due dates, their order, and excusing a student."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..permissions import (
    get_classroom_or_404,
    get_student_in_classroom_or_404,
    teacher_required,
)
from ..school import assignments as assignment_ops
from ..school.assignments import AssignProblem
from ..school.calendar import is_overdue, local_today
from . import bp
from .queries import list_roster

COUNSELLOR_FIRST = _l(
    "If this class has a live incident, talk to the school counsellor before teaching this module; you can excuse a student from it."
)


# What the several-modules form says about each problem (AssignProblem), beside the module it
# concerns or above the form.
ASSIGN_PROBLEMS = {
    AssignProblem.NONE_CHOSEN: _l("Tick at least one module to assign."),
    AssignProblem.UNKNOWN: _l(
        "A module you chose cannot be given to students (it is unknown or for staff only)."
    ),
    AssignProblem.ALREADY: _l(
        "%(title)s is already assigned to this class: change its due date in its own box above."
    ),
    AssignProblem.BAD_DATE: _l("That is not a date. Use the date picker, or write it as 2026-12-01."),
    AssignProblem.PAST_DATE: _l("That day has passed. Choose today or a later day."),
    AssignProblem.NOT_CHOSEN: _l(
        "You gave this module a due date but did not tick it. Tick it, or clear the date."
    ),
}


@bp.get("/classes/<int:class_id>/assignments")
@teacher_required
def assignments(class_id):
    """The modules this class must do, in order, with due dates; excusals per student; a form to
    assign several more at once."""
    return render_assignments(get_classroom_or_404(class_id))


@bp.post("/classes/<int:class_id>/assignments/new")
@teacher_required
def assign_several(class_id):
    """Assign the ticked modules, each with its due date, in the catalog's order; with any
    problem, none of them (the page says what to fix and keeps what was typed)."""
    classroom = get_classroom_or_404(class_id)
    chosen = request.form.getlist("module")
    due_texts = {
        key.removeprefix("due-"): value for key, value in request.form.items() if key.startswith("due-")
    }
    planned = assignment_ops.plan_new_assignments(
        classroom.id,
        chosen,
        due_texts,
        get_catalog().student_modules(),
        local_today(classroom.school.timezone),
    )
    if planned.problems:
        return render_assignments(classroom, chosen, due_texts, planned.problems), 400
    added = assignment_ops.assign_modules(classroom, planned.plan, current_user)
    db.session.commit()
    flash(ngettext("%(num)d module assigned.", "%(num)d modules assigned.", len(added)), "success")
    if any(
        get_catalog().module(a.module_slug).order in assignment_ops.SENSITIVE_MODULE_ORDERS for a in added
    ):
        flash(str(COUNSELLOR_FIRST), "info")
    # The form's address ends in #assign-title, so that a page with problems opens at them; the
    # page after assigning opens at the top, where it says what was done.
    return redirect(url_for("teach.assignments", class_id=class_id, _anchor="main"))


def render_assignments(classroom, chosen=(), due_texts=None, problems=()):
    catalog = get_catalog()
    items = assignment_ops.list_assignments(classroom.id)
    assigned = {a.module_slug for a in items}
    locale = current_locale()
    available = [m for m in catalog.student_modules() if m.slug not in assigned]
    row_problems, form_problems = describe_problems(problems, catalog, locale)
    return render_template(
        "teach/assignments.html",
        classroom=classroom,
        catalog=catalog,
        locale=locale,
        items=[
            (a, catalog.module(a.module_slug), is_overdue(a.due_on, classroom.school.timezone)) for a in items
        ],
        available=available,
        sensitive=assignment_ops.SENSITIVE_MODULE_ORDERS,
        roster=list_roster(classroom.id),
        excused=assignment_ops.excused_pairs(classroom.id),
        chosen=set(chosen),
        due_texts=due_texts or {},
        row_problems=row_problems,
        form_problems=form_problems,
        today=local_today(classroom.school.timezone),
    )


def describe_problems(problems, catalog, locale) -> tuple[dict[str, list[str]], list[str]]:
    """The problems in words: {slug: [messages]} for those shown beside a module of the form, and
    the others (shown above it), each once."""
    beside: dict[str, list[str]] = {}
    above: list[str] = []
    for slug, problem in problems:
        module = catalog.module(slug) if slug else None
        message = str(ASSIGN_PROBLEMS[problem]) % {"title": module.text(locale).title if module else slug}
        if problem in (AssignProblem.BAD_DATE, AssignProblem.PAST_DATE, AssignProblem.NOT_CHOSEN):
            beside.setdefault(slug, []).append(message)
        elif message not in above:
            above.append(message)
    return beside, above


@bp.post("/classes/<int:class_id>/assignments")
@teacher_required
def assign(class_id):
    """Assign a module (or change its due date)."""
    classroom = get_classroom_or_404(class_id)
    module = get_catalog().module(request.form.get("module", ""))
    if module is None or not module.for_students:
        abort(400)
    text = request.form.get("due_on", "").strip()
    try:
        due_on = date.fromisoformat(text) if text else None
    except ValueError:  # a browser without a date picker sends what was typed
        flash(str(ASSIGN_PROBLEMS[AssignProblem.BAD_DATE]), "error")
        return render_assignments(classroom), 400
    assignment_ops.assign_module(classroom, module.slug, due_on, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    if module.order in assignment_ops.SENSITIVE_MODULE_ORDERS:
        flash(str(COUNSELLOR_FIRST), "info")
    return redirect(url_for("teach.assignments", class_id=class_id))


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/<any(up, down, remove):action>")
@teacher_required
def change_assignment(class_id, assignment_id, action):
    """Move an assignment up or down, or remove it."""
    classroom = get_classroom_or_404(class_id)
    assignment = next(
        (a for a in assignment_ops.list_assignments(classroom.id) if a.id == assignment_id), None
    )
    if assignment is None:
        abort(404)
    if action == "remove":
        assignment_ops.remove_assignment(assignment)
    else:
        assignment_ops.move_assignment(classroom, assignment, -1 if action == "up" else 1)
    db.session.commit()
    return redirect(url_for("teach.assignments", class_id=class_id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/excuse")
@teacher_required
def excuse(class_id, student_id):
    """Excuse a student from one assigned module, or take the excusal back."""
    classroom = get_classroom_or_404(class_id)
    student = get_student_in_classroom_or_404(classroom, student_id)
    slug = request.form.get("module", "")
    if slug not in {a.module_slug for a in assignment_ops.list_assignments(classroom.id)}:
        abort(400)
    if request.form.get("excused") == "1":
        assignment_ops.excuse_student(classroom, student, slug, current_user)
    else:
        assignment_ops.unexcuse_student(classroom, student, slug, current_user)
    db.session.commit()
    if request.form.get("next") == "student":
        return redirect(url_for("teach.student", class_id=class_id, student_id=student_id))
    return redirect(url_for("teach.assignments", class_id=class_id))
