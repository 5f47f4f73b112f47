"""The letter home (가정통신문): printed from the class's real assignments, or as plain text for
the school's messaging app, and its return slips marked per student."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from ..content import get_catalog
from ..extensions import db
from ..i18n import current_locale
from ..permissions import get_classroom_or_404, teacher_required
from ..school.assignments import list_assignments
from ..school.calendar import local_today
from ..school.letters import SlipMark, excusal_reasons, list_slips, record_slips
from . import bp
from .letter_page import LANGUAGE_CHOICES, LAYOUTS, build_letter, letter_as_text
from .queries import list_class_teachers, list_roster


@bp.get("/classes/<int:class_id>/letter")
@teacher_required
def letter(class_id):
    """The letter home in Korean, English or both: an A4 print view (a letter and slip per
    student, or one letter and the class's slips) or plain text to paste."""
    classroom = get_classroom_or_404(class_id)
    catalog = get_catalog()
    language = request.args.get("lang", current_locale())
    layout = request.args.get("layout", "each")
    as_text = request.args.get("format") == "text"
    if catalog.letter is None or language not in LANGUAGE_CHOICES or layout not in LAYOUTS:
        abort(404)
    teachers, today = list_class_teachers(classroom.id), local_today(classroom.school.timezone)
    letters = []
    for locale in LANGUAGE_CHOICES[language]:
        with force_locale(locale):
            facts = build_letter(classroom, catalog, locale, teachers, today)
            letters.append(
                (
                    locale,
                    facts,
                    letter_as_text(facts)
                    if as_text
                    else Markup(render_template("teach/_letter.html", facts=facts)),
                )
            )
    options = {"lang": language, "layout": layout}
    if as_text:
        return render_template(
            "teach/letter_text.html", classroom=classroom, letters=letters, options=options
        )
    return render_template(
        "teach/letter.html",
        classroom=classroom,
        letters=letters,
        options=options,
        students=list_roster(classroom.id),
        layout=layout,
        words=[facts.text.slip for _locale, facts, _html in letters],
        slip_modules=[
            [facts.modules[i] for _loc, facts, _html in letters] for i in range(len(letters[0][1].modules))
        ],
    )


@bp.get("/classes/<int:class_id>/slips")
@teacher_required
def slips(class_id):
    """Mark each student's returned slip: returned, questions, modules kept for home."""
    classroom = get_classroom_or_404(class_id)
    catalog, locale = get_catalog(), current_locale()
    modules = [catalog.module(a.module_slug) for a in list_assignments(classroom.id)]
    return render_template(
        "teach/slips.html",
        classroom=classroom,
        roster=list_roster(classroom.id),
        slips=list_slips(classroom.id),
        reasons=excusal_reasons(classroom.id),
        modules=[(m.slug, m.text(locale).title) for m in modules if m is not None],
    )


@bp.post("/classes/<int:class_id>/slips")
@teacher_required
def save_slips(class_id):
    """Save the slips; a module kept for home becomes an excusal (가정 요청), logged."""
    classroom = get_classroom_or_404(class_id)
    assigned = {a.module_slug for a in list_assignments(classroom.id)}
    form = request.form
    marks = {
        student.student_id: SlipMark(
            returned=form.get(f"returned-{student.student_id}") == "1",
            has_questions=form.get(f"questions-{student.student_id}") == "1",
            home_modules=frozenset(form.getlist(f"home-{student.student_id}")),
        )
        for student in list_roster(classroom.id)
    }
    try:
        record_slips(classroom, marks, assigned, current_user, local_today(classroom.school.timezone))
    except ValueError:
        abort(400)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("teach.slips", class_id=classroom.id))
