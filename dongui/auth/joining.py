"""Joining a class with its code, and signing up with one when the school allows it."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db, limiter
from ..models import Role
from ..permissions import role_required
from ..school.joining import JoinError, join_class, sign_up, suggest_username
from . import bp
from .forms import JoinForm, SignupForm
from .sessions import landing_url, start_session

JOIN_MESSAGES = {
    "unknown": _l("That code does not match a class. Check it with your teacher."),
    "archived": _l("That class has ended, so it cannot be joined. Ask your teacher for the new code."),
    "closed": _l(
        "Your school does not let students create their own accounts. Ask your teacher for a sign-in card."
    ),
    "already": _l("You are already in that class."),
}


@bp.route("/join", methods=["GET", "POST"])
@role_required(Role.STUDENT)
@limiter.limit(lambda: current_app.config["JOIN_LIMIT"], methods=["POST"], scope="join")
def join():
    """A signed-in student joins another class with its code."""
    form = JoinForm()
    if form.validate_on_submit():
        try:
            classroom = join_class(current_user, form.join_code.data)
        except JoinError as error:
            form.join_code.errors.append(str(JOIN_MESSAGES[error.code]))
        else:
            db.session.commit()
            flash(_("You joined %(name)s.", name=classroom.name), "success")
            return redirect(url_for("learn.index"))
    return render_template("auth/join.html", form=form)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNUP_LIMIT"], methods=["POST"], scope="signup")
def signup():
    """Create a student account with a class's join code (where the school allows it)."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = SignupForm(username=suggest_username())
    if form.validate_on_submit():
        try:
            user = sign_up(
                form.join_code.data, form.display_name.data, form.username.data, form.password.data
            )
        except JoinError as error:
            form.join_code.errors.append(str(JOIN_MESSAGES[error.code]))
        except ValueError:
            db.session.rollback()
            form.username.errors.append(_("That username is taken or not allowed. Try another."))
        else:
            db.session.commit()
            start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.display_name), "success")
            return redirect(url_for("learn.index"))
    return render_template("auth/signup.html", form=form)
