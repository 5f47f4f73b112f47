"""Seed a benchmark school: 2,000 students in 60 classes, every module assigned, progress and
attempts for every student in every module (bulk inserts: seconds, not minutes)."""

import random
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from dongui.clock import utcnow
from dongui.content import get_catalog
from dongui.extensions import db
from dongui.models import (
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

PASSWORD = "bench-password"
STUDENTS = 2000
CLASSES = 60
BIG_CLASS = 40  # the first class: the dashboard budget is for 40 students × the modules


def last_seen(rng: random.Random, now):
    """Some time in the last two weeks, to the second, or never (one in twenty)."""
    return None if rng.random() < 0.05 else now - timedelta(seconds=rng.randrange(14 * 24 * 3600))


def add_people(rows: list[dict], now) -> dict[str, int]:
    """Insert users in bulk, with what every seeded account shares; returns username → id."""
    for row in rows:
        row.update(must_change_password=False, session_version=1, created_at=now)
    db.session.execute(sa.insert(User), rows)
    return dict(db.session.execute(sa.select(User.username, User.id)).all())


def add_classes(rows: list[dict], teacher_ids: list[int], now) -> list[int]:
    """Insert classes in bulk, each with its teacher (in the same order); returns their ids."""
    db.session.execute(sa.insert(Classroom), [{**row, "year": 2026, "created_at": now} for row in rows])
    class_ids = list(db.session.execute(sa.select(Classroom.id).order_by(Classroom.id)).scalars())
    db.session.execute(
        sa.insert(ClassTeacher),
        [{"classroom_id": cid, "teacher_id": tid} for cid, tid in zip(class_ids, teacher_ids, strict=True)],
    )
    return class_ids


def assignments_of(class_id: int, modules, now, first_due_days: int) -> list[dict]:
    """Every module assigned to the class in order, one a week, the first due in
    `first_due_days` days (negative: already past)."""
    return [
        {
            "classroom_id": class_id,
            "module_slug": module.slug,
            "position": position,
            "due_on": (now + timedelta(days=first_due_days + (position - 1) * 7)).date(),
            "assigned_at": now,
        }
        for position, module in enumerate(modules, start=1)
    ]


def insert_all(tables: dict) -> None:
    """Bulk-insert each model's rows, in the order given."""
    for model, rows in tables.items():
        if rows:
            db.session.execute(sa.insert(model), rows)


def seed(students: int = STUDENTS, classes: int = CLASSES) -> dict:
    rng = random.Random(7)
    now = utcnow()
    catalog = get_catalog()
    modules = catalog.student_modules()
    password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    school = School(name="벤치마크 학교", slug="bench", timezone="Asia/Seoul", default_locale="ko")
    db.session.add(school)
    db.session.flush()
    users = [
        {
            "school_id": school.id,
            "username": "bench-admin",
            "display_name": "관리자",
            "role": Role.ADMIN,
            "password_hash": password_hash,
        }
    ]
    users += [
        {
            "school_id": school.id,
            "username": f"bench-t{c:02d}",
            "display_name": f"교사{c:02d}",
            "role": Role.TEACHER,
            "password_hash": password_hash,
        }
        for c in range(classes)
    ]
    users += [
        {
            "school_id": school.id,
            "username": f"bench-s{n:04d}",
            "display_name": f"학생{n:04d}",
            "role": Role.STUDENT,
            "password_hash": password_hash,
            "last_seen_at": last_seen(rng, now),
        }
        for n in range(students)
    ]
    ids = add_people(users, now)
    class_ids = add_classes(
        [
            {"school_id": school.id, "name": f"{c // 10 + 1}학년 {c % 10 + 1}반", "join_code": f"B{c:05d}"}
            for c in range(classes)
        ],
        [ids[f"bench-t{c:02d}"] for c in range(classes)],
        now,
    )
    rest = students - BIG_CLASS
    sizes = [BIG_CLASS] + [
        rest // (classes - 1) + (1 if i < rest % (classes - 1) else 0) for i in range(classes - 1)
    ]
    enrollments, progress, attempts, assignments = [], [], [], []
    student_no = 0
    for cid, size in zip(class_ids, sizes, strict=True):
        assignments += assignments_of(cid, modules, now, first_due_days=-13)
        for number in range(1, size + 1):
            user_id = ids[f"bench-s{student_no:04d}"]
            student_no += 1
            enrollments.append(
                {"classroom_id": cid, "student_id": user_id, "number": number, "created_at": now}
            )
            for module in modules:
                done = rng.random()
                passed = done > 0.4
                progress.append(
                    {
                        "user_id": user_id,
                        "module_slug": module.slug,
                        "started_at": now,
                        "last_step": max(1, round(module.step_count * min(1, done * 1.5))),
                        "lesson_done_at": now if done > 0.3 else None,
                        "quiz_passed_at": now if passed else None,
                        "best_score": round(0.5 + done / 2, 2),
                        "attempts": 1,
                        "content_hash": module.content_hash,
                    }
                )
                answers = {
                    q.id: sorted(q.correct_ids) if rng.random() < 0.7 else [q.choices[0].id]
                    for q in module.quiz.questions
                }
                attempts.append(
                    {
                        "user_id": user_id,
                        "module_slug": module.slug,
                        "content_hash": module.content_hash,
                        "submitted_at": now,
                        "score": 5,
                        "max_score": len(module.quiz.questions),
                        "passed": passed,
                        "answers": answers,
                        "submit_token": f"b{user_id}-{module.slug}",
                    }
                )
    insert_all(
        {Enrollment: enrollments, Assignment: assignments, ModuleProgress: progress, QuizAttempt: attempts}
    )
    # An empty class of the first teacher, for the roster-import measurement.
    import_class = db.session.execute(
        sa.insert(Classroom)
        .values(school_id=school.id, name="가져오기 반", year=2026, join_code="BIMPORT", created_at=now)
        .returning(Classroom.id)
    ).scalar_one()
    db.session.execute(
        sa.insert(ClassTeacher), [{"classroom_id": import_class, "teacher_id": ids["bench-t00"]}]
    )
    db.session.commit()
    return {
        "big_class": class_ids[0],
        "import_class": import_class,
        "teacher": "bench-t00",
        "admin": "bench-admin",
        "student": "bench-s0000",
        "module": modules[1].slug,
        "password": PASSWORD,
        "student_ids": [ids[f"bench-s{n:04d}"] for n in range(10)],
    }
