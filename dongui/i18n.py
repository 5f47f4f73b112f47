"""Language and time zone: which locale a request gets (DESIGN.md, "Language")."""

from flask import current_app, request
from flask_babel import get_locale
from flask_login import current_user

LANG_COOKIE = "lang"


def choose_locale(user, cookie: str | None, accept_languages, languages) -> str:
    """Signed in: the user's choice, the cookie, the school default (a district admin has no
    school: Korean). Signed out: the cookie, Accept-Language, then Korean."""
    if user is not None:
        for candidate in (user.locale, cookie, user.school.default_locale if user.school else None):
            if candidate in languages:
                return candidate
        return languages[0]
    if cookie in languages:
        return cookie
    return preferred_language(accept_languages, languages) or languages[0]


def preferred_language(accept_languages, languages) -> str | None:
    """The first supported language in the browser's order, matching on the primary tag
    (so "en-US,ko;q=0.5" is English, which Werkzeug's best_match would make Korean)."""
    for value, quality in accept_languages:
        primary = value.replace("_", "-").split("-")[0].lower()
        if quality > 0 and primary in languages:
            return primary
    return None


def select_locale() -> str:
    user = current_user if current_user and current_user.is_authenticated else None
    return choose_locale(
        user,
        request.cookies.get(LANG_COOKIE),
        request.accept_languages,
        current_app.config["LANGUAGES"],
    )


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and current_user.school is not None:
        return current_user.school.timezone
    return current_app.config["BABEL_DEFAULT_TIMEZONE"]


def current_locale() -> str:
    return str(get_locale())


LANGUAGE_NAMES = {"ko": "한국어", "en": "English"}


def language_names() -> dict:
    """Each language named in itself, as a switch should show it."""
    return LANGUAGE_NAMES
