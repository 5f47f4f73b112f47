"""The demo school that `flask demo seed` creates for trying Dongui out."""

import random
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from .clock import utcnow
from .config import ConfigurationError, is_production
from .content import get_catalog
from .extensions import db
from .models import (
    Assignment,
    Classroom,
    ClassTeacher,
    Enrollment,
    ModuleProgress,
    QuizAttempt,
    Role,
    School,
    User,
)
from .school.accounts import create_user, hash_password
from .school.classes import create_classroom
from .school.grading import grade

DEMO_SLUG = "demo"
# Long enough for staff accounts (dongui/auth/passwords.py); every demo account shares it.
DEMO_PASSWORD = "dongui-demo-2026"
STUDENTS_PER_CLASS = 15
DEMO_YEAR = 2026
# Common Korean names, as a real class list would have them.
DEMO_STUDENT_NAMES = (
    "김민준",
    "이서연",
    "박지호",
    "최하은",
    "정도윤",
    "강지우",
    "조서준",
    "윤수아",
    "장예준",
    "임지민",
    "한시우",
    "오하윤",
    "서주원",
    "신채원",
    "권유준",
    "황다은",
    "안은우",
    "송서윤",
    "류건우",
    "전지아",
    "홍현우",
    "고민서",
    "문선우",
    "양예린",
    "손지환",
    "배소율",
    "백준서",
    "허윤서",
    "유태윤",
    "남가은",
)
DEMO_CLASSES = (
    ("demo-teacher", "김선영", "2학년 3반"),
    ("demo-teacher2", "박준호", "2학년 4반"),
)
DEMO_CONTACTS = [
    {
        "name": "상담 선생님 (Wee 클래스)",
        "phone": "",
        "note": "본관 2층 Wee 클래스, 점심시간과 방과 후",
        "name_en": "School counsellor (Wee class)",
        "note_en": "Main building, 2nd floor, at lunch and after school",
    },
]


def find_demo_school() -> School | None:
    return db.session.execute(db.select(School).filter_by(is_demo=True)).scalars().first()


def seed_demo(password: str = DEMO_PASSWORD) -> School | None:
    """Create the demo school, or return None when one is there already."""
    if find_demo_school() is not None:
        return None
    school = School(
        name="동의중학교 (데모)",
        slug=DEMO_SLUG,
        timezone="Asia/Seoul",
        default_locale="ko",
        help_contacts=DEMO_CONTACTS,
        is_demo=True,
    )
    db.session.add(school)
    shared_hash = hash_password(password)  # one hash for all: seeding stays fast with scrypt
    create_user(school, "demo-admin", "이정민 (관리자)", Role.ADMIN, password_hash=shared_hash)
    names = iter(DEMO_STUDENT_NAMES)
    student_number = 0
    for username, teacher_name, class_name in DEMO_CLASSES:
        teacher, _ = create_user(school, username, teacher_name, Role.TEACHER, password_hash=shared_hash)
        classroom = create_classroom(school, teacher, class_name, DEMO_YEAR)
        for number in range(1, STUDENTS_PER_CLASS + 1):
            student_number += 1
            student, _ = create_user(
                school,
                f"demo-student{student_number:02d}",
                next(names),
                Role.STUDENT,
                password_hash=shared_hash,
            )
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id, number=number))
    db.session.flush()
    seed_demo_progress(school)
    return school


def refuse_demo_data_in_production(app) -> None:
    """Production refuses to start while the demo school is in the database.

    It uses one short-lived connection and disposes the pool afterwards, so no connection
    is inherited by forked workers.
    """
    with app.app_context():
        try:
            has_demo = find_demo_school() is not None
        except sa.exc.SQLAlchemyError:
            has_demo = False  # no schema yet: nothing to refuse
        finally:
            db.session.remove()
            db.engine.dispose()
    if has_demo:
        raise ConfigurationError(
            "DONGUI_ENV=production refuses to start with the demo school in the database: "
            "use a fresh database for production."
        )


def refuse_seed_in_production() -> None:
    if is_production(current_app.config):
        raise ConfigurationError("The demo school is for trying Dongui out, not for production.")


# Realistic progress so a first dashboard is alive: (module, days from today to the due date).
DEMO_ASSIGNMENTS = (
    ("start-safely", -14),
    ("consent-basics", -3),
    ("digital-consent", 7),
    ("understanding-deepfakes", 21),
)


def seed_demo_progress(school: School) -> None:
    """Assign modules to the demo classes and give students varied progress and attempts."""
    catalog = get_catalog()
    rng = random.Random(2024)
    today = utcnow().date()
    classes = db.session.execute(db.select(Classroom).filter_by(school_id=school.id)).scalars().all()
    for classroom in classes:
        teacher_id = (
            db.session.execute(db.select(ClassTeacher.teacher_id).filter_by(classroom_id=classroom.id))
            .scalars()
            .first()
        )
        modules = [(catalog.module(slug), days) for slug, days in DEMO_ASSIGNMENTS if catalog.module(slug)]
        for position, (module, days) in enumerate(modules, start=1):
            db.session.add(
                Assignment(
                    classroom_id=classroom.id,
                    module_slug=module.slug,
                    position=position,
                    due_on=today + timedelta(days=days),
                    assigned_by=teacher_id,
                )
            )
        student_ids = (
            db.session.execute(db.select(Enrollment.student_id).filter_by(classroom_id=classroom.id))
            .scalars()
            .all()
        )
        for student_id in student_ids:
            diligence = rng.random()
            for index, (module, _days) in enumerate(modules):
                reach = diligence * len(modules) - index
                if reach <= 0:
                    continue
                seed_student_module(student_id, module, min(reach, 1.0), rng, grade)
    db.session.flush()


def seed_student_module(student_id, module, how_far: float, rng, grade) -> None:
    started = utcnow() - timedelta(days=rng.randint(1, 10))
    progress = ModuleProgress(
        user_id=student_id,
        module_slug=module.slug,
        started_at=started,
        last_step=max(1, round(module.step_count * min(how_far * 1.4, 1))),
        attempts=0,
        content_hash=module.content_hash,
    )
    db.session.add(progress)
    student = db.session.get(User, student_id)
    student.last_seen_at = max(filter(None, [student.last_seen_at, started]))
    if how_far < 0.7:
        return
    progress.lesson_done_at = started + timedelta(minutes=rng.randint(15, 40))
    best = None
    for attempt_number in range(rng.choice((1, 1, 2, 3))):
        skill = min(0.95, 0.45 + how_far * 0.3 + attempt_number * 0.2)
        answers = {}
        for question in module.quiz.questions:
            if rng.random() < skill:
                answers[question.id] = question.correct_ids
            else:
                wrong = [c.id for c in question.choices if not c.correct] or [question.choices[0].id]
                answers[question.id] = frozenset([rng.choice(wrong)])
        result = grade(module.quiz, answers)
        submitted = progress.lesson_done_at + timedelta(minutes=5 + 10 * attempt_number)
        db.session.add(
            QuizAttempt(
                user_id=student_id,
                module_slug=module.slug,
                content_hash=module.content_hash,
                submitted_at=submitted,
                score=result.score,
                max_score=result.max_score,
                passed=result.passed,
                answers={q: sorted(c) for q, c in answers.items()},
                submit_token=f"demo-{student_id}-{module.slug}-{attempt_number}",
            )
        )
        progress.attempts += 1
        best = max(best or 0.0, result.share)
        if result.passed and progress.quiz_passed_at is None:
            progress.quiz_passed_at = submitted
    progress.best_score = round(best, 4) if best is not None else None
