"""What every response shares: security headers, the session cookie, and small request helpers."""

from flask import current_app, has_request_context, render_template, request
from flask.sessions import SecureCookieSessionInterface


def confirmed() -> bool:
    """True when this POST comes from the confirmation page (`ask_to_confirm`)."""
    return request.form.get("confirmed") == "yes"


def ask_to_confirm(title: str, consequence: str, button: str, back: str, danger: bool = True):
    """A page that says what an action will do and sends the same POST again, confirmed: for
    actions that are hard to undo (remove, move, reset, deactivate). Nothing has changed yet."""
    fields = [(name, value) for name, value in request.form.items(multi=True)
              if name not in ("csrf_token", "confirmed")]
    return render_template("confirm.html", title=title, consequence=consequence, button=button,
                           back=back, danger=danger, action=request.path, fields=fields)


def page_arg() -> int:
    """The `page` of a long list's address (1 when missing or not a number)."""
    return request.args.get("page", 1, type=int)


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
    if request.endpoint != "static":
        # Back after sign-out must show nothing private.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_web(app) -> None:
    app.session_interface = SessionInterface()
    app.after_request(set_security_headers)
