"""Sign-in cards: choose students, print their one-time passwords."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..permissions import (
    get_classroom_or_404,
    get_student_in_classroom_or_404,
    teacher_required,
)
from ..school import classes as class_ops
from ..school.roster_messages import describe_lines
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
    """Reprint cards: choose students; their passwords are reset (old cards stop working)."""
    classroom = get_classroom_or_404(class_id)
    roster_entries = list_roster(classroom.id)
    if request.method == "GET":
        return render_template("teach/cards_choose.html", classroom=classroom, roster=roster_entries)
    chosen = {int(v) for v in request.form.getlist("student") if v.isdigit()}
    students = [get_student_in_classroom_or_404(classroom, sid) for sid in sorted(chosen)]
    if not students:
        flash(_("Choose at least one student."), "error")
        return redirect(url_for("teach.cards", class_id=class_id))
    cards = class_ops.reset_student_passwords(classroom, students, current_user)
    db.session.commit()
    return render_cards(classroom, cards)
