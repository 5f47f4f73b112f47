"""Session rules: who is signed in, idle and absolute expiry, sign-out everywhere, forced password
change, last seen, and the question box's daily release (run by the school's first request
after its time)."""

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from ..anonymity import is_anonymous_path
from ..clock import utcnow
from ..extensions import db, login_manager
from ..models import Role, User
from ..school.accounts import end_all_sessions, record_seen
from ..school.questions import release_if_due

SEEN_KEY = "_seen"
STARTED_KEY = "_started"
SEEN_REFRESH_SECONDS = 30
# Pages a user who must change their password may still reach.
OPEN_DURING_PASSWORD_CHANGE = {
    "auth.password",
    "auth.logout",
    "auth.lang",
    "help.help_page",
    "help.privacy",
    "help.healthz",
    "static",
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
    session[SEEN_KEY] = session[STARTED_KEY] = utcnow().timestamp()


def end_session() -> None:
    logout_user()
    session.clear()


def sign_out_everywhere() -> None:
    """Sign out: this session, and every copy of its cookie anywhere (the user's session version
    moves on, so any cookie made before now is refused)."""
    if current_user.is_authenticated:
        end_all_sessions(current_user._get_current_object())
        db.session.commit()
    end_session()


def enforce_idle_timeout():
    """End a signed-in session after SESSION_IDLE_MINUTES without a request, and
    SESSION_LIFETIME_HOURS after signing in whatever the activity."""
    if request.endpoint == "static" or "_user_id" not in session:
        return None
    now = utcnow().timestamp()
    seen, started = session.get(SEEN_KEY), session.get(STARTED_KEY)
    if started is None or now - started > current_app.config["SESSION_LIFETIME_HOURS"] * 3600:
        end_session()
        flash(_("You were signed out because you signed in a long time ago. Please sign in again."), "info")
        return None
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
    # An anonymous page (the question box, opened or asked) never moves "last active": that
    # time could point at the student who asked.
    if not is_anonymous_path(request.path) and record_seen(current_user):
        db.session.commit()
    if current_user.must_change_password and request.endpoint not in OPEN_DURING_PASSWORD_CHANGE:
        return redirect(url_for("auth.password"))
    return None


def landing_url(user: User) -> str:
    """The page each role starts on."""
    endpoint = {
        Role.STUDENT: "learn.index",
        Role.TEACHER: "teach.index",
        Role.ADMIN: "admin.index",
        Role.DISTRICT_ADMIN: "district.index",
    }
    return url_for(endpoint[user.role])


def release_questions_when_due():
    """The school's daily question release, lazily: the first signed-in request of the school
    after the release time runs it, in a transaction of its own (school/questions.py)."""
    # A district admin has no school (and no question box).
    if request.endpoint != "static" and current_user.is_authenticated and current_user.school is not None:
        release_if_due(current_user.school)


def init_sessions(app) -> None:
    app.before_request(enforce_idle_timeout)
    app.before_request(release_questions_when_due)
    app.before_request(require_password_change)
