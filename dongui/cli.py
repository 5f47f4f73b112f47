"""Flask commands (DESIGN.md, "Command line")."""

import re
import sys
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import current_app
from flask.cli import AppGroup

from . import translations
from .auth.accounts import create_user, find_user, reset_password
from .demo import DEMO_PASSWORD, find_demo_school, refuse_seed_in_production, seed_demo
from .errors import ConfigurationError
from .extensions import db
from .models import Role, School

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")

school_cli = AppGroup("school", help="Schools.")
users_cli = AppGroup("users", help="Accounts.")
translate_cli = AppGroup("translate", help="Translations (pybabel wrappers).")
demo_cli = AppGroup("demo", help="The demo school for trying Dongui out.")
content_cli = AppGroup("content", help="Lessons, quizzes and help content.")
roster_cli = AppGroup("roster", help="Class lists.")


def fail(message: str):
    click.secho(message, fg="red", err=True)
    sys.exit(1)


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


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--school", "school_slug", required=True, help="The school's slug.")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password", help="Password; without it you are asked, or one is generated.")
def create_admin(username, school_slug, display_name, password):
    """Create a school admin."""
    school = db.session.execute(db.select(School).filter_by(slug=school_slug)).scalar_one_or_none()
    if school is None:
        fail(f"No school with slug {school_slug!r}.")
    if password is None and sys.stdin.isatty():
        password = click.prompt("Password (empty: generate one)", hide_input=True,
                                confirmation_prompt=True, default="", show_default=False) or None
    try:
        user, one_time = create_user(school, username, display_name or username, Role.ADMIN, password)
    except ValueError as exc:
        fail(f"Cannot create {username!r}: {exc}.")
    db.session.commit()
    click.secho(f"Created admin {user.username} at {school.name}.", fg="green")
    if one_time:
        click.echo(f"One-time password (must be changed at first sign-in): {one_time}")


@users_cli.command("reset-password")
@click.argument("username")
def reset_password_command(username):
    """Give a user a new one-time password and print it."""
    user = find_user(username)
    if user is None:
        fail(f"No user {username!r}.")
    password = reset_password(user)
    db.session.commit()
    click.secho(f"New one-time password for {user.username}: {password}", fg="green")
    click.echo("They must change it when they sign in; their other sessions have ended.")


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
    click.secho("Catalogs updated: translate the new entries, then run `flask translate check`.",
                fg="green")


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
@click.option("--password", default=DEMO_PASSWORD, show_default=True,
              help="The password of every demo account.")
def demo_seed(password):
    """Create the demo school (not in production)."""
    try:
        refuse_seed_in_production()
    except ConfigurationError as exc:
        fail(str(exc))
    school = seed_demo(password)
    if school is None:
        school = find_demo_school()
        click.echo(f"The demo school {school.name} is already there; nothing was changed.")
        password = f"{DEMO_PASSWORD} (unless it was seeded with --password)"
    else:
        db.session.commit()
        click.secho(f"Created the demo school {school.name}: demo data, not for real students.",
                    fg="green")
    click.echo(sign_in_help(password))


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
    summary = (f"{len(report.catalog.modules)} module(s), {len(report.errors)} error(s), "
               f"{len(report.warnings)} warning(s).")
    if report.errors:
        fail(summary)
    click.secho(summary, fg="green")


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--class-id", "class_id", type=int, required=True)
@click.option("--dry-run", is_flag=True, help="Check the file and print the preview; write nothing.")
def roster_import(path, class_id, dry_run):
    """Import a class list (.xlsx or CSV) exactly as the web import does."""
    from flask_babel import force_locale

    from .models import Classroom
    from .teach.roster import apply_import, build_preview
    from .teach.roster_messages import describe

    classroom = db.session.get(Classroom, class_id)
    if classroom is None:
        fail(f"No class with id {class_id}.")
    with open(path, "rb") as handle:
        preview = build_preview(path, handle.read(), classroom)
    with force_locale(classroom.school.default_locale):
        for problem in preview.problems:
            where = f"{path}:{problem.line}" if problem.line else path
            click.echo(f"{where}: {describe(problem.code, problem.params)}")
    if preview.problems:
        fail(f"{len(preview.problems)} problem(s); nothing was imported.")
    summary = (f"{preview.count('create')} new, {preview.count('enroll')} to enroll, "
               f"{preview.count('already')} already in {classroom.name}.")
    if dry_run:
        click.secho(f"Dry run: {summary}", fg="green")
        return
    result = apply_import(preview, classroom, None)
    db.session.commit()
    click.secho(f"Imported: {summary}", fg="green")
    for user, password in result.created:
        click.echo(f"{user.username}\t{password}\t{user.display_name}")


def sign_in_help(password: str) -> str:
    return "\n".join([
        "Sign in at http://127.0.0.1:5000/login with:",
        "  admin:    demo-admin",
        "  teachers: demo-teacher, demo-teacher2",
        "  students: demo-student01 ... demo-student30",
        f"  password: {password}",
    ])


def register_commands(app) -> None:
    for group in (school_cli, users_cli, translate_cli, demo_cli, content_cli, roster_cli):
        app.cli.add_command(group)
