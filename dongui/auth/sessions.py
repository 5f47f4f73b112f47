"""Session rules: who is signed in, idle expiry, forced password change, last seen."""

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..clock import utcnow
from ..extensions import db, login_manager
from ..models import Role, User
from ..school.accounts import record_seen
from ..school.questions import is_question_post

SEEN_KEY = "_seen"
SEEN_REFRESH_SECONDS = 30
# Pages a user who must change their password may still reach.
OPEN_DURING_PASSWORD_CHANGE = {
    "auth.password", "auth.logout", "auth.lang", "help.help_page", "help.privacy",
    "help.healthz", "static",
}

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to see that page.")
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Load the user from "id:session_version"; a stale version ends the session."""
    user_id, _sep, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    return user


def start_session(user: User) -> None:
    session.clear()
    login_user(user, remember=False)
    session[SEEN_KEY] = utcnow().timestamp()


def end_session() -> None:
    logout_user()
    session.clear()


def enforce_idle_timeout():
    """End a signed-in session after SESSION_IDLE_MINUTES without a request."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now = utcnow().timestamp()
    seen = session.get(SEEN_KEY)
    if seen is None or now - seen > current_app.config["SESSION_IDLE_MINUTES"] * 60:
        end_session()
        flash(_("You were signed out after 30 minutes without activity."), "info")
        return None
    if now - seen >= SEEN_REFRESH_SECONDS:
        session[SEEN_KEY] = now
    return None


def require_password_change():
    """Send a user with a one-time password to /password before anything else."""
    if not current_user.is_authenticated:
        return None
    # Asking an anonymous question must not move "last active": that time could point at the asker.
    if not is_question_post(request.method, request.path) and record_seen(current_user):
        db.session.commit()
    if current_user.must_change_password and request.endpoint not in OPEN_DURING_PASSWORD_CHANGE:
        return redirect(url_for("auth.password"))
    return None


def landing_url(user: User) -> str:
    """The page each role starts on."""
    endpoint = {Role.STUDENT: "learn.index", Role.TEACHER: "teach.index", Role.ADMIN: "admin.index"}
    return url_for(endpoint[user.role])


def init_sessions(app) -> None:
    app.before_request(enforce_idle_timeout)
    app.before_request(require_password_change)
