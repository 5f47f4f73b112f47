"""What staff and students see of a module's progress: one of a few plain states, with one
table of their words and symbols for every page, the grid and the CSV."""

import enum
from dataclasses import dataclass
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from ..content.schema import Module
from ..models import ModuleProgress

# What a status reads of a progress row: (last step, lesson read, quiz passed, best score).
# Pages that read many rows select exactly these; `facts_of` takes them from a loaded row.
Facts = tuple[int, bool, bool, float | None]


class Status(enum.StrEnum):
    """A module's state for one person. Overdue, excused and took part in class exist only on a
    class's pages."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    LESSON_READ = "lesson_read"
    COMPLETED = "completed"
    PARTICIPATED = "participated"  # 수업 참여: taught in class, recorded by the teacher
    OVERDUE = "overdue"
    EXCUSED = "excused"


STATUS_LABELS = {
    Status.NOT_STARTED: _l("Not started"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.LESSON_READ: _l("Lesson read"),
    Status.COMPLETED: _l("Completed"),
    Status.PARTICIPATED: _l("Took part in class"),
    Status.OVERDUE: _l("Overdue"),
    Status.EXCUSED: _l("Excused"),
}
# What each state means, for the legend under a class's grid.
STATUS_HELP = {
    Status.NOT_STARTED: _l("The student has not opened the module yet."),
    Status.IN_PROGRESS: _l("Reading the lesson: the furthest step reached."),
    Status.LESSON_READ: _l("The lesson is read; the quiz is not passed yet."),
    Status.COMPLETED: _l("Lesson read and quiz passed, with the best score of all attempts."),
    Status.PARTICIPATED: _l(
        "Present when the module was taught in class. Whether that completes it "
        "or the quiz must still be passed is a school setting."
    ),
    Status.OVERDUE: _l(
        "The due date has passed and the module is not completed; how far the student got follows."
    ),
    Status.EXCUSED: _l("Excused by a teacher (for example on the counsellor's advice): not counted."),
}
# Beside the words, never instead of them (the symbols are hidden from screen readers).
STATUS_SYMBOLS = {
    Status.NOT_STARTED: "○",
    Status.IN_PROGRESS: "▸",
    Status.LESSON_READ: "◑",
    Status.COMPLETED: "✓",
    Status.PARTICIPATED: "●",
    Status.OVERDUE: "⚠",
    Status.EXCUSED: "–",
}


@dataclass(frozen=True)
class ModuleStatus:
    kind: Status
    step: int = 0
    steps: int = 0
    best_score: float | None = None
    credited: bool = False  # took part in class, and the school counts that as completed
    on_paper: bool = False  # completed with the quiz passed on paper (no score online)

    @property
    def done(self) -> bool:
        return self.kind == Status.COMPLETED or self.credited


def clamp_step(step: int, module: Module) -> int:
    """A step number that exists in the module as it is now (it may have lost steps)."""
    return clamp(step, module.step_count)


def clamp(step: int, steps: int) -> int:
    return max(1, min(step, steps))


def module_status(progress: ModuleProgress | None, module: Module) -> ModuleStatus:
    """The state of one module for one person. Skips and "not now" are never part of it."""
    return status_from(module.step_count, facts_of(progress))


def facts_of(progress: ModuleProgress | None) -> Facts | None:
    if progress is None:
        return None
    return (
        progress.last_step,
        progress.lesson_done_at is not None,
        progress.quiz_passed_at is not None,
        progress.best_score,
    )


def status_from(steps: int, facts: Facts | None) -> ModuleStatus:
    if facts is None:
        return ModuleStatus(Status.NOT_STARTED, steps=steps)
    return status_of(steps, *facts)


@lru_cache(maxsize=8192)
def status_of(
    steps: int, last_step: int, lesson_read: bool, quiz_passed: bool, best_score: float | None
) -> ModuleStatus:
    """The rule itself, on the few values it reads: a grid of hundreds of cells repeats them,
    so it is computed once per distinct combination."""
    step = clamp(last_step, steps)
    if lesson_read and quiz_passed:
        kind = Status.COMPLETED
    elif lesson_read:
        kind = Status.LESSON_READ
    else:
        kind = Status.IN_PROGRESS
    return ModuleStatus(kind, step, steps, best_score)


# A student's part in a class's lesson, from the teacher's record: (present, passed on paper).
ClassPart = tuple[bool, bool]


@lru_cache(maxsize=8192)
def class_status(steps: int, facts: Facts | None, part: ClassPart | None, credit: bool) -> ModuleStatus:
    """A module's state on a class's pages, with what the teacher recorded of the lesson taught
    in class: being present counts as the lesson read, a paper quiz as the quiz passed; present
    alone is its own state (수업 참여), which completes the module when the school says so
    (`credit`, School.participation_completes)."""
    own = status_from(steps, facts)
    if part is None or own.kind == Status.COMPLETED:
        return own
    present, paper = part
    read_online, passed_online = (facts[1], facts[2]) if facts is not None else (False, False)
    if (present or read_online) and (paper or passed_online):
        return ModuleStatus(Status.COMPLETED, steps, steps, own.best_score, on_paper=not passed_online)
    if present:
        return ModuleStatus(Status.PARTICIPATED, steps, steps, own.best_score, credited=credit)
    return own
