"""`flask roster import`: a class list from the command line, as the web import reads it."""

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from ..extensions import db
from ..models import Classroom
from ..school.roster import build_preview
from ..school.roster_files import MAX_FILE_BYTES
from ..school.roster_import import apply_import
from ..school.roster_messages import describe, line_groups
from .common import fail

roster_cli = AppGroup("roster", help="Class lists.")


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
