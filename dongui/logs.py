"""Log filters that keep the anonymous pages out of every log (DESIGN.md, "Security").

Which pages are anonymous is declared once, in `anonymity.py`; these filters only ask it.
"""

import logging

from .anonymity import is_anonymous_endpoint, is_anonymous_path, quote_path


class AnonymousRequestFilter(logging.Filter):
    """The development server's request line: dropped for an anonymous page, and its path
    percent-quoted otherwise ("GET /learn/x%0Ay HTTP/1.1"), so a path cannot forge a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        if not args or not isinstance(args[0], str) or " " not in args[0]:
            return True
        method, _sep, rest = args[0].partition(" ")
        target, _sep, protocol = rest.rpartition(" ") if rest.count(" ") else (rest, "", "")
        path = target.split("?")[0]
        if is_anonymous_path(path):
            return False
        line = " ".join(part for part in (method, quote_path(path), protocol) if part)
        record.args = (line, *args[1:])
        return True


class AnonymousLimitFilter(logging.Filter):
    """Flask-Limiter's "limit exceeded" line names the endpoint: never for an anonymous page."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not any(isinstance(arg, str) and is_anonymous_endpoint(arg) for arg in args)


def install_log_filters() -> None:
    werkzeug = logging.getLogger("werkzeug")
    limiter = logging.getLogger("flask-limiter")
    for logger, log_filter in ((werkzeug, AnonymousRequestFilter), (limiter, AnonymousLimitFilter)):
        if not any(isinstance(f, log_filter) for f in logger.filters):
            logger.addFilter(log_filter())
