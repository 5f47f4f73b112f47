"""Results that cannot point at anyone: a class's, a school's and a district's, with intervals."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa

from ...content.surveys import Survey, SurveyItem
from ...extensions import db
from ...models import (
    CheckPhase,
    CheckTally,
    Classroom,
    School,
)
from . import ANSWER_SETS, BLANK, MIN_ANSWERS, Z95, min_answers


def wilson_interval(agree: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson's score interval for a share agree/n."""
    if n == 0:
        return 0.0, 1.0
    p = agree / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def difference_interval(
    agree_after: int, n_after: int, agree_before: int, n_before: int, z: float = Z95
) -> tuple[float, float, float]:
    """The change in the share who agree (after − before) with its 95 % interval, for two
    independent groups: Newcombe's hybrid score interval (1998, method 10), sound for the small
    groups a class gives. Returns (change, low, high)."""
    p1, p2 = agree_after / n_after, agree_before / n_before
    l1, u1 = wilson_interval(agree_after, n_after, z)
    l2, u2 = wilson_interval(agree_before, n_before, z)
    change = p1 - p2
    low = change - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = change + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return change, max(-1.0, low), min(1.0, high)


@dataclass(frozen=True)
class ItemResult:
    item: SurveyItem
    before: tuple[int, ...]  # answers per point, 1..scale
    after: tuple[int, ...]
    blank_before: int  # answer sets that left the statement blank
    blank_after: int
    agree_before: int
    agree_after: int

    @property
    def n_before(self) -> int:
        return sum(self.before)

    @property
    def n_after(self) -> int:
        return sum(self.after)

    @property
    def share_before(self) -> float:
        return self.agree_before / self.n_before if self.n_before else 0.0

    @property
    def share_after(self) -> float:
        return self.agree_after / self.n_after if self.n_after else 0.0

    @property
    def change(self) -> tuple[float, float, float] | None:
        """(change in the share who agree, low, high); None when a half has no answer to it."""
        if not self.n_before or not self.n_after:
            return None
        return difference_interval(self.agree_after, self.n_after, self.agree_before, self.n_before)

    @property
    def verdict(self) -> str:
        """aim: the share moved the way the module's goal hopes, and the interval excludes no
        change; against: it moved the other way; unclear: the interval includes no change (or a
        half has no answer to the statement)."""
        if self.change is None:
            return "unclear"
        _change, low, high = self.change
        if low <= 0 <= high:
            return "unclear"
        rising = low > 0
        return "aim" if rising == (self.item.aim == "agree") else "against"


@dataclass(frozen=True)
class CheckResults:
    survey: Survey
    k: int
    before: int  # answer sets released for the before half
    after: int
    items: tuple[ItemResult, ...]
    classes: int = 1  # classes whose answers are in the figures (a school's or a district's)

    @property
    def shown(self) -> bool:
        return self.before >= self.k and self.after >= self.k


def build_results(
    survey: Survey, k: int, counts: Mapping[tuple[CheckPhase, str, int], int], classes: int = 1
) -> CheckResults:
    """Results from tallies: {(phase, item id, point): answers}; the k rule applied."""
    agree = survey.agree_points

    def points(phase, item_id):
        return tuple(counts.get((phase, item_id, p), 0) for p in range(1, survey.scale + 1))

    before_sets = counts.get((CheckPhase.BEFORE, ANSWER_SETS, 0), 0)
    after_sets = counts.get((CheckPhase.AFTER, ANSWER_SETS, 0), 0)
    items = []
    for item in survey.items:
        before, after = points(CheckPhase.BEFORE, item.id), points(CheckPhase.AFTER, item.id)
        items.append(
            ItemResult(
                item,
                before,
                after,
                counts.get((CheckPhase.BEFORE, item.id, BLANK), 0),
                counts.get((CheckPhase.AFTER, item.id, BLANK), 0),
                sum(n for p, n in enumerate(before, 1) if p in agree),
                sum(n for p, n in enumerate(after, 1) if p in agree),
            )
        )
    return CheckResults(survey, k, before_sets, after_sets, tuple(items), classes)


def hidden(results: CheckResults) -> CheckResults:
    """The same results with every figure but the counts of answer sets taken out."""
    blank = tuple(
        ItemResult(i.item, (0,) * len(i.before), (0,) * len(i.after), 0, 0, 0, 0) for i in results.items
    )
    return CheckResults(results.survey, results.k, results.before, results.after, blank, results.classes)


def class_results(classroom: Classroom, survey: Survey) -> CheckResults:
    """A class's results (one query); below k, only the counts of answer sets."""
    counts = {
        (phase, item_id, point): n
        for phase, item_id, point, n in db.session.execute(
            db.select(CheckTally.phase, CheckTally.item_id, CheckTally.point, CheckTally.count).where(
                CheckTally.classroom_id == classroom.id, CheckTally.survey_id == survey.id
            )
        )
    }
    results = build_results(survey, min_answers(classroom.school), counts)
    return results if results.shown else hidden(results)


def passing_classes(survey: Survey, schools) -> sa.Select:
    """(class, school) of the classes whose before and after each have their school's k answer
    sets: the only classes any school or district figure adds up."""
    k = sa.case((School.check_min_answers < MIN_ANSWERS, MIN_ANSWERS), else_=School.check_min_answers)
    return (
        sa.select(CheckTally.classroom_id, Classroom.school_id)
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .join(School, School.id == Classroom.school_id)
        .where(
            CheckTally.survey_id == survey.id,
            CheckTally.item_id == ANSWER_SETS,
            Classroom.school_id.in_(schools),
        )
        .group_by(CheckTally.classroom_id, Classroom.school_id, School.check_min_answers)
        .having(sa.func.count() == 2, sa.func.min(CheckTally.count) >= k)
    )


def results_by_school(survey: Survey, schools, thresholds: Mapping[int, int]) -> dict[int, CheckResults]:
    """{school id: its results} over the classes that pass (`passing_classes`), for every school
    in `schools` (an id list or subquery) that has any: two queries whatever the number of
    schools. `thresholds`: each school's k."""
    # The passing classes first, as a list: the planner cannot guess how many a HAVING keeps, and
    # guessed few (a sort on disk of every tally, not a hash).
    passing = dict(db.session.execute(passing_classes(survey, schools)).all())
    classes: dict[int, int] = {}
    for school_id in passing.values():
        classes[school_id] = classes.get(school_id, 0) + 1
    counts: dict[int, dict] = {}
    for school_id, phase, item_id, point, n in db.session.execute(
        db.select(
            Classroom.school_id,
            CheckTally.phase,
            CheckTally.item_id,
            CheckTally.point,
            sa.func.sum(CheckTally.count),
        )
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .where(CheckTally.survey_id == survey.id, CheckTally.classroom_id.in_(list(passing)))
        .group_by(Classroom.school_id, CheckTally.phase, CheckTally.item_id, CheckTally.point)
    ):
        counts.setdefault(school_id, {})[(phase, item_id, point)] = int(n)
    return {
        school_id: build_results(survey, thresholds[school_id], school_counts, classes.get(school_id, 0))
        for school_id, school_counts in counts.items()
    }


def combine(survey: Survey, k: int, parts: list[CheckResults]) -> CheckResults:
    """Results that add up others already shown (a district's over its schools')."""
    counts: dict[tuple, int] = {}
    for part in parts:
        counts[(CheckPhase.BEFORE, ANSWER_SETS, 0)] = (
            counts.get((CheckPhase.BEFORE, ANSWER_SETS, 0), 0) + part.before
        )
        counts[(CheckPhase.AFTER, ANSWER_SETS, 0)] = (
            counts.get((CheckPhase.AFTER, ANSWER_SETS, 0), 0) + part.after
        )
        for item in part.items:
            for phase, values, blank in (
                (CheckPhase.BEFORE, item.before, item.blank_before),
                (CheckPhase.AFTER, item.after, item.blank_after),
            ):
                for point, n in enumerate((blank, *values)):
                    counts[(phase, item.item.id, point)] = counts.get((phase, item.item.id, point), 0) + n
    return build_results(survey, k, counts, sum(part.classes for part in parts))


def answer_counts_by_class(school_id: int, survey_id: str) -> dict[int, tuple[int, int]]:
    """{class: (answers released before, after)} for the school's classes that have any (one query)."""
    counts: dict[int, list[int]] = {}
    for class_id, phase, n in db.session.execute(
        db.select(CheckTally.classroom_id, CheckTally.phase, CheckTally.count)
        .join(Classroom, Classroom.id == CheckTally.classroom_id)
        .where(
            Classroom.school_id == school_id,
            CheckTally.survey_id == survey_id,
            CheckTally.item_id == ANSWER_SETS,
        )
    ):
        counts.setdefault(class_id, [0, 0])[0 if phase == CheckPhase.BEFORE else 1] = n
    return {class_id: (before, after) for class_id, (before, after) in counts.items()}


def school_results(school: School, survey: Survey) -> CheckResults:
    """The school's results: the sum of its classes that pass (three queries)."""
    k = min_answers(school)
    found = results_by_school(survey, [school.id], {school.id: k}).get(school.id)
    return found or build_results(survey, k, {}, classes=0)
