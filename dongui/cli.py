"""Flask commands (DESIGN.md, "Command line")."""

import json
import os
import re
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from . import translations
from .backup import BackupError, backup_sqlite, pg_dump_command
from .clock import utcnow
from .config import ConfigurationError
from .demo import DEMO_PASSWORD, find_demo_school, refuse_seed_in_production, seed_demo
from .extensions import db
from .models import Classroom, Role, School
from .school.accounts import create_user, find_user, reset_password
from .school.calendar import start_of_day
from .school.districts import DistrictError, add_school, create_district, create_district_admin, find_district
from .school.passwords import password_problem
from .school.privacy import delete_student, export_student, purge_inactive, record_export, scrub_erased_pages
from .school.questions import release_all_due
from .school.roster import build_preview
from .school.roster_files import MAX_FILE_BYTES
from .school.roster_import import apply_import
from .school.roster_messages import describe, line_groups

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")

school_cli = AppGroup("school", help="Schools.")
users_cli = AppGroup("users", help="Accounts.")
translate_cli = AppGroup("translate", help="Translations (pybabel wrappers).")
demo_cli = AppGroup("demo", help="The demo school for trying Dongui out.")
content_cli = AppGroup("content", help="Lessons, quizzes and help content.")
roster_cli = AppGroup("roster", help="Class lists.")
questions_cli = AppGroup("questions", help="The anonymous question box.")
district_cli = AppGroup("district", help="Districts (교육청) and their schools.")


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
    password = chosen_password(password, Role.ADMIN, username)
    user, one_time = create_or_fail(
        username, lambda: create_user(school, username, display_name or username, Role.ADMIN, password)
    )
    report_created(f"admin {user.username} at {school.name}", one_time)


@users_cli.command("create-district-admin")
@click.argument("username")
@click.option("--district", "district_slug", required=True, help="The district's slug.")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password", help="Password; without it you are asked, or one is generated.")
def create_district_admin_command(username, district_slug, display_name, password):
    """Create a district admin: aggregates of the district's schools, never a student."""
    district = find_district(district_slug)
    if district is None:
        fail(f"No district with slug {district_slug!r}.")
    password = chosen_password(password, Role.DISTRICT_ADMIN, username)
    user, one_time = create_or_fail(
        username, lambda: create_district_admin(district, username, display_name or username, password)
    )
    report_created(f"district admin {user.username} for {district.name}", one_time)


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
    schools = [select_schools(slug)[0] for slug in school_slugs]
    added = [school.slug for school in schools if add_school(district, school)]
    db.session.commit()
    already = len(schools) - len(added)
    click.secho(
        f"{district.name}: added {len(added)} school(s)"
        + (f", {already} already a member." if already else "."),
        fg="green",
    )


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


@users_cli.command("export")
@click.argument("username")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the JSON (UTF-8) to this file instead of printing it.",
)
def export_user(username, output):
    """Print a student's data as JSON (the export is logged)."""

    student = find_student_or_fail(username)
    data = (json.dumps(export_student(student), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if output:
        with open(output, "wb") as handle:
            handle.write(data)
    else:
        click.echo(data, nl=False)  # bytes: UTF-8 whatever the terminal's encoding
    record_export(student, None)
    db.session.commit()
    if output:
        click.secho(f"Wrote the data of {student.username} to {output}.", fg="green", err=True)


@users_cli.command("delete")
@click.argument("username")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def delete_user(username, yes):
    """Erase a student: account, classes, excusals, progress and attempts (logged)."""

    student = find_student_or_fail(username)
    label = f"{student.username} ({student.display_name}, {student.school.name})"
    if not yes and not click.confirm(f"Delete student {label} and all of their data? This cannot be undone."):
        fail("Nothing was deleted.")
    delete_student(student, None)
    db.session.commit()
    scrub_erased_pages()
    click.secho(f"Deleted student {label} and all of their data.", fg="green")


@users_cli.command("purge")
@click.option(
    "--inactive-since",
    "since",
    required=True,
    metavar="YYYY-MM-DD",
    help="Erase students not seen since this day began (in the school's time zone).",
)
@click.option("--school", "school_slug", help="Only this school's students (default: every school).")
@click.option("--dry-run", is_flag=True, help="List who would be deleted; delete nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation at a terminal.")
def purge_users(since, school_slug, dry_run, yes):
    """Erase students inactive since a date (never signed in: created before it)."""

    day = parse_day(since, "--inactive-since")
    schools = select_schools(school_slug)
    if any(start_of_day(day, school.timezone) > utcnow() for school in schools):
        fail(f"--inactive-since {since} is in the future: that would delete every student.")
    found = [(school, describe_students(purge_inactive(school, day, dry_run=True))) for school in schools]
    for school, students in found:
        for line in students:
            click.echo(f"{school.slug}\t{line}")
    total = sum(len(students) for _school, students in found)
    if dry_run:
        click.secho(f"Dry run: {total} student(s) not seen since {day} would be deleted.", fg="green")
        return
    if (
        total
        and not yes
        and sys.stdin.isatty()
        and not click.confirm(f"Delete these {total} student(s) and all of their data?")
    ):
        fail("Nothing was deleted.")
    for school, _students in found:
        purge_inactive(school, day, dry_run=False)
    db.session.commit()
    scrub_erased_pages()
    click.secho(f"Deleted {total} student(s) not seen since {day}.", fg="green")


def find_student_or_fail(username: str):
    user = find_user(username)
    if user is None:
        fail(f"No user {username!r}.")
    if user.role != Role.STUDENT:
        fail(
            f"{user.username} is a {user.role.value}, not a student: only students are exported or "
            "deleted here (staff accounts are deactivated on the admin's Teachers page)."
        )
    return user


def parse_day(value: str, option: str):
    """A YYYY-MM-DD date, or a clear failure."""

    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    fail(f"{option} must be a date written YYYY-MM-DD (for example 2025-03-01), not {value!r}.")


def select_schools(slug: str | None) -> list[School]:
    if slug is None:
        return list(db.session.execute(db.select(School).order_by(School.slug)).scalars())
    school = db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one_or_none()
    if school is None:
        fail(f"No school with slug {slug!r}.")
    return [school]


def describe_students(students) -> list[str]:
    """One line per student, read now: after a purge the objects are gone."""
    return [
        f"{s.username}\t{s.display_name}\t"
        f"{s.last_seen_at.date().isoformat() if s.last_seen_at else 'never signed in'}"
        for s in students
    ]


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


@roster_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--class-id", "class_id", type=int, required=True)
@click.option("--dry-run", is_flag=True, help="Check the file and print the preview; write nothing.")
@click.option(
    "--leave-out-problem-rows",
    "leave_out",
    is_flag=True,
    help="Import the rows without problems and leave out the others (the web preview's "
    "second choice); without it, any problem stops the import.",
)
def roster_import(path, class_id, dry_run, leave_out):
    """Import a class list (.xlsx or CSV) exactly as the web import does.

    Run on the server, it acts as the school admin: it may add existing students of the school.
    """

    classroom = db.session.get(Classroom, class_id)
    if classroom is None:
        fail(f"No class with id {class_id}.")
    with open(path, "rb") as handle:
        preview = build_preview(path, handle.read(MAX_FILE_BYTES + 1), classroom, None)
    if preview.titles:
        skipped = "; ".join(f"line {line} ({text})" for line, text in preview.titles)
        click.echo(f"{path}: the headings are on line {preview.header_line}; skipped above them: {skipped}")
    with force_locale(classroom.school.default_locale):
        for problem in preview.problems:
            where = f"{path}:{problem.line}" if problem.line else path
            click.echo(f"{where}: {describe(problem.code, problem.params)}")
    left_out = "lines " + ", ".join(line_groups(preview.left_out))
    if not preview.importable:
        fail(f"{len(preview.problems)} problem(s); nothing was imported.")
    if preview.left_out and not leave_out:
        fail(
            f"{len(preview.problems)} problem(s); nothing was imported. Fix the file, or run again with "
            f"--leave-out-problem-rows to import the {len(preview.good_rows)} rows without problems "
            f"({left_out} left out)."
        )
    summary = (
        f"{preview.count('create')} new, {preview.count('enroll')} to enroll, "
        f"{preview.count('already')} already in {classroom.name}."
    )
    if preview.left_out:
        summary += f" Left out: {left_out}."
    if dry_run:
        click.secho(f"Dry run: {summary}", fg="green")
        return
    result = apply_import(preview, classroom, None)
    db.session.commit()
    click.secho(f"Imported: {summary}", fg="green")
    for card, password in result.cards:
        click.echo(f"{card.username}\t{password}\t{card.display_name}")


def chosen_password(password: str | None, role: Role, username: str) -> str | None:
    """The password given, or typed at a terminal (empty: None, one is generated), checked."""
    if password is None and sys.stdin.isatty():
        password = (
            click.prompt(
                "Password (empty: generate one)",
                hide_input=True,
                confirmation_prompt=True,
                default="",
                show_default=False,
            )
            or None
        )
    if password is not None:
        check_chosen_password(password, role, username)
    return password


def create_or_fail(username: str, create):
    """Run `create()` (which returns (user, one-time password)) and commit, or fail saying why."""
    try:
        created = create()
    except ValueError as exc:
        fail(f"Cannot create {username!r}: {exc}.")
    db.session.commit()
    return created


def report_created(what: str, one_time: str | None) -> None:
    click.secho(f"Created {what}.", fg="green")
    if one_time:
        click.echo(f"One-time password (must be changed at first sign-in): {one_time}")


def check_chosen_password(password: str, role: Role, username: str = "") -> None:
    """Fail, saying why, when a password typed at the command line breaks the password rule."""

    problem = password_problem(password, role, username)
    if problem is not None:
        with force_locale("en"):
            fail(f"Password not accepted: {problem}")


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


@click.command("backup")
@with_appcontext
@click.option("--to", "folder", default=None, help="Folder for the backup (default: instance/backups).")
def backup_command(folder):
    """Back up the database: SQLite online to a timestamped file; for PostgreSQL, print the pg_dump command."""

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = Path(folder) if folder else Path(current_app.instance_path) / "backups"
    if url.startswith("postgresql"):
        click.echo("PostgreSQL: run pg_dump (it takes a consistent snapshot while Dongui keeps serving):")
        click.echo(f"  {pg_dump_command(url, target)}")
        click.echo("Restore into an empty database with: pg_restore --no-owner --dbname=<database> <file>")
        return
    try:
        path = backup_sqlite(url, target)
    except BackupError as error:
        fail(f"Backup failed: {error}")
    click.echo(f"Backed up to {path} ({path.stat().st_size:,} bytes).")
    click.echo("To restore: stop Dongui, copy this file over the database file, start Dongui.")


@questions_cli.command("release")
def release_questions():
    """Run every school's due daily release of anonymous questions (for a cron job; without one,
    the school's first request after the release time runs it)."""

    released = release_all_due()
    click.secho(f"Released {released} question(s).", fg="green")


def register_commands(app) -> None:
    for group in (
        school_cli,
        users_cli,
        translate_cli,
        demo_cli,
        content_cli,
        roster_cli,
        district_cli,
        questions_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
