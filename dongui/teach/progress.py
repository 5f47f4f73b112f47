"""The teacher's progress pages: the class dashboard, a module's results, one student, and the CSV export."""

from flask import Response, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..exports import to_csv
from ..extensions import db
from ..formats import format_date
from ..i18n import current_locale
from ..permissions import (
    get_classroom_or_404,
    get_module_or_404,
    get_student_in_classroom_or_404,
    teacher_required,
)
from ..school.audit import Action, record_audit
from ..school.status import STATUS_LABELS
from ..school.versions import cached
from ..web import not_modified, page_etag, with_etag
from . import bp
from .analysis import SCORE_BANDS, build_module_report
from .dashboard import (
    arrange,
    build_dashboard,
    build_student_view,
    cell_renderer,
    dashboard_key,
    progress_grid,
)
from .queries import list_other_classes


@bp.get("/classes/<int:class_id>")
@teacher_required
def dashboard(class_id):
    """The class at a glance: who has done which assigned module."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    locale = current_locale()
    sort = request.args.get("sort", "number")
    only_incomplete = request.args.get("show") == "incomplete"
    key = dashboard_key(classroom, locale)
    etag = page_etag(key, sort, only_incomplete, classroom.can_edit)
    if unchanged := not_modified(etag):
        return unchanged
    board = cached(key, lambda: build_dashboard(classroom, get_catalog(), locale))
    page = render_template(
        "teach/dashboard.html",
        classroom=classroom,
        board=board,
        sort=sort,
        only_incomplete=only_incomplete,
        grid=progress_grid(classroom, board, key, sort, only_incomplete),
    )
    return with_etag(make_response(page), etag)


@bp.get("/classes/<int:class_id>/modules/<slug>")
@teacher_required
def class_module(class_id, slug):
    """One module in one class: who has completed it, scores, and which questions went wrong."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    module = get_module_or_404(slug)
    locale = current_locale()
    report = build_module_report(classroom.id, module, locale)
    return render_template(
        "teach/class_module.html",
        classroom=classroom,
        module=module,
        text=module.text(locale),
        report=report,
        bands=SCORE_BANDS,
    )


@bp.post("/classes/<int:class_id>/export.csv")
@teacher_required
def export_class(class_id):
    """The dashboard as CSV: the same states and figures as the screen. A POST (with its CSRF
    token), because it writes an activity-log entry: no link from another site can add one."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    board = build_dashboard(classroom, get_catalog(), current_locale())
    header = [_("No."), _("Name")]
    for column in board.columns:
        header += [
            column.title,
            _("%(module)s: step", module=column.title),
            _("%(module)s: best score (%%)", module=column.title),
        ]
    header.append(_("Last active"))
    rows = []
    for row in arrange(board, "number", False):
        line = [row.number, row.name]
        for cell in row.cells:
            line += [
                str(STATUS_LABELS[cell.state]),
                cell.step or None,
                round(cell.score * 100) if cell.score is not None else None,
            ]
        line.append(format_date(row.last_seen_at) if row.last_seen_at else "")  # a date only, as on screen
        rows.append(line)
    record_audit(classroom.school_id, current_user.id, Action.CLASS_EXPORT, "classroom", classroom.id)
    db.session.commit()
    filename = f"class-{classroom.id}.csv"
    return Response(
        to_csv(header, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/classes/<int:class_id>/students/<int:student_id>")
@teacher_required
def student(class_id, student_id):
    """One student: their modules, attempts and last activity, with the roster actions."""
    classroom = get_classroom_or_404(class_id, admin_may_view=True)
    person = get_student_in_classroom_or_404(classroom, student_id)
    modules, attempts = build_student_view(classroom, person, get_catalog(), current_locale())
    return render_template(
        "teach/student.html",
        classroom=classroom,
        student=person,
        modules=modules,
        render_cell=cell_renderer(),
        attempts=attempts,
        move_targets=list_other_classes(current_user.id, classroom.id),
    )
