"""The demo school that `flask demo seed` creates for trying Dongui out."""

import sqlalchemy as sa
from flask import current_app

from .auth.accounts import create_user, hash_password
from .errors import ConfigurationError
from .extensions import db
from .models import Enrollment, Role, School
from .teach.classes import create_classroom

DEMO_SLUG = "demo"
DEMO_PASSWORD = "dongui-demo"
STUDENTS_PER_CLASS = 15
DEMO_YEAR = 2026
# Common Korean names, as a real class list would have them.
DEMO_STUDENT_NAMES = (
    "김민준", "이서연", "박지호", "최하은", "정도윤", "강지우", "조서준", "윤수아", "장예준", "임지민",
    "한시우", "오하윤", "서주원", "신채원", "권유준", "황다은", "안은우", "송서윤", "류건우", "전지아",
    "홍현우", "고민서", "문선우", "양예린", "손지환", "배소율", "백준서", "허윤서", "유태윤", "남가은",
)
DEMO_CLASSES = (
    ("demo-teacher", "김선영 선생님", "2학년 3반"),
    ("demo-teacher2", "박준호 선생님", "2학년 4반"),
)
DEMO_CONTACTS = [
    {"name": "상담 선생님 (Wee 클래스) · School counsellor (Wee class)",
     "phone": "", "note": "본관 2층 Wee 클래스, 점심시간과 방과 후 · Main building, 2nd floor"},
]


def find_demo_school() -> School | None:
    return db.session.execute(db.select(School).filter_by(is_demo=True)).scalars().first()


def seed_demo(password: str = DEMO_PASSWORD) -> School | None:
    """Create the demo school, or return None when one is there already."""
    if find_demo_school() is not None:
        return None
    school = School(
        name="동의중학교 (데모)", slug=DEMO_SLUG, timezone="Asia/Seoul", default_locale="ko",
        help_contacts=DEMO_CONTACTS, is_demo=True,
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
            student, _ = create_user(school, f"demo-student{student_number:02d}", next(names),
                                     Role.STUDENT, password_hash=shared_hash)
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id, number=number))
    db.session.flush()
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
    from .config import is_production

    if is_production(current_app.config):
        raise ConfigurationError("The demo school is for trying Dongui out, not for production.")
