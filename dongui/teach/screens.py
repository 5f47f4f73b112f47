"""Classroom mode's read model: what the projector shows for the class's screen, and what the
teacher's notes show beside it.

The projector gets only the lesson as students read it (title, content note, steps, key
points) and the help lines: never teacher notes, the quiz or its answers, nor anyone's name.
"""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..content.plans import rows_for
from ..content.schema import LessonText, Module, PlanRow, Step
from ..school.presenting import Screen, neighbours

# A reflect callout as the renderer writes it: the student thinks alone; in class it is a
# question for the room.
REFLECT = re.compile(
    r'(<div class="admonition reflect">\s*<p class="admonition-title">)(.*?)(</p>)(.*?)(</div>)', re.S
)


@dataclass(frozen=True)
class ScreenView:
    kind: str  # opening | step | cover (a 15+ step not shown yet) | closing
    screen: Screen
    steps: int
    step: Step | None
    html: Markup | None  # the step, its reflect prompts turned into discussion questions
    previous: int | None
    next: int | None

    @property
    def position(self) -> int:
        return self.screen.position


def build_screen(module: Module, text: LessonText, screen: Screen, discuss_label: str) -> ScreenView:
    """The projector's screen (also the notes' idea of it)."""
    previous, following = neighbours(screen, module)
    step = text.steps[screen.position - 1] if 1 <= screen.position <= module.step_count else None
    if step is None:
        kind = "opening" if screen.position == 0 else "closing"
    elif step.optional and not screen.shown:
        kind = "cover"
    else:
        kind = "step"
    html = as_discussion(step.html, discuss_label) if kind == "step" else None
    return ScreenView(kind, screen, module.step_count, step, html, previous, following)


def as_discussion(html: Markup, label: str) -> Markup:
    """The step's HTML with each reflect callout titled as a question for the class."""
    return Markup(
        REFLECT.sub(lambda m: f"{m.group(1)}{escape(label)}{m.group(3)}{m.group(4)}{m.group(5)}", str(html))
    )


def discussion_prompts(step: Step | None) -> list[Markup]:
    """The step's reflect prompts (their HTML, without the callout's title)."""
    if step is None:
        return []
    return [Markup(match.group(4).strip()) for match in REFLECT.finditer(str(step.html))]


@dataclass(frozen=True)
class NotesView:
    screen: ScreenView
    rows: tuple[PlanRow, ...]  # the 45-minute plan's rows for this screen
    plan: tuple[PlanRow, ...]  # the whole plan
    prompts: list[Markup]
    notes: Markup | None
    disclosure: Markup | None


def build_notes(module: Module, text: LessonText, view: ScreenView, disclosure: Markup | None) -> NotesView:
    """What the teacher's own device shows beside the projector's screen."""
    step = view.step if view.kind in ("step", "cover") else None
    return NotesView(
        view,
        rows_for(text.plan, view.position, module.step_count),
        text.plan,
        discussion_prompts(step),
        text.teacher_notes,
        disclosure,
    )
