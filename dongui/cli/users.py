"""`flask users …`: staff accounts, passwords, and a student's data (export, delete, purge)."""

import json
import re
import sys
from datetime import date

import click
from flask.cli import AppGroup

from ..clock import utcnow
from ..extensions import db
from ..models import Role, School
from ..school.accounts import create_user, find_user, reset_password
from ..school.calendar import start_of_day
from ..school.districts import create_district_admin, find_district
from ..school.privacy import delete_student, export_student, purge_inactive, record_export, scrub_erased_pages
from .common import check_chosen_password, fail, find_school_or_fail

users_cli = AppGroup("users", help="Accounts.")


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--school", "school_slug", required=True, help="The school's slug.")
@click.option("--name", "display_name", help="Display name (default: the username).")
@click.option("--password", help="Password; without it you are asked, or one is generated.")
def create_admin(username, school_slug, display_name, password):
    """Create a school admin."""
    school = find_school_or_fail(school_slug)
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
    """Every school, or the one with this slug."""
    if slug is None:
        return list(db.session.execute(db.select(School).order_by(School.slug)).scalars())
    return [find_school_or_fail(slug)]


def describe_students(students) -> list[str]:
    """One line per student, read now: after a purge the objects are gone."""
    return [
        f"{s.username}\t{s.display_name}\t"
        f"{s.last_seen_at.date().isoformat() if s.last_seen_at else 'never signed in'}"
        for s in students
    ]


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
