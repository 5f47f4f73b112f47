"""Small guards shared by several blueprints."""

from urllib.parse import urlsplit


def is_safe_next(target: str | None) -> bool:
    """True for a same-site path such as /learn?x=1; False for anything that leaves the site."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and "\\" not in target and "\n" not in target
