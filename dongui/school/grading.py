"""Scoring a quiz: a pure function of the quiz and the chosen answers."""

from dataclasses import dataclass

from ..content.schema import Quiz


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    chosen: frozenset
    correct: bool


@dataclass(frozen=True)
class Grade:
    score: int
    max_score: int
    passed: bool
    results: tuple[QuestionResult, ...]

    @property
    def share(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


def grade(quiz: Quiz, answers: dict[str, frozenset]) -> Grade:
    """One point per question; a `multiple` question scores only for exactly the right set.

    A practice quiz (`graded: false`) passes on submission, whatever the score.
    """
    results = tuple(
        QuestionResult(
            q.id, frozenset(answers.get(q.id, ())), frozenset(answers.get(q.id, ())) == q.correct_ids
        )
        for q in quiz.questions
    )
    score = sum(1 for r in results if r.correct)
    max_score = len(results)
    passed = (not quiz.graded) or (max_score > 0 and score / max_score >= quiz.pass_mark - 1e-9)
    return Grade(score=score, max_score=max_score, passed=passed, results=results)
