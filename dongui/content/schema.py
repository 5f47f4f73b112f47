"""The curriculum as frozen values: modules, their lesson text per language, and quizzes."""

from dataclasses import dataclass, field, replace
from datetime import date

from markupsafe import Markup

AUDIENCES = ("students", "teachers")
AGES = ("12+", "15+")
QUESTION_TYPES = ("single", "multiple", "true_false")
OPTIONAL_STEP_CLASS = "age-15"
# A named person's part in a story: one name keeps one part across the course.
CHARACTER_ROLES = ("target", "wrongdoer", "bystander", "upstander", "friend", "neutral", "adult")


@dataclass(frozen=True)
class Step:
    number: int  # 1-based
    title: str
    html: Markup
    optional: bool  # a 15+ step: shown to everyone, not needed for completion


@dataclass(frozen=True)
class PlanRow:
    """One row of the teacher notes' 45-minute plan: when, what, how, and the steps it covers."""

    time: str
    activity: Markup
    how: Markup
    steps: frozenset  # step numbers named in the activity ("3~4단계", "Steps 3–4")


@dataclass(frozen=True)
class LessonText:
    locale: str
    title: str
    summary: str
    content_note: str | None
    key_points: tuple[str, ...]
    steps: tuple[Step, ...]
    teacher_notes: Markup | None
    fallback: bool = False  # served in place of a language the module does not have
    family: str | None = None  # one line for the letter home (가정통신문), written for parents
    plan: tuple[PlanRow, ...] = ()  # the teacher notes' 45-minute plan, for classroom mode


@dataclass(frozen=True)
class Choice:
    id: str
    text: dict
    correct: bool
    feedback: dict


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: dict
    choices: tuple[Choice, ...]
    line: int = 0  # in the quiz file

    @property
    def correct_ids(self) -> frozenset:
        return frozenset(c.id for c in self.choices if c.correct)

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Quiz:
    graded: bool
    pass_mark: float
    questions: tuple[Question, ...]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class Source:
    title: str  # as published: teachers see it
    url: str | None
    date: date | str | None
    outlet: dict | None = None  # locale -> who published it
    display: dict | None = None  # locale -> a short, plain title that students see


@dataclass(frozen=True)
class Character:
    names: dict  # locale -> name
    role: str
    line: int  # in meta.yaml


@dataclass(frozen=True)
class Module:
    slug: str
    order: int
    minutes: int
    audience: str
    age: str
    legal: dict | None
    sources: tuple[Source, ...]
    texts: dict  # locale -> LessonText
    quiz: Quiz
    content_hash: str
    step_count: int
    optional_steps: frozenset = field(default_factory=frozenset)
    characters: tuple = ()

    @property
    def locales(self) -> tuple[str, ...]:
        return tuple(self.texts)

    @property
    def for_students(self) -> bool:
        return self.audience == "students"

    @property
    def last_required_step(self) -> int:
        """The last step that counts for completion; later ones are all 15+ extras."""
        required = [n for n in range(1, self.step_count + 1) if n not in self.optional_steps]
        return max(required, default=self.step_count)

    def text(self, locale: str) -> LessonText:
        """The lesson text in `locale`, or in the other language marked `fallback`."""
        if locale in self.texts:
            return self.texts[locale]
        return replace(next(iter(self.texts.values())), fallback=True)
