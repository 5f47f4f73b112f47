"""Item analysis and score distribution for one module in one class (no free text ever)."""

from collections import Counter
from dataclasses import dataclass

from ..content.schema import Module
from ..extensions import db
from ..models import Enrollment, ModuleProgress, QuizAttempt, User

SCORE_BANDS = (0.2, 0.4, 0.6, 0.8, 1.0)  # upper bounds of 0–20 %, …, 80–100 %


@dataclass(frozen=True)
class ItemResult:
    question_id: str
    number: int
    prompt: str
    answered: int  # students with a first attempt that answered it
    right_first: int  # of them, right on the first attempt
    top_wrong: str | None  # the most chosen wrong answer's text
    top_wrong_count: int

    @property
    def share(self) -> float:
        return self.right_first / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class ModuleReport:
    completed: list[str]
    not_completed: list[str]
    bands: list[int]  # students whose best score falls in each band
    items: list[ItemResult]


def first_attempts(student_ids: list[int], slug: str) -> dict[int, QuizAttempt]:
    """Each student's first attempt at the module (one query)."""
    attempts = (
        db.session.execute(
            db.select(QuizAttempt)
            .where(QuizAttempt.user_id.in_(student_ids), QuizAttempt.module_slug == slug)
            .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
        ).scalars()
        if student_ids
        else []
    )
    first: dict[int, QuizAttempt] = {}
    for attempt in attempts:
        first.setdefault(attempt.user_id, attempt)
    return first


def analyse_items(module: Module, attempts, locale: str) -> list[ItemResult]:
    """Share right on the first attempt and the most chosen wrong answer, by question id."""
    items = []
    for number, question in enumerate(module.quiz.questions, start=1):
        answered = right = 0
        wrong = Counter()
        for attempt in attempts:
            chosen = attempt.answers.get(question.id)
            if not chosen:
                continue
            answered += 1
            if set(chosen) == set(question.correct_ids):
                right += 1
            else:
                wrong.update(c for c in chosen if question.choice(c) and not question.choice(c).correct)
        top = wrong.most_common(1)
        top_text = question.choice(top[0][0]).text[locale] if top else None
        items.append(
            ItemResult(
                question.id,
                number,
                question.prompt[locale],
                answered,
                right,
                top_text,
                top[0][1] if top else 0,
            )
        )
    return items


def build_module_report(classroom_id: int, module: Module, locale: str) -> ModuleReport:
    """Who completed the module, the best-score bands and the item analysis (three queries)."""
    students = db.session.execute(
        db.select(User.id, User.display_name, Enrollment.number)
        .join(Enrollment, Enrollment.student_id == User.id)
        .where(Enrollment.classroom_id == classroom_id, User.deactivated_at.is_(None))
        .order_by(Enrollment.number.is_(None), Enrollment.number, User.display_name)
    ).all()
    ids = [s.id for s in students]
    progress = (
        {
            p.user_id: p
            for p in db.session.execute(
                db.select(ModuleProgress).where(
                    ModuleProgress.user_id.in_(ids), ModuleProgress.module_slug == module.slug
                )
            ).scalars()
        }
        if ids
        else {}
    )
    done = {sid for sid, p in progress.items() if p.is_completed}
    bands = [0] * len(SCORE_BANDS)
    for p in progress.values():
        if p.best_score is not None:
            bands[next(i for i, top in enumerate(SCORE_BANDS) if p.best_score <= top + 1e-9)] += 1
    return ModuleReport(
        completed=[s.display_name for s in students if s.id in done],
        not_completed=[s.display_name for s in students if s.id not in done],
        bands=bands,
        items=analyse_items(module, first_attempts(ids, module.slug).values(), locale),
    )
