"""The landing page, signing in and out."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..extensions import db, limiter
from ..models import normalize_username
from ..safety import is_safe_next
from ..school.accounts import authenticate, record_seen
from . import bp, throttle
from .forms import LoginForm
from .sessions import landing_url, sign_out_everywhere, start_session


def login_username_key() -> str:
    return "login-user:" + normalize_username(request.form.get("username", ""))[:64]


def login_failed(response) -> bool:
    # A successful sign-in redirects; a failed one shows the form again (a throttled one, 429,
    # checked no password and is not counted).
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
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="login-address")
def login():
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(landing_url(current_user))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        username, address = normalize_username(form.username.data), request.remote_addr or ""
        wait = throttle.wait_seconds(username, address)
        if wait:
            form.password.errors.append(
                ngettext(
                    "Too many wrong passwords for this username. Wait %(num)d second, then try again.",
                    "Too many wrong passwords for this username. Wait %(num)d seconds, then try again.",
                    wait,
                )
            )
            return render_template("auth/login.html", form=form), 429
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            # Signing in is being seen; written with any new hash of an old password, so that the
            # first page after it need not write.
            record_seen(user)
            db.session.commit()
            throttle.record_success(username, address)
            start_session(user)
            if user.must_change_password:
                return redirect(url_for("auth.password"))
            target = form.next.data
            return redirect(target if is_safe_next(target) else landing_url(user))
        throttle.record_failure(username, address)
        # One message whether or not the username exists.
        form.password.errors.append(_("That username and password don't match. Try again."))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    """Sign out, everywhere (a POST, so no link or image can sign someone out; quick exit sends
    it as a beacon)."""
    sign_out_everywhere()
    flash(_("You have signed out."), "info")
    response = redirect(url_for("auth.login"))
    # Staff pages answered with an ETag may be kept by the browser: sign-out removes them.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response
