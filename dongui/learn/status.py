"""What staff and students see of a module's progress: one of a few plain states."""

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import NamedTuple

from ..content.schema import Module
from ..models import ModuleProgress


class ProgressFacts(NamedTuple):
    """The columns of a ModuleProgress row a status needs, for pages that read many rows."""

    last_step: int
    lesson_done_at: datetime | None
    quiz_passed_at: datetime | None
    best_score: float | None

    @property
    def is_completed(self) -> bool:
        return self.lesson_done_at is not None and self.quiz_passed_at is not None


class StatusKind(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    LESSON_READ = "lesson_read"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ModuleStatus:
    kind: StatusKind
    step: int = 0
    steps: int = 0
    best_score: float | None = None


def clamp_step(step: int, module: Module) -> int:
    """A step number that exists in the module as it is now (it may have lost steps)."""
    return clamp(step, module.step_count)


def clamp(step: int, steps: int) -> int:
    return max(1, min(step, steps))


def module_status(progress: ModuleProgress | ProgressFacts | None, module: Module) -> ModuleStatus:
    """The state of one module for one person. Skips and "not now" are never part of it."""
    if progress is None:
        return not_started(module.step_count)
    return status_of(module.step_count, progress.last_step, progress.lesson_done_at is not None,
                     progress.quiz_passed_at is not None, progress.best_score)


def not_started(steps: int) -> ModuleStatus:
    return ModuleStatus(StatusKind.NOT_STARTED, steps=steps)


@lru_cache(maxsize=8192)
def status_of(steps: int, last_step: int, lesson_read: bool, quiz_passed: bool,
              best_score: float | None) -> ModuleStatus:
    """The rule itself, on the few values it reads: a grid of hundreds of cells repeats them,
    so it is computed once per distinct combination."""
    step = clamp(last_step, steps)
    if lesson_read and quiz_passed:
        kind = StatusKind.COMPLETED
    elif lesson_read:
        kind = StatusKind.LESSON_READ
    else:
        kind = StatusKind.IN_PROGRESS
    return ModuleStatus(kind, step, steps, best_score)
