"""Classroom mode's shared state: which screen of which module a class has on the projector.

One row per class (ClassPresentation). The projector and the teacher's notes both move it and
both poll it, so moving on either device moves the other; nothing is kept in a process's
memory, so it works the same with several workers. Functions flush; the view commits.
"""

from dataclasses import dataclass

from ..clock import utcnow
from ..content.schema import Module
from ..extensions import db
from ..models import ClassPresentation, Classroom, User


class NoSuchScreen(ValueError):
    """A position outside the module's screens (0 … steps + 1)."""


@dataclass(frozen=True)
class Screen:
    """Where the class is in one module: 0 the opening, 1..steps a step, steps + 1 the close."""

    position: int
    shown: bool  # a 15+ step the teacher chose to show (otherwise it waits behind a cover)

    @property
    def key(self) -> str:
        """What the pages compare when they poll: changes whenever either device moves."""
        return f"{self.position}:{int(self.shown)}"


OPENING = Screen(0, False)


def current_screen(classroom_id: int, module: Module) -> Screen:
    """The class's screen in `module`; the opening when the class is on another module or none."""
    state = db.session.get(ClassPresentation, classroom_id)
    if state is None or state.module_slug != module.slug:
        return OPENING
    position = max(0, min(state.position, module.step_count + 1))  # the module may have lost steps
    return Screen(position, state.shown and position in module.optional_steps)


def move_to(classroom: Classroom, module: Module, position: int, show: bool, actor: User) -> Screen:
    """Put the class on `position` of `module` (show: uncover a 15+ step there).

    :raises NoSuchScreen: when the module has no such position.
    """
    if not 0 <= position <= module.step_count + 1:
        raise NoSuchScreen(position)
    state = db.session.get(ClassPresentation, classroom.id)
    if state is None:
        state = ClassPresentation(classroom_id=classroom.id)
        db.session.add(state)
    state.module_slug = module.slug
    state.position = position
    state.shown = bool(show) and position in module.optional_steps
    state.updated_at = utcnow()
    state.updated_by = actor.id
    db.session.flush()
    return Screen(state.position, state.shown)


def neighbours(screen: Screen, module: Module) -> tuple[int | None, int | None]:
    """The positions "previous" and "next" lead to (None at either end). Next on a covered
    15+ step passes it: showing it is the teacher's separate, deliberate choice."""
    previous = screen.position - 1 if screen.position > 0 else None
    following = screen.position + 1 if screen.position <= module.step_count else None
    return previous, following
