"""The localized error pages, the same for every blueprint; an unhandled error is logged."""

from flask import current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from .anonymity import is_anonymous_endpoint, is_anonymous_path, quote_path
from .extensions import db

ERROR_TEXT = {
    400: (
        _l("Something in that request was not right"),
        _l("The page could not use what was sent. Go back, reload the page and try again."),
    ),
    403: (
        _l("This page is not for your account"),
        _l("You are signed in, but this page belongs to another role."),
    ),
    404: (_l("Page not found"), _l("There is no page at this address, or it is not one you can open.")),
    405: (
        _l("That did not work"),
        _l("This page cannot be used that way. Go back and use the buttons on the page."),
    ),
    413: (_l("That file is too big"), _l("Choose a smaller file and try again.")),
    429: (
        _l("Too many tries"),
        _l(
            "Please wait a few minutes, then try again. If you forgot your password, "
            "ask your teacher to reset it."
        ),
    ),
    500: (
        _l("Something went wrong on our side"),
        _l("Nothing you did caused this. Please try again in a moment."),
    ),
}
QUESTION_LIMIT_TEXT = (
    _l("That's all the questions for today"),
    _l(
        "To keep the question box useful for everyone, each student can send a few "
        "questions a day. You can ask again tomorrow. If you need help now, the "
        "help page lists who to call or message."
    ),
)


def render_error(code: int, status: int | None = None):
    title, message = ERROR_TEXT.get(code, ERROR_TEXT[500])
    if code == 429 and is_anonymous_endpoint(request.endpoint):
        title, message = QUESTION_LIMIT_TEXT
    return render_template("errors/error.html", code=code, title=title, message=message), (status or code)


def handle_http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return render_error(error.code if error.code in ERROR_TEXT else 400, error.code)


def handle_csrf_error(error: CSRFError):
    return render_error(400)


def handle_server_error(error):
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    # No line at all for an anonymous page: its time would mark the student who asked, and an
    # error's text can hold what was sent (DESIGN.md, "no log line holds a question").
    if not is_anonymous_path(request.path):
        current_app.logger.error(
            "unhandled error on %s %s", request.method, quote_path(request.path), exc_info=original
        )
    return render_error(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
    app.register_error_handler(Exception, handle_server_error)
