"""The class period's school (bench/classload.py): one school, N classes of 35 students with a
teacher each, every student module assigned, the first done last week and the second today's
lesson; every account with the app's own password hash, computed on every core. And what the
benchmark reads back and clears: the attempts made, the tables."""

import os
import random
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from multiprocessing import get_context

CLASS_SIZE = 35
STEPS = 7
SEED = int(os.environ.get("BENCH_SEED", "18"))

_hashing_app = None


def _hash(password: str) -> str:
    from dongui.school.accounts import hash_password

    with _hashing_app.app_context():
        return hash_password(password)


def make_hashes(app, passwords: list[str]) -> list[str]:
    """The app's own hash of each password, on every core (forked processes share the app)."""
    global _hashing_app
    _hashing_app = app
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1, mp_context=get_context("fork")) as pool:
        return list(pool.map(_hash, passwords, chunksize=8))


def passwords_for(count: int, prefix: str) -> list[str]:
    rng = random.Random(f"{SEED}-{prefix}")
    return [f"{prefix}-{n:03d}-{rng.getrandbits(40):010x}" for n in range(count)]


def seed_classes(classes: int, student_hashes: list[str], teacher_hashes: list[str]) -> dict:
    """One school, `classes` classes of 35 with a teacher each, every student module assigned,
    the first one done last week (progress and an attempt), the second one today's lesson."""
    from bench.seed import add_classes, add_people, assignments_of, insert_all
    from dongui.clock import utcnow
    from dongui.content import get_catalog
    from dongui.extensions import db
    from dongui.models import Assignment, Enrollment, ModuleProgress, QuizAttempt, Role, School

    now = utcnow()
    modules = get_catalog().student_modules()
    earlier, module = modules[0], modules[1]
    if module.step_count != STEPS or module.last_required_step != STEPS:
        raise SystemExit(f"the benchmark reads {STEPS} steps, but {module.slug} has {module.step_count}")
    school = School(name="종소리 학교", slug="bell", timezone="Asia/Seoul", default_locale="ko")
    db.session.add(school)
    db.session.flush()
    rows = [
        {
            "school_id": school.id,
            "username": f"bell-t{c:02d}",
            "display_name": f"교사{c:02d}",
            "role": Role.TEACHER,
            "password_hash": teacher_hashes[c],
        }
        for c in range(classes)
    ]
    rows += [
        {
            "school_id": school.id,
            "username": f"bell-s{n:03d}",
            "display_name": f"학생{n:03d}",
            "role": Role.STUDENT,
            "password_hash": student_hashes[n],
        }
        for n in range(classes * CLASS_SIZE)
    ]
    rows.append(
        {
            "school_id": school.id,
            "username": "bell-warm",
            "display_name": "준비",
            "role": Role.STUDENT,
            "password_hash": teacher_hashes[-1],
        }
    )  # in no class: warms the server up
    ids = add_people(rows, now)
    class_ids = add_classes(
        [
            {"school_id": school.id, "name": f"2학년 {c + 1}반", "join_code": f"BELL{c:02d}"}
            for c in range(classes)
        ],
        [ids[f"bell-t{c:02d}"] for c in range(classes)],
        now,
    )
    week_ago = now - timedelta(days=7)
    assignments, enrollments, progress, attempts = [], [], [], []
    for c, cid in enumerate(class_ids):
        assignments += assignments_of(cid, modules, now, first_due_days=0)
        for number in range(1, CLASS_SIZE + 1):
            user_id = ids[f"bell-s{c * CLASS_SIZE + number - 1:03d}"]
            enrollments.append(
                {"classroom_id": cid, "student_id": user_id, "number": number, "created_at": now}
            )
            progress.append(
                {
                    "user_id": user_id,
                    "module_slug": earlier.slug,
                    "started_at": week_ago,
                    "last_step": earlier.step_count,
                    "lesson_done_at": week_ago,
                    "quiz_passed_at": week_ago,
                    "best_score": 1.0,
                    "attempts": 1,
                    "content_hash": earlier.content_hash,
                }
            )
            attempts.append(
                {
                    "user_id": user_id,
                    "module_slug": earlier.slug,
                    "content_hash": earlier.content_hash,
                    "submitted_at": week_ago,
                    "score": len(earlier.quiz.questions),
                    "max_score": len(earlier.quiz.questions),
                    "passed": True,
                    "answers": {q.id: sorted(q.correct_ids) for q in earlier.quiz.questions},
                    "submit_token": f"bell-{user_id}-{earlier.slug}",
                }
            )
    insert_all(
        {Assignment: assignments, Enrollment: enrollments, ModuleProgress: progress, QuizAttempt: attempts}
    )
    db.session.commit()
    return {
        "module": module.slug,
        "class_ids": class_ids,
        "student_ids": [ids[f"bell-s{n:03d}"] for n in range(classes * CLASS_SIZE)],
    }


def count_attempts(slug: str, student_ids: list[int]) -> dict[int, int]:
    import sqlalchemy as sa

    from dongui.extensions import db
    from dongui.models import QuizAttempt

    query = (
        sa.select(QuizAttempt.user_id, sa.func.count())
        .where(QuizAttempt.module_slug == slug)
        .where(QuizAttempt.user_id.in_(student_ids))
        .group_by(QuizAttempt.user_id)
    )
    return dict(db.session.execute(query).all())


def table_names(engine) -> list[str]:
    import sqlalchemy as sa

    return sa.inspect(engine).get_table_names()


def empty_database(engine) -> None:
    """Drop every table (the migrations' and alembic_version) of the benchmark's database."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
