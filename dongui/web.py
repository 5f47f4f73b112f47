"""What every response shares: security headers, the session cookie, and small request helpers."""

import hashlib
from urllib.parse import urlsplit

from flask import abort, current_app, has_request_context, render_template, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .clock import utcnow
from .gate import RunningGate, set_places

# The largest id a database integer holds (SQLite's and PostgreSQL's bigint): a larger number in
# an address or a query is no id of ours, and answers 404 (or is ignored), never a 500.
MAX_ID = 2**63 - 1


def refuse_ids_past_max(endpoint, values) -> None:
    """A whole number in an address (`<int:…>`) larger than any database id answers 404 before
    any query runs (SQLite would raise on it: a 500). Checked here, once the route has matched,
    rather than in the converter: a converter that refused it would make werkzeug answer 405
    where a GET and a POST route share an address."""
    if values and any(type(value) is int and value > MAX_ID for value in values.values()):
        abort(404)


class PublicAddress:
    """WSGI middleware: with PUBLIC_URL set, every request is seen at that address (its scheme and
    host), whatever Host header it came with, so nothing Dongui builds (sign-in cards, redirects,
    links) can take its address from the request."""

    def __init__(self, wsgi_app, public_url: str):
        parts = urlsplit(public_url)
        self.wsgi_app, self.scheme, self.host = wsgi_app, parts.scheme, parts.netloc

    def __call__(self, environ, start_response):
        environ["HTTP_HOST"] = self.host
        environ["wsgi.url_scheme"] = self.scheme
        environ.pop("HTTP_X_FORWARDED_HOST", None)
        return self.wsgi_app(environ, start_response)


def site_url() -> str:
    """The address people use, for cards and links: PUBLIC_URL (required in production); when
    trying Dongui out without it, the address the request came to."""
    return current_app.config["PUBLIC_URL"] or request.host_url.rstrip("/")


def confirmed() -> bool:
    """True when this POST comes from the confirmation page (`ask_to_confirm`)."""
    return request.form.get("confirmed") == "yes"


def ask_to_confirm(title: str, consequence: str, button: str, back: str, danger: bool = True):
    """A page that says what an action will do and sends the same POST again, confirmed: for
    actions that are hard to undo (remove, move, reset, deactivate). Nothing has changed yet."""
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in ("csrf_token", "confirmed")
    ]
    return render_template(
        "confirm.html",
        title=title,
        consequence=consequence,
        button=button,
        back=back,
        danger=danger,
        action=request.path,
        fields=fields,
    )


def page_arg() -> int:
    """The `page` of a long list's address (1 when missing, not a number, or out of range)."""
    page = request.args.get("page", 1, type=int)
    return page if 1 <= page <= MAX_ID // 1000 else 1


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure in production, and whenever the request came over https."""

    def get_cookie_secure(self, app) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def cookie_secure() -> bool:
    return current_app.config["SESSION_COOKIE_SECURE"] or request.is_secure


def set_security_headers(response):
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    if request.endpoint != "static" and "ETag" not in response.headers:
        # Back after sign-out must show nothing private.
        response.headers["Cache-Control"] = "no-store"
    return response


# A page answered with an ETag stays the same for this long at most, so that its CSRF token
# (valid for WTF_CSRF_TIME_LIMIT, an hour) is never older than half of that.
ETAG_SLOT_SECONDS = 1800


def page_etag(*parts) -> str:
    """An ETag for a staff page made from `parts` (its data version among them): the same only
    for the same viewer, session and half hour, so a 304 never shows one person another's page
    or a stale CSRF token."""
    slot = int(utcnow().timestamp() // ETAG_SLOT_SECONDS)
    generate_csrf()  # the session's token exists before the page is first made, not after
    raw = repr((parts, current_user.get_id(), session.get("csrf_token"), slot))
    return hashlib.sha256(raw.encode()).hexdigest()[:40]


def not_modified(etag: str):
    """304 when the browser already holds this very page (and no message waits to be shown)."""
    if "_flashes" in session or not request.if_none_match.contains(etag):
        return None
    return with_etag(current_app.response_class(status=304), etag)


def with_etag(response, etag: str):
    """The browser may keep this page but must ask again before showing it (the ETag makes the
    asking cheap); sign-out clears what it kept (auth.logout)."""
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def init_web(app) -> None:
    set_places(app.config["RUNNING_PER_WORKER"])
    app.wsgi_app = RunningGate(app.wsgi_app)
    app.session_interface = SessionInterface()
    app.url_value_preprocessor(refuse_ids_past_max)
    app.after_request(set_security_headers)
