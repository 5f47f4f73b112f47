"""Answering: the form read, the student marked done, the answers handed in without them."""

import secrets
from collections.abc import Mapping

import sqlalchemy as sa

from ...content.surveys import Survey
from ...extensions import db
from ...models import (
    CheckMark,
    CheckPhase,
    PendingCheckAnswers,
)
from . import BLANK, FIELD_PREFIX


def read_answers(survey: Survey, form: Mapping) -> dict[str, int]:
    """{item id: point} from the submitted form: 1..scale, or BLANK for a statement left blank.

    :raises ValueError: for a value that is not one of the scale's points.
    """
    answers = {}
    for item in survey.items:
        value = (form.get(FIELD_PREFIX + item.id) or "").strip()
        if not value:
            answers[item.id] = BLANK
            continue
        if not value.isdigit() or not 1 <= int(value) <= survey.scale:
            raise ValueError(f"not a point of the scale: {value!r}")
        answers[item.id] = int(value)
    return answers


def finish(student_id: int, classroom_id: int, phase: CheckPhase) -> bool:
    """Mark that a student is done with one half of a class's check, answered or skipped alike.
    Returns False when they already were (a resent form): nothing more may be handed in."""
    if db.session.get(CheckMark, (student_id, classroom_id, phase)) is not None:
        return False
    db.session.add(CheckMark(user_id=student_id, classroom_id=classroom_id, phase=phase))
    db.session.flush()
    return True


def hand_in(classroom_id: int, survey_id: str, phase: CheckPhase, answers: dict[str, int]) -> None:
    """Put one answer set, with no one's name, at a random place in the class's pending list.

    On a connection and in a transaction of its own (never the request's), so it shares nothing
    with the student's mark. The first statement takes the row's write lock (SQLite: the
    database's), so two hand-ins at once take turns instead of losing one."""
    key = sa.and_(
        PendingCheckAnswers.classroom_id == classroom_id,
        PendingCheckAnswers.survey_id == survey_id,
        PendingCheckAnswers.phase == phase,
    )
    for _attempt in range(3):
        try:
            with db.engine.begin() as connection:
                touched = connection.execute(
                    sa.update(PendingCheckAnswers).where(key).values(entries=PendingCheckAnswers.entries)
                ).rowcount
                if not touched:
                    connection.execute(
                        sa.insert(PendingCheckAnswers).values(
                            classroom_id=classroom_id, survey_id=survey_id, phase=phase, entries=[answers]
                        )
                    )
                    return
                entries = list(
                    connection.execute(sa.select(PendingCheckAnswers.entries).where(key)).scalar_one()
                )
                entries.insert(secrets.randbelow(len(entries) + 1), answers)
                connection.execute(sa.update(PendingCheckAnswers).where(key).values(entries=entries))
                return
        except sa.exc.IntegrityError:
            continue  # another hand-in made the list first: add to it
    raise RuntimeError("could not hand in the check's answers")
