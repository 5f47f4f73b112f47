"""What every template can use: locale, language switch, quick exit, help panel, formats."""

import json
import os
from pathlib import Path

from flask import current_app, g, render_template, request
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from jinja2 import FileSystemBytecodeCache, pass_context
from markupsafe import Markup

from .content import get_catalog
from .formats import format_date, format_datetime, format_number, format_percent
from .i18n import current_locale, language_names
from .models import Role, School
from .school.contacts import contacts_in, only_school, only_school_contacts, school_contacts
from .school.status import STATUS_HELP, STATUS_LABELS, STATUS_SYMBOLS
from .school.versions import PageCache

ROLE_LABELS = {
    Role.STUDENT: _l("Student"),
    Role.TEACHER: _l("Teacher"),
    Role.ADMIN: _l("Admin"),
    Role.DISTRICT_ADMIN: _l("District admin"),
}


def inject_layout_values() -> dict:
    return {
        "current_locale": current_locale(),
        "translations": get_translations(),
        "language_names": language_names(),
        "quick_exit_url": current_app.config["QUICK_EXIT_URL"],
        "compact_channels": get_catalog().help.compact_channels,
        "current_path": current_path(),
        "layout_school_contacts": layout_school_contacts,
        "help_panel": help_panel,
    }


def school_for_help() -> School | None:
    """The signed-in user's school; signed out, the school when the instance has only one."""
    if "help_school" not in g:
        signed_in = current_user and current_user.is_authenticated
        g.help_school = current_user.school if signed_in else only_school()
    return g.help_school


def layout_school_contacts() -> list[dict]:
    """Called by the layout (not on error pages, which must not touch the database). Signed
    out, only the contacts are read, not the whole school row: every student of a class opens
    the sign-in page at the same moment."""
    if "help_school" in g or (current_user and current_user.is_authenticated):
        return school_contacts(school_for_help(), current_locale())
    return contacts_in(only_school_contacts(), current_locale())


HELP_PANELS = "dongui_help_panels"


def help_panel(error_page: bool = False) -> Markup:
    """The help panel every page ends with. It is the same for every page and every person of a
    school in a language (the school's own lines, then the national ones), so it is made once
    per language and set of school lines, and kept: each key holds what the panel shows, so a
    changed line is a new key, never a stale panel. Error pages show no school line (they must
    not touch the database)."""
    contacts = [] if error_page else layout_school_contacts()
    key = (current_locale(), json.dumps(contacts, ensure_ascii=False, sort_keys=True))
    panels = current_app.extensions.setdefault(HELP_PANELS, PageCache(size=64))
    return panels.get_or_build(
        key, lambda: Markup(render_template("_help_panel.html", school_lines=contacts))
    )


def current_path() -> str:
    path = request.full_path if request.query_string else request.path
    return path


def localized(value: dict | None) -> str:
    """Pick the current language's text from a {ko: ..., en: ...} pair."""
    if not value:
        return ""
    return value.get(current_locale()) or next(iter(value.values()))


def _translations(context):
    """The request's catalogue, looked up once per page (Flask-Babel's own template callables
    look it up for every string); macros imported without context look it up themselves."""
    translations = context.get("translations")
    return translations if translations is not None else get_translations()


@pass_context
def template_gettext(context, message):
    return _translations(context).ugettext(message)


@pass_context
def template_ngettext(context, singular, plural, n):
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def template_pgettext(context, message_context, message):
    return _translations(context).upgettext(message_context, message)


@pass_context
def template_npgettext(context, message_context, singular, plural, n):
    return _translations(context).unpgettext(message_context, singular, plural, n)


class KeptTemplates(FileSystemBytecodeCache):
    """Compiled templates kept on disk beside the content cache, so that a start (the master's
    warm-up, each worker's first pages, every `flask` command) loads them instead of compiling
    them again: 5-14 ms a template. Jinja checks each against a hash of its source, so an edited
    template is compiled afresh; one that cannot be written is served all the same."""

    def dump_bytecode(self, bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def keep_compiled_templates(app) -> None:
    """Where CONTENT_CACHE_DIR keeps the content (CONTENT_STRICT on), it keeps the compiled
    templates too, in its `templates` folder; nothing is kept where that folder is not writable."""
    cache_dir = app.config.get("CONTENT_CACHE_DIR")
    if not cache_dir or not app.config.get("CONTENT_STRICT", True):
        return
    folder = Path(cache_dir) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    if os.access(folder, os.W_OK):
        app.jinja_env.bytecode_cache = KeptTemplates(str(folder))


def init_templating(app) -> None:
    keep_compiled_templates(app)
    app.jinja_env.install_gettext_callables(
        template_gettext,
        template_ngettext,
        newstyle=True,
        pgettext=template_pgettext,
        npgettext=template_npgettext,
    )
    app.context_processor(inject_layout_values)
    app.jinja_env.filters["localized"] = localized
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["format_number"] = format_number
    app.jinja_env.filters["format_percent"] = format_percent
    app.jinja_env.globals["role_label"] = ROLE_LABELS.get
    app.jinja_env.globals["status_labels"] = STATUS_LABELS
    app.jinja_env.globals["status_symbols"] = STATUS_SYMBOLS
    app.jinja_env.globals["status_help"] = STATUS_HELP
    app.jinja_env.policies["ext.i18n.trimmed"] = True
