"""`flask content check`, `flask translate …` and `flask demo seed`: the curriculum, the
interface's translations, and the demo school to try them in."""

import os

import click
from flask import current_app
from flask.cli import AppGroup

from .. import translations
from ..config import ConfigurationError
from ..demo import DEMO_PASSWORD, find_demo_school, refuse_seed_in_production, seed_demo
from ..extensions import db
from ..models import Role
from .common import check_chosen_password, fail

content_cli = AppGroup("content", help="Lessons, quizzes and help content.")

translate_cli = AppGroup("translate", help="Translations (pybabel wrappers).")

demo_cli = AppGroup("demo", help="The demo school for trying Dongui out.")


@content_cli.command("check")
def content_check():
    """Check lessons, quizzes and help; list every problem; fail on errors."""
    report = current_app.extensions["dongui.content_report"]
    for error in report.errors:
        click.secho(f"error: {error}", fg="red")
    for warning in report.warnings:
        click.secho(f"warning: {warning}", fg="yellow")
    for line in report.info:
        click.echo(f"note: {line}")
    letter = report.catalog.letter
    click.echo(f"The letter home (letters/): {', '.join(letter.texts) if letter else 'not loaded'}.")
    surveys = report.catalog.surveys
    click.echo(
        f"{len(surveys)} before-and-after check(s) in surveys/: {', '.join(s.id for s in surveys) or 'none'}."
    )
    summary = (
        f"{len(report.catalog.modules)} module(s), {len(report.errors)} error(s), "
        f"{len(report.warnings)} warning(s)."
    )
    if report.errors:
        fail(summary)
    click.secho(summary, fg="green")


@translate_cli.command("extract")
def translate_extract():
    """Extract UI strings into translations/messages.pot."""
    translations.extract()
    click.secho(f"Extracted to {translations.POT_FILE}.", fg="green")


@translate_cli.command("update")
def translate_update():
    """Extract, then merge new strings into every catalog."""
    translations.extract()
    translations.update()
    click.secho("Catalogs updated: translate the new entries, then run `flask translate check`.", fg="green")


@translate_cli.command("compile")
def translate_compile():
    """Compile the .po catalogs into .mo files."""
    translations.compile_catalogs()
    click.secho("Catalogs compiled.", fg="green")


@translate_cli.command("check")
def translate_check():
    """Extract afresh; fail on any missing, fuzzy or untranslated entry."""
    problems = translations.check()
    for problem in problems:
        click.echo(problem)
    if problems:
        fail(f"{len(problems)} translation problem(s).")
    click.secho("Every UI string is translated.", fg="green")


@demo_cli.command("seed")
@click.option(
    "--password", default=DEMO_PASSWORD, show_default=True, help="The password of every demo account."
)
def demo_seed(password):
    """Create the demo school (not in production)."""
    try:
        refuse_seed_in_production()
    except ConfigurationError as exc:
        fail(str(exc))
    check_chosen_password(password, Role.ADMIN)  # one password for every demo account
    school = seed_demo(password)
    if school is None:
        school = find_demo_school()
        click.echo(f"The demo school {school.name} is already there; nothing was changed.")
        password = f"{DEMO_PASSWORD} (unless it was seeded with --password)"
    else:
        db.session.commit()
        click.secho(f"Created the demo school {school.name}: demo data, not for real students.", fg="green")
    click.echo(sign_in_help(password))


def sign_in_help(password: str) -> str:
    # `make run` says where it serves (HOST, PORT); a bare `flask demo seed` assumes flask run's default.
    address = os.environ.get("DONGUI_DEMO_URL", "http://127.0.0.1:5000").rstrip("/")
    return "\n".join(
        [
            f"Sign in at {address}/login with:",
            "  admin:    demo-admin",
            "  teachers: demo-teacher, demo-teacher2",
            "  students: demo-student01 ... demo-student30",
            f"  password: {password}",
        ]
    )
