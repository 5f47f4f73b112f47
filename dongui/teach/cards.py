"""Sign-in cards: choose students, print their one-time passwords."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db
from ..permissions import (
    get_classroom_or_404,
    get_students_in_classroom_or_404,
    teacher_required,
)
from ..school import classes as class_ops
from ..school.roster_messages import describe_lines
from ..web import MAX_ID, ask_to_confirm, confirmed
from . import bp
from .queries import list_roster


def render_cards(classroom, cards, result=None):
    """The printable sign-in cards: the only place the one-time passwords ever appear.

    After a roster import, `result` says what the import did and which lines it left out.
    """
    return render_template(
        "teach/cards.html",
        classroom=classroom,
        cards=cards,
        result=result,
        site=request.host_url.rstrip("/"),
        describe_lines=describe_lines,
    )


@bp.route("/classes/<int:class_id>/cards", methods=["GET", "POST"])
@teacher_required
def cards(class_id):
    """Reprint cards: choose students, everyone, or those who have not signed in yet; their
    passwords are reset (old cards stop working). Asks once first when that undoes a password a
    student chose."""
    classroom = get_classroom_or_404(class_id)
    roster_entries = list_roster(classroom.id)
    if request.method == "GET":
        return render_template("teach/cards_choose.html", classroom=classroom, roster=roster_entries)
    student_ids = chosen_students(roster_entries, request.form)
    if not student_ids:
        flash(_("Choose at least one student."), "error")
        return redirect(url_for("teach.cards", class_id=class_id))
    students = get_students_in_classroom_or_404(classroom, student_ids)
    chose_own = sum(not student.must_change_password for student in students)
    if chose_own and not confirmed():
        return ask_to_confirm(
            ngettext("Print %(num)d new card?", "Print %(num)d new cards?", len(students)),
            ngettext(
                "%(num)d of these students has already chosen their own password. It stops working "
                "now: they sign in with the new card and choose a new one. Every old card stops "
                "working; progress stays.",
                "%(num)d of these students have already chosen their own password. It stops working "
                "now: they sign in with the new card and choose a new one. Every old card stops "
                "working; progress stays.",
                chose_own,
            ),
            _("Reset and print cards"),
            url_for("teach.cards", class_id=class_id),
        )
    cards = class_ops.reset_student_passwords(classroom, students, current_user)
    db.session.commit()
    return render_cards(classroom, cards)


def chosen_students(roster_entries, form) -> list[int]:
    """The students a cards form names, in roster order: everyone (`choose=all`), those who have
    not signed in yet (`choose=new`), or those ticked (ids not in the roster are kept, so that the
    loader answers 404)."""
    which = form.get("choose")
    if which == "all":
        return [entry.student_id for entry in roster_entries]
    if which == "new":
        return [entry.student_id for entry in roster_entries if entry.must_change_password]
    ticked = {int(value) for value in form.getlist("student") if value.isdigit()}
    if any(value > MAX_ID for value in ticked):
        abort(404)
    in_roster = [entry.student_id for entry in roster_entries if entry.student_id in ticked]
    return in_roster + sorted(ticked - set(in_roster))
