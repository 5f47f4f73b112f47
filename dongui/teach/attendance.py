"""Who took part (수업 참여): after teaching a module in class, the teacher ticks who was there
(everyone to start with) and who passed the quiz on paper."""

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..models import ClassPresentation
from ..permissions import get_assigned_module_or_404, get_classroom_or_404, teacher_required
from ..school.assignments import excused_pairs, list_assignments
from ..school.calendar import local_today
from ..school.participation import module_records, record_attendance
from . import bp
from .queries import list_roster


def default_module(classroom, slugs: list[str]) -> str | None:
    """The module on the class's projector if it is assigned, else the first assignment."""
    state = db.session.get(ClassPresentation, classroom.id)
    if state is not None and state.module_slug in slugs:
        return state.module_slug
    return slugs[0] if slugs else None


@bp.get("/classes/<int:class_id>/attendance")
@teacher_required
def attendance(class_id):
    """Record who took part in a module taught in class, and who passed its quiz on paper."""
    classroom = get_classroom_or_404(class_id)
    catalog, locale = get_catalog(), current_locale()
    modules = [catalog.module(a.module_slug) for a in list_assignments(classroom.id)]
    modules = [m for m in modules if m is not None]
    slug = request.args.get("module") or default_module(classroom, [m.slug for m in modules])
    module = get_assigned_module_or_404(classroom, slug) if slug else None
    roster = list_roster(classroom.id)
    records = module_records(classroom.id, module.slug) if module else {}
    excused = {sid for sid, s in excused_pairs(classroom.id) if module and s == module.slug}
    # Everyone present to start with (the teacher unticks who was absent); once recorded, the record.
    present = (
        {sid for sid, r in records.items() if r.attended_on}
        if records
        else {s.student_id for s in roster if s.student_id not in excused}
    )
    taught_on = max((r.attended_on for r in records.values() if r.attended_on), default=None)
    return render_template(
        "teach/attendance.html",
        classroom=classroom,
        module=module,
        locale=locale,
        modules=[(m.slug, m.text(locale).title) for m in modules],
        roster=roster,
        records=records,
        present=present,
        excused=excused,
        recorded=bool(records),
        taught_on=taught_on or local_today(classroom.school.timezone),
        credit=classroom.school.participation_completes,
    )


@bp.post("/classes/<int:class_id>/attendance")
@teacher_required
def save_attendance(class_id):
    """Save who took part and who passed on paper, for one module."""
    classroom = get_classroom_or_404(class_id)
    module = get_assigned_module_or_404(classroom, request.form.get("module", ""))
    try:
        taught_on = date.fromisoformat(request.form.get("taught_on", "").strip())
        present = {int(v) for v in request.form.getlist("present")}
        paper = {int(v) for v in request.form.getlist("paper")}
    except ValueError:
        abort(400)
    roster = {s.student_id for s in list_roster(classroom.id)}
    if not present | paper <= roster:
        abort(404)  # a student of another class, or not a student at all
    record_attendance(classroom, module.slug, taught_on, roster, present, paper, current_user)
    db.session.commit()
    flash(
        _("Saved: %(present)s took part, %(paper)s passed on paper.", present=len(present), paper=len(paper)),
        "success",
    )
    return redirect(url_for("teach.attendance", class_id=classroom.id, module=module.slug))
