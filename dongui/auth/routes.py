"""Sign-in, sign-out, password change, language switch and the public landing page."""

from flask import (
    Blueprint, abort, current_app, flash, make_response, redirect, render_template, request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.security import check_password_hash

from ..extensions import db, limiter
from ..models import Role, normalize_username
from ..permissions import role_required
from ..safety import is_safe_next
from ..web import cookie_secure
from .accounts import authenticate, set_password
from .forms import JoinForm, LoginForm, PasswordChangeForm, SignupForm
from .joining import JoinError, join_class, sign_up, suggest_username
from .sessions import end_session, landing_url, start_session

bp = Blueprint("auth", __name__)

LANG_COOKIE = "lang"
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


def login_username_key() -> str:
    return "login-user:" + normalize_username(request.form.get("username", ""))[:64]


def login_failed(response) -> bool:
    # A successful sign-in redirects; a failed one shows the form again.
    return response.status_code == 200


@bp.route("/")
def landing():
    """The front page: a short welcome, or straight to the user's own start page."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    return render_template("auth/landing.html")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_USERNAME"],
    key_func=login_username_key,
    methods=["POST"],
    deduct_when=login_failed,
    scope="login-username",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="login-address"
)
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            start_session(user)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            target = form.next.data
            return redirect(target if is_safe_next(target) else landing_url(user))
        # One message whether or not the username exists.
        form.password.errors.append(_("That username and password don't match. Try again."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out (a POST, so no link or image can sign someone out)."""
    end_session()
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password; required after signing in with a one-time password."""
    form = PasswordChangeForm(current_user)
    if form.validate_on_submit():
        if form.current_password and not check_password_hash(
            current_user.password_hash, form.current_password.data or ""
        ):
            form.current_password.errors.append(_("Your current password is not right."))
        elif check_password_hash(current_user.password_hash, form.new_password.data):
            form.new_password.errors.append(_("Choose a new password, not the one you have now."))
        else:
            user = current_user._get_current_object()
            set_password(user, form.new_password.data)
            db.session.commit()
            start_session(user)  # this session carries on; every other one has ended
            flash(_("Your password has been changed."), "success")
            return redirect(landing_url(user))
    return render_template("auth/password.html", form=form)


@bp.post("/lang")
def lang():
    """Switch the language: a cookie, and the user's own setting when signed in."""
    choice = request.form.get("lang", "")
    if choice not in current_app.config["LANGUAGES"]:
        abort(400)
    target = request.form.get("next", "")
    response = make_response(redirect(target if is_safe_next(target) else url_for("auth.landing")))
    response.set_cookie(
        LANG_COOKIE, choice, max_age=LANG_COOKIE_MAX_AGE, samesite="Lax", httponly=True,
        secure=cookie_secure(),
    )
    if current_user.is_authenticated:
        current_user.locale = choice
        db.session.commit()
    return response


JOIN_MESSAGES = {
    "unknown": _l("That code does not match a class. Check it with your teacher."),
    "archived": _l("That class has ended, so it cannot be joined. Ask your teacher for the new code."),
    "closed": _l("Your school does not let students create their own accounts. Ask your teacher for a sign-in card."),
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
            user = sign_up(form.join_code.data, form.display_name.data, form.username.data,
                           form.password.data)
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
