"""Shared world-building for the security tests: two schools, every object with a unique name.

`build_world(app)` writes, straight to the database, two schools (A and B), each with an admin and
two teachers; each teacher has a class (A1, A2, B1, B2) with two students (a "pupil" and a
"mate"), an assignment, an excusal, quiz attempts and three anonymous questions (answered, new
and hidden); audit events; and the school's own help contact. Every person, class, school,
contact and question carries a unique, recognisable text (`World.texts`), so a test can look
for any of them in a page it must not appear on. The admin of each school also co-teaches the
school's first class (admins can teach, DESIGN.md "Data model"). Two districts (교육청) hold one
school each, D school A and E school B, and D has a district admin.
"""

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import (
    Assignment,
    ClassQuestion,
    ClassTeacher,
    District,
    Enrollment,
    Excusal,
    ModuleProgress,
    QuestionStatus,
    QuizAttempt,
    Role,
    School,
)
from dongui.school.accounts import create_user
from dongui.school.audit import record_audit
from dongui.school.classes import create_classroom
from dongui.school.districts import add_school, create_district, create_district_admin
from tests.conftest import PASSWORD

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
SIDES = ("A", "B")
CLASSES = ("A1", "A2", "B1", "B2")
# Modules of the fixture curriculum (tests/content/good).
STUDENT_MODULE = "sample"
OTHER_STUDENT_MODULE = "korean-only"
STAFF_MODULE = "staff-only"
CSRF_TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
# Written by signed-in requests on their own schedule (last active, at most every few minutes; the
# question box's next daily release, by the school's first request after it) or by signing out
# (the session version moves on, so no copy of the cookie works): not changes a test looks for.
IGNORED_COLUMNS = {
    ("users", "last_seen_at"),
    ("schools", "question_release_at"),
    ("users", "session_version"),
    # Page-cache bookkeeping (school/versions.py): moves with "last active" too.
    ("classrooms", "data_version"),
    ("schools", "data_version"),
}


@dataclass
class World:
    """Ids by key ("pupil:A1", "class:B2", "question:A1", ...) and the texts that name them."""

    ids: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)
    usernames: dict = field(default_factory=dict)

    def __getitem__(self, key):
        return self.ids[key]

    def texts_except(self, visible) -> dict[str, str]:
        """{text: key} for every named object whose key `visible(key)` says the viewer may not see."""
        return {text: key for key, texts in self.texts.items() if not visible(key) for text in texts}


def side_of(key: str) -> str:
    """ "pupil:A1" → "A1"; "school:B" → "B"."""
    return key.split(":", 1)[1]


def _person(world: World, school: School, key: str, role: Role, display_name: str):
    username = "u-" + key.replace(":", "-").lower()
    user, _ = create_user(school, username, display_name, role, PASSWORD)
    world.ids[key] = user.id
    world.usernames[key] = username
    world.texts[key] = [display_name, username]
    return user


def _attempt(world: World, key: str, user_id: int, slug: str, score: int = 3) -> None:
    attempt = QuizAttempt(
        user_id=user_id,
        module_slug=slug,
        content_hash="h",
        submitted_at=T0,
        score=score,
        max_score=3,
        passed=score >= 2,
        answers={"q1": ["a"]},
        submit_token=f"world-{key}",
    )
    db.session.add(attempt)
    db.session.flush()
    world.ids[key] = attempt.id


def _question(
    world: World, key: str, classroom_id: int, body: str, status: QuestionStatus, answer: str | None = None
) -> None:
    question = ClassQuestion(
        classroom_id=classroom_id,
        body=body,
        created_on=date(2026, 11, 20),
        status=status,
        answer=answer,
        answered_at=T0 if answer else None,
    )
    db.session.add(question)
    db.session.flush()
    world.ids[key] = question.id
    world.texts[key] = [body, question.id] + ([answer] if answer else [])


def _classroom(world: World, school: School, teacher, side: str, admin) -> None:
    classroom = create_classroom(school, teacher, f"NmClass{side}", 2026)
    world.ids[f"class:{side}"] = classroom.id
    world.texts[f"class:{side}"] = [classroom.name, classroom.join_code]
    if side.endswith("1"):
        db.session.add(ClassTeacher(classroom_id=classroom.id, teacher_id=admin.id))
    pupil = _person(world, school, f"pupil:{side}", Role.STUDENT, f"NmPupil{side}")
    mate = _person(world, school, f"mate:{side}", Role.STUDENT, f"NmMate{side}")
    for number, student in enumerate((pupil, mate), start=1):
        db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id, number=number))
    assignment = Assignment(
        classroom_id=classroom.id,
        module_slug=STUDENT_MODULE,
        position=1,
        due_on=date(2026, 12, 1),
        assigned_by=teacher.id,
        assigned_at=T0,
    )
    db.session.add(assignment)
    db.session.add(
        Excusal(
            classroom_id=classroom.id,
            student_id=mate.id,
            module_slug=STUDENT_MODULE,
            excused_by=teacher.id,
            at=T0,
        )
    )
    db.session.flush()
    world.ids[f"assignment:{side}"] = assignment.id
    for student in (pupil, mate):
        db.session.add(
            ModuleProgress(
                user_id=student.id,
                module_slug=STUDENT_MODULE,
                started_at=T0,
                last_step=2,
                lesson_done_at=T0,
                quiz_passed_at=T0,
                best_score=1.0,
                attempts=1,
                content_hash="h",
            )
        )
    _attempt(world, f"attempt:{side}", pupil.id, STUDENT_MODULE)
    _attempt(world, f"attempt-other:{side}", pupil.id, OTHER_STUDENT_MODULE)
    _attempt(world, f"attempt-mate:{side}", mate.id, STUDENT_MODULE, score=1)
    _attempt(world, f"attempt-teacher:{side}", teacher.id, STUDENT_MODULE)
    _question(
        world,
        f"question:{side}",
        classroom.id,
        f"NmQuestion{side}",
        QuestionStatus.ANSWERED,
        answer=f"NmAnswer{side}",
    )
    _question(world, f"newq:{side}", classroom.id, f"NmNewQuestion{side}", QuestionStatus.NEW)
    _question(world, f"hiddenq:{side}", classroom.id, f"NmHiddenQuestion{side}", QuestionStatus.HIDDEN)
    record_audit(
        school.id,
        teacher.id,
        "student.excuse",
        "user",
        mate.id,
        classroom=classroom.id,
        module=STUDENT_MODULE,
    )
    record_audit(school.id, teacher.id, "class.export", "classroom", classroom.id)


def build_world(app) -> World:
    """Two schools, each with an admin, two teachers, their classes, students and activity."""
    world = World()
    with app.app_context():
        for side in SIDES:
            school = School(
                name=f"NmSchool{side}",
                slug=f"nm-school-{side.lower()}",
                help_contacts=[{"name": f"NmContact{side}", "phone": "02-000-0000", "note": ""}],
            )
            db.session.add(school)
            db.session.flush()
            world.ids[f"school:{side}"] = school.id
            world.ids[f"contact:{side}"] = school.id
            world.texts[f"school:{side}"] = [school.name]
            world.texts[f"contact:{side}"] = [f"NmContact{side}"]
            admin = _person(world, school, f"admin:{side}", Role.ADMIN, f"NmAdmin{side}")
            _attempt(world, f"attempt-admin:{side}", admin.id, STUDENT_MODULE)
            for number in (1, 2):
                teacher = _person(
                    world, school, f"teacher:{side}{number}", Role.TEACHER, f"NmTeacher{side}{number}"
                )
                record_audit(school.id, admin.id, "teacher.create", "user", teacher.id)
                _classroom(world, school, teacher, f"{side}{number}", admin)
        _districts(world)
        db.session.commit()
    return world


def _districts(world: World) -> None:
    """District D (school A, with its district admin) and district E (school B)."""
    for key, side in (("D", "A"), ("E", "B")):
        district = create_district(f"NmDistrict{key}", f"nm-district-{key.lower()}")
        add_school(district, db.session.get(School, world[f"school:{side}"]))
        world.ids[f"district:{key}"] = district.id
        world.texts[f"district:{key}"] = [district.name]
    district = db.session.get(District, world["district:D"])
    user, _ = create_district_admin(district, "u-dadmin-d", "NmDistrictAdminD", PASSWORD)
    world.ids["dadmin:D"] = user.id
    world.usernames["dadmin:D"] = user.username
    world.texts["dadmin:D"] = [user.display_name, user.username]


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table (as sortable text), to prove that a request changed nothing."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            rows = db.session.execute(sa.select(*columns)).all()
            tables[table.name] = sorted(tuple(repr(value) for value in row) for row in rows)
        db.session.remove()
        return tables


def changes(before: dict, after: dict) -> dict[str, dict]:
    """{table: {"removed": [...], "added": [...]}} for every table that differs."""
    diff = {}
    for name in sorted(set(before) | set(after)):
        old, new = set(before.get(name, [])), set(after.get(name, []))
        if old != new:
            diff[name] = {"removed": sorted(old - new), "added": sorted(new - old)}
    return diff


def csrf_token_of(client, path: str = "/login") -> str:
    """A CSRF token from a page's form (the layout's language switch has one on every page)."""
    page = client.get(path).get_data(as_text=True)
    match = CSRF_TOKEN.search(page)
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def login_with_csrf(client, username: str, password: str = PASSWORD):
    """Sign in when CSRF protection is on (the test default has it off)."""
    token = csrf_token_of(client, "/login")
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 302, f"{username} could not sign in"
    return response
