"""`flask school …` and `flask district …`: schools and the districts (교육청) they belong to."""

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask.cli import AppGroup

from ..extensions import db
from ..models import School
from ..school.districts import DistrictError, add_school, create_district, find_district
from .common import fail, find_school_or_fail

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


school_cli = AppGroup("school", help="Schools.")

district_cli = AppGroup("district", help="Districts (교육청) and their schools.")


@school_cli.command("create")
@click.argument("name")
@click.option("--slug", required=True, help="Short id: a-z, 0-9 and -.")
@click.option("--timezone", "timezone", default="Asia/Seoul", show_default=True)
@click.option("--locale", default="ko", show_default=True, type=click.Choice(["ko", "en"]))
def create_school(name, slug, timezone, locale):
    """Create a school."""
    if not SLUG_PATTERN.match(slug):
        fail(f"Slug {slug!r} must be 2-40 characters of a-z, 0-9 and -.")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(f"Unknown time zone {timezone!r} (for example Asia/Seoul).")
    if db.session.execute(db.select(School).filter_by(slug=slug)).first():
        fail(f"A school with slug {slug!r} already exists.")
    db.session.add(School(name=name.strip(), slug=slug, timezone=timezone, default_locale=locale))
    db.session.commit()
    click.secho(f"Created school {name} ({slug}).", fg="green")


@district_cli.command("create")
@click.argument("name")
@click.option("--slug", required=True, help="Short id: a-z, 0-9 and -.")
def create_district_command(name, slug):
    """Create a district (교육청)."""

    try:
        create_district(name, slug)
    except DistrictError as exc:
        fail(f"Cannot create the district: {exc}.")
    db.session.commit()
    click.secho(f"Created district {name.strip()} ({slug}).", fg="green")


@district_cli.command("add-school")
@click.argument("district_slug")
@click.argument("school_slugs", nargs=-1, required=True)
def add_school_command(district_slug, school_slugs):
    """Add schools (by slug) to a district; its admins then see their aggregates."""

    district = find_district(district_slug)
    if district is None:
        fail(f"No district with slug {district_slug!r}.")
    schools = [find_school_or_fail(slug) for slug in school_slugs]
    added = [school.slug for school in schools if add_school(district, school)]
    db.session.commit()
    already = len(schools) - len(added)
    click.secho(
        f"{district.name}: added {len(added)} school(s)"
        + (f", {already} already a member." if already else "."),
        fg="green",
    )
