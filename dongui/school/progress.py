"""Recording a student's way through a module. Functions flush; the view commits."""

import sqlalchemy as sa

from ..clock import utcnow
from ..content.schema import Module
from ..extensions import db
from ..models import ModuleProgress, QuizAttempt, UTCDateTime
from .grading import Grade
from .status import clamp_step


class StepNotReached(ValueError):
    """Finishing from a step that still has required steps after it."""


def get_progress(user_id: int, slug: str) -> ModuleProgress | None:
    return db.session.execute(
        db.select(ModuleProgress).filter_by(user_id=user_id, module_slug=slug)
    ).scalar_one_or_none()


def list_progress(user_id: int) -> dict[str, ModuleProgress]:
    """All of one person's progress rows, by module slug (one query)."""
    rows = db.session.execute(db.select(ModuleProgress).filter_by(user_id=user_id)).scalars()
    return {row.module_slug: row for row in rows}


def ensure_progress(user_id: int, module: Module) -> ModuleProgress:
    progress = get_progress(user_id, module.slug)
    if progress is None:
        progress = ModuleProgress(
            user_id=user_id,
            module_slug=module.slug,
            last_step=1,
            attempts=0,
            content_hash=module.content_hash,
        )
        db.session.add(progress)
        db.session.flush()
    return progress


def record_step_done(user_id: int, module: Module, step: int) -> ModuleProgress:
    """Next or "skip this step": both only mean the student moved past `step`."""
    progress = ensure_progress(user_id, module)
    reached = clamp_step(step + 1, module)
    progress.last_step = max(clamp_step(progress.last_step, module), reached)
    progress.content_hash = module.content_hash
    return progress


def finish_lesson(user_id: int, module: Module, step: int) -> ModuleProgress:
    """Mark the lesson read from `step`, which must leave only optional (15+) steps after it.

    :raises StepNotReached: when required steps remain.
    """
    if step < module.last_required_step:
        raise StepNotReached(step)
    progress = ensure_progress(user_id, module)
    progress.last_step = max(clamp_step(progress.last_step, module), clamp_step(step, module))
    if progress.lesson_done_at is None:
        progress.lesson_done_at = utcnow()
    progress.content_hash = module.content_hash
    return progress


def find_attempt(nonce: str) -> QuizAttempt | None:
    return db.session.execute(db.select(QuizAttempt).filter_by(submit_token=nonce)).scalar_one_or_none()


def record_attempt(user_id: int, module: Module, nonce: str, answers: dict, result: Grade) -> QuizAttempt:
    """Store one attempt and fold it into the progress row (counters updated in SQL, so
    concurrent submissions never lose one). The nonce of the form's signed token is stored
    as `submit_token`; its uniqueness stops a second attempt from the same form."""
    now = utcnow()
    attempt = QuizAttempt(
        user_id=user_id,
        module_slug=module.slug,
        content_hash=module.content_hash,
        submitted_at=now,
        score=result.score,
        max_score=result.max_score,
        passed=result.passed,
        answers={qid: sorted(choices) for qid, choices in answers.items()},
        submit_token=nonce,
    )
    db.session.add(attempt)
    progress = ensure_progress(user_id, module)
    share = round(result.share, 4)
    values = {
        "attempts": ModuleProgress.attempts + 1,
        "best_score": sa.case(
            (sa.or_(ModuleProgress.best_score.is_(None), ModuleProgress.best_score < share), share),
            else_=ModuleProgress.best_score,
        ),
        "content_hash": module.content_hash,
    }
    if result.passed:
        values["quiz_passed_at"] = sa.func.coalesce(
            ModuleProgress.quiz_passed_at, sa.literal(now, UTCDateTime())
        )
    db.session.execute(
        sa.update(ModuleProgress)
        .where(ModuleProgress.id == progress.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(progress)
    db.session.flush()
    return attempt


def list_attempts(user_id: int, slug: str) -> list[QuizAttempt]:
    return list(
        db.session.execute(
            db.select(QuizAttempt)
            .filter_by(user_id=user_id, module_slug=slug)
            .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
        ).scalars()
    )
