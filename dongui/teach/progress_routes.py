"""The teacher's progress pages: the class dashboard, assignments, a module's results,
one student, and the CSV export. Registered on the teach blueprint."""

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..audit import record_audit
from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..formats import format_datetime
from ..i18n import current_locale
from ..permissions import (
    get_classroom_or_404, get_module_or_404, get_student_in_classroom_or_404, teacher_required,
)
from . import assignments as assignment_ops
from .analysis import SCORE_BANDS, build_module_report
from .blueprint import bp
from .dashboard import arrange, build_dashboard, build_student_view, cell_renderer
from .queries import list_other_classes, list_roster


@bp.get("/classes/<int:class_id>")
@teacher_required
def dashboard(class_id):
    """The class at a glance: who has done which assigned module."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    board = build_dashboard(classroom, get_catalog(), current_locale())
    sort = request.args.get("sort", "number")
    only_incomplete = request.args.get("show") == "incomplete"
    return render_template("teach/dashboard.html", classroom=classroom, board=board,
                           rows=arrange(board, sort, only_incomplete), sort=sort,
                           only_incomplete=only_incomplete, render_cell=cell_renderer())


@bp.get("/classes/<int:class_id>/assignments")
@teacher_required
def assignments(class_id):
    """The modules this class must do, in order, with due dates; excusals per student."""
    classroom = get_classroom_or_404(class_id)
    catalog = get_catalog()
    items = assignment_ops.list_assignments(classroom.id)
    assigned = {a.module_slug for a in items}
    locale = current_locale()
    return render_template(
        "teach/assignments.html", classroom=classroom, catalog=catalog, locale=locale,
        items=[(a, catalog.module(a.module_slug), assignment_ops.is_overdue(
            a.due_on, classroom.school.timezone)) for a in items],
        available=[m for m in catalog.student_modules() if m.slug not in assigned],
        sensitive=assignment_ops.SENSITIVE_MODULE_ORDERS, roster=list_roster(classroom.id),
        excused=assignment_ops.excused_pairs(classroom.id),
    )


@bp.post("/classes/<int:class_id>/assignments")
@teacher_required
def assign(class_id):
    """Assign a module (or change its due date)."""
    classroom = get_classroom_or_404(class_id)
    module = get_catalog().module(request.form.get("module", ""))
    if module is None or not module.for_students:
        abort(400)
    due_on = parse_due_date(request.form.get("due_on", ""))
    assignment_ops.assign_module(classroom, module.slug, due_on, current_user)
    db.session.commit()
    flash(_("Saved."), "success")
    if module.order in assignment_ops.SENSITIVE_MODULE_ORDERS:
        flash(_("If this class has a live incident, talk to the school counsellor before teaching this module; you can excuse a student from it."), "info")
    return redirect(url_for("teach.assignments", class_id=class_id))


def parse_due_date(value: str):
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        abort(400)


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/<any(up, down, remove):action>")
@teacher_required
def change_assignment(class_id, assignment_id, action):
    """Move an assignment up or down, or remove it."""
    classroom = get_classroom_or_404(class_id)
    assignment = next((a for a in assignment_ops.list_assignments(classroom.id)
                       if a.id == assignment_id), None)
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


@bp.get("/classes/<int:class_id>/modules/<slug>")
@teacher_required
def class_module(class_id, slug):
    """One module in one class: who has completed it, scores, and which questions went wrong."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    module = get_module_or_404(slug)
    locale = current_locale()
    report = build_module_report(classroom.id, module, locale)
    return render_template("teach/class_module.html", classroom=classroom, module=module,
                           text=module.text(locale)[0], report=report, bands=SCORE_BANDS)


CELL_WORDS = {
    "not_started": _l("Not started"), "in_progress": _l("In progress"), "lesson_read": _l("Lesson read"),
    "completed": _l("Completed"), "overdue": _l("Overdue"), "excused": _l("Excused"),
}


@bp.get("/classes/<int:class_id>/export.csv")
@teacher_required
def export_class(class_id):
    """The dashboard as CSV: the same states and figures as the screen."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    board = build_dashboard(classroom, get_catalog(), current_locale())
    header = [_("No."), _("Name")]
    for column in board.columns:
        header += [column.title, _("%(module)s: step", module=column.title),
                   _("%(module)s: best score (%%)", module=column.title)]
    header.append(_("Last active"))
    rows = []
    for row in arrange(board, "number", False):
        line = [row.number, row.name]
        for cell in row.cells:
            line += [str(CELL_WORDS[cell.state]), cell.step or None,
                     round(cell.score * 100) if cell.score is not None else None]
        line.append(format_datetime(row.last_seen_at) if row.last_seen_at else "")
        rows.append(line)
    record_audit(classroom.school_id, current_user.id, "class.export", "classroom", classroom.id)
    db.session.commit()
    filename = f"class-{classroom.id}.csv"
    return Response(to_csv(header, rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/classes/<int:class_id>/students/<int:student_id>")
@teacher_required
def student(class_id, student_id):
    """One student: their modules, attempts and last activity, with the roster actions."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    person = get_student_in_classroom_or_404(classroom, student_id)
    modules, attempts = build_student_view(classroom, person, get_catalog(), current_locale())
    return render_template("teach/student.html", classroom=classroom, student=person, modules=modules,
                           render_cell=cell_renderer(),
                           attempts=attempts, move_targets=list_other_classes(current_user.id, classroom.id))
