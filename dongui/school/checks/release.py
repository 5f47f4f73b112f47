"""The daily release: pending answers into the tallies, k at a time (school/questions.py runs it)."""

import sqlalchemy as sa

from ...models import (
    CheckTally,
    Classroom,
    PendingCheckAnswers,
    School,
)
from . import ANSWER_SETS, DEFAULT_MIN_ANSWERS, MIN_ANSWERS


def release_checks(connection, school_id: int) -> int:
    """Within the school's daily release (its transaction, `connection`): every pending list of
    the school's classes that holds at least k answer sets goes into the tallies and is deleted;
    shorter lists wait for more. Returns the number of answer sets released."""
    k = release_threshold(connection, school_id)
    classes = sa.select(Classroom.id).where(Classroom.school_id == school_id)
    in_school = PendingCheckAnswers.classroom_id.in_(classes)
    connection.execute(
        sa.update(PendingCheckAnswers).where(in_school).values(entries=PendingCheckAnswers.entries)
    )  # hold them: no hand-in slips by
    ready = [
        row
        for row in connection.execute(
            sa.select(
                PendingCheckAnswers.classroom_id,
                PendingCheckAnswers.survey_id,
                PendingCheckAnswers.phase,
                PendingCheckAnswers.entries,
            ).where(in_school)
        )
        if len(row.entries) >= k
    ]
    if not ready:
        return 0
    added: dict[tuple, int] = {}
    for row in ready:
        head = (row.classroom_id, row.survey_id, row.phase)
        added[(*head, ANSWER_SETS, 0)] = len(row.entries)
        for entry in row.entries:
            for item_id, point in entry.items():
                added[(*head, item_id, point)] = added.get((*head, item_id, point), 0) + 1
        connection.execute(
            sa.delete(PendingCheckAnswers).where(
                PendingCheckAnswers.classroom_id == row.classroom_id,
                PendingCheckAnswers.survey_id == row.survey_id,
                PendingCheckAnswers.phase == row.phase,
            )
        )
    add_to_tallies(connection, added)
    return sum(len(row.entries) for row in ready)


def release_threshold(connection, school_id: int) -> int:
    minimum = connection.execute(
        sa.select(School.check_min_answers).where(School.id == school_id)
    ).scalar_one()
    return max(MIN_ANSWERS, minimum or DEFAULT_MIN_ANSWERS)


def add_to_tallies(connection, added: dict[tuple, int]) -> None:
    """Add counts to check_tallies: {(class, survey, phase, item, point): how many more}."""
    class_ids = {key[0] for key in added}
    existing = {
        tuple(row)
        for row in connection.execute(
            sa.select(
                CheckTally.classroom_id,
                CheckTally.survey_id,
                CheckTally.phase,
                CheckTally.item_id,
                CheckTally.point,
            ).where(CheckTally.classroom_id.in_(class_ids))
        )
    }
    # In key order: the rows' stored order owes nothing to the order the answers came in.
    new = [
        dict(zip(("classroom_id", "survey_id", "phase", "item_id", "point"), key, strict=True), count=n)
        for key, n in sorted(added.items())
        if key not in existing
    ]
    if new:
        connection.execute(sa.insert(CheckTally), new)
    for key, n in sorted(added.items()):
        if key in existing:
            class_id, survey_id, phase, item_id, point = key
            connection.execute(
                sa.update(CheckTally)
                .where(
                    CheckTally.classroom_id == class_id,
                    CheckTally.survey_id == survey_id,
                    CheckTally.phase == phase,
                    CheckTally.item_id == item_id,
                    CheckTally.point == point,
                )
                .values(count=CheckTally.count + n)
            )
