"""Log filters that keep the anonymous question box out of every log (DESIGN.md, "Security")."""

import logging

from .school.questions import is_question_post


class QuestionPostFilter(logging.Filter):
    """Drops the development server's line for a question POST ("POST /learn/classes/3 ...")."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        request_line = str(args[0]) if args else ""
        method, _sep, rest = request_line.partition(" ")
        return not is_question_post(method, rest.split(" ")[0].split("?")[0])


class QuestionLimitFilter(logging.Filter):
    """Drops Flask-Limiter's "limit exceeded" line for the question box: it would tie a time to
    the asker's key."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return "questions" not in args


def install_log_filters() -> None:
    werkzeug = logging.getLogger("werkzeug")
    limiter = logging.getLogger("flask-limiter")
    for logger, log_filter in ((werkzeug, QuestionPostFilter), (limiter, QuestionLimitFilter)):
        if not any(isinstance(f, log_filter) for f in logger.filters):
            logger.addFilter(log_filter())
