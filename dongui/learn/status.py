"""What staff and students see of a module's progress: one of a few plain states."""

import enum
from dataclasses import dataclass
from datetime import datetime
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
    return max(1, min(step, module.step_count))


def module_status(progress: ModuleProgress | ProgressFacts | None, module: Module) -> ModuleStatus:
    """The state of one module for one person. Skips and "not now" are never part of it."""
    if progress is None:
        return ModuleStatus(StatusKind.NOT_STARTED, steps=module.step_count)
    step = clamp_step(progress.last_step, module)
    if progress.is_completed:
        kind = StatusKind.COMPLETED
    elif progress.lesson_done_at is not None:
        kind = StatusKind.LESSON_READ
    else:
        kind = StatusKind.IN_PROGRESS
    return ModuleStatus(kind, step, module.step_count, progress.best_score)
