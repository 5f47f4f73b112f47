"""A signed-in user's own account: the password and the language."""

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..extensions import db
from ..i18n import LANG_COOKIE
from ..safety import is_safe_next
from ..school.accounts import check_password, set_password
from ..web import cookie_secure
from . import bp
from .forms import PasswordChangeForm
from .sessions import landing_url, start_session

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's password; required after signing in with a one-time password."""
    form = PasswordChangeForm(current_user)
    if form.validate_on_submit():
        if form.current_password and not check_password(current_user, form.current_password.data or ""):
            form.current_password.errors.append(_("Your current password is not right."))
        elif check_password(current_user, form.new_password.data):
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
        LANG_COOKIE,
        choice,
        max_age=LANG_COOKIE_MAX_AGE,
        samesite="Lax",
        httponly=True,
        secure=cookie_secure(),
    )
    if current_user.is_authenticated:
        current_user.locale = choice
        db.session.commit()
    return response
