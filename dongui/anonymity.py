"""The one declaration of which pages are anonymous, and the one question every consumer asks.

An anonymous page is one whose requests must leave no trace that could point at a person: no
access log line (gunicorn's, the development server's), no application log line (errors
included), no "last active" update. Every consumer asks `is_anonymous_path` (or
`is_anonymous_endpoint` inside a request), never a pattern of its own, so a new anonymous page is
declared here once and every log and hook follows.

A path is matched the way the app routes it, after the normalisations a server or a proxy might
apply (percent-decoding, repeated slashes, dot segments, a trailing slash), so
`//learn/classes/1` or `/learn/classes/%31` counts as the question box too. Erring towards
"anonymous" only ever drops a log line.
"""

import posixpath
from urllib.parse import quote, unquote, urlsplit

from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, RequestRedirect

# The declaration. learn.class_questions: a class's anonymous question box, GET and POST.
# learn.check: a class's before-and-after check (school/checks/), GET and POST.
ANONYMOUS_ENDPOINTS = frozenset({"learn.class_questions", "learn.check"})

# The url map the path matcher routes with (the app's own, set by `register_url_map`). Every
# app the process builds has the same map; gunicorn's logger, which has no app, reads it here.
_url_map: Map | None = None

# Characters a path keeps unquoted in a log line (RFC 3986 path characters): everything else,
# a newline or a quote included, is written as %XX, so a path cannot forge or break a line.
PATH_SAFE = "/:@!$&'()*+,;=-._~"


def register_url_map(url_map: Map) -> None:
    global _url_map
    _url_map = url_map


def is_anonymous_endpoint(endpoint: str | None) -> bool:
    return endpoint in ANONYMOUS_ENDPOINTS


def normalise_path(path: str) -> str:
    """The path as a server resolves it: decoded, single slashes, no dot segments, no trailing
    slash."""
    path = unquote(path or "/")
    path = "/" + "/".join(part for part in path.split("/") if part)
    return posixpath.normpath(path) if path != "/" else path


def is_anonymous_path(path: str) -> bool:
    """Would a request for `path` (any method) reach an anonymous page?"""
    if _url_map is None:
        return False
    adapter = _url_map.bind("localhost")
    candidate = normalise_path(path)
    for _hop in range(3):  # a redirect (strict slashes) is followed to the page it names
        for method in ("GET", "POST"):
            try:
                endpoint, _args = adapter.match(candidate, method=method)
            except RequestRedirect as redirect:
                candidate = urlsplit(redirect.new_url).path
                break
            except MethodNotAllowed:
                continue
            except HTTPException:
                return False
            return is_anonymous_endpoint(endpoint)
        else:
            return False
    return False


def quote_path(path: str | None) -> str:
    """A path as a log line may hold it: percent-quoted, one line, nothing to misread."""
    return quote(path or "", safe=PATH_SAFE)
