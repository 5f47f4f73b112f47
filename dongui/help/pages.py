"""The public pages: where to get help, the privacy notice, and the health check."""

from babel import Locale
from flask import render_template

from ..content import get_catalog
from ..i18n import current_locale
from ..school.contacts import privacy_officer, school_contacts
from ..templating import school_for_help
from . import bp


@bp.get("/help")
def help_page():
    """Where to get help: the school's contacts first, then every support line."""
    catalog = get_catalog()
    locale = current_locale()
    return render_template(
        "help/help.html",
        page=catalog.help.page("help", locale),
        channels=catalog.help.home_channels,
        international=catalog.help.international_channels,
        contacts=school_contacts(school_for_help(), locale),
        sharing_number=catalog.help.sharing_number,
        country_name=lambda code: Locale.parse(locale).territories.get(code, code),
    )


@bp.get("/privacy")
def privacy():
    """What Dongui stores about a student, who sees it, for how long, and the school's privacy
    officer (or, when the school has named none or is unknown, to ask the school)."""
    return render_template(
        "help/privacy.html",
        page=get_catalog().help.page("privacy", current_locale()),
        officer=privacy_officer(school_for_help()),
    )


@bp.get("/healthz")
def healthz():
    """Liveness for load balancers; touches no database."""
    return {"status": "ok"}
