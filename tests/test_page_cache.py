"""Exact caching of the class dashboard and the school report: data versions that every write
moves on in its own transaction, a read model kept per version, and ETags (304 on reload)."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import (
    Assignment,
    ClassParticipation,
    Classroom,
    Enrollment,
    Excusal,
    LetterSlip,
    ModuleProgress,
    QuizAttempt,
    Role,
    School,
    User,
)
from dongui.school import questions as box
from tests.conftest import login

RIGHT = {"q-q1": "a", "q-q2": ["a", "b"], "q-q3": "b"}


@pytest.fixture
def world(app, make_user, make_school, make_classroom):
    school = make_school(slug="cache")
    teacher = make_user(role=Role.TEACHER, username="teacher", school_id=school)
    admin = make_user(role=Role.ADMIN, username="boss", school_id=school)
    pupil = make_user(username="pupil", school_id=school, display_name="학생하나")
    other = make_user(username="other", school_id=school)
    class_id = make_classroom(teacher, students=[pupil, other])
    second_class = make_classroom(teacher, students=[other], name="2학년 4반")
    with app.app_context():
        db.session.add(Assignment(classroom_id=class_id, module_slug="sample", position=1))
        db.session.commit()
    return {
        "school": school,
        "class": class_id,
        "second": second_class,
        "pupil": pupil,
        "other": other,
        "teacher": teacher,
        "admin": admin,
    }


def versions(app, world) -> tuple[int, int, int]:
    with app.app_context():
        first = db.session.get(Classroom, world["class"]).data_version
        second = db.session.get(Classroom, world["second"]).data_version
        school = db.session.get(School, world["school"]).data_version
        return first, second, school


def quiz_token(client) -> str:
    page = client.get("/learn/sample/quiz").get_data(as_text=True)
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def pupil_row(page: str) -> str:
    return re.search(r"학생하나.*?</tr>", page, re.S).group(0)


def test_a_cached_dashboard_shows_a_new_attempt_on_the_very_next_request(app, world):
    teacher, pupil = app.test_client(), app.test_client()
    login(teacher, "teacher")
    login(pupil, "pupil")
    path = f"/teach/classes/{world['class']}"
    first = teacher.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert teacher.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    pupil.post("/learn/sample/quiz", data={"token": quiz_token(pupil), **RIGHT})

    again = teacher.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    before, after = (pupil_row(page.get_data(as_text=True)) for page in (first, again))
    assert "cell-not_started" in before and "cell-in_progress" in after  # at once


def test_the_kept_grid_follows_the_sort_the_filter_the_language_and_the_data(app, world):
    teacher, pupil = app.test_client(), app.test_client()
    login(teacher, "teacher")
    login(pupil, "pupil")
    path = f"/teach/classes/{world['class']}"

    def grid(query="", **headers) -> str:
        page = teacher.get(path + query, headers=headers).get_data(as_text=True)
        return page[page.index('<div class="table-wrap grid-wrap">') :]

    def order(page: str) -> list[str]:
        return re.findall(r'<th scope="row".*?<a href="[^"]+">([^<]+)</a>', page)

    by_number, by_name = grid(), grid("?sort=name")
    assert by_number == grid()  # a reload is the kept grid
    assert order(by_name) == sorted(order(by_name)) and len(order(by_name)) == 2
    assert "학생하나" in grid("?show=incomplete")
    teacher.post("/lang", data={"lang": "en", "next": path})
    assert "Progress of each student in each assigned module" in grid()

    before = pupil_row(grid())
    pupil.post("/learn/sample/quiz", data={"token": quiz_token(pupil), **RIGHT})
    assert "cell-not_started" in before and "cell-in_progress" in pupil_row(grid())


def test_the_school_report_answers_304_until_something_changes(app, world):
    admin, pupil = app.test_client(), app.test_client()
    login(admin, "boss")
    first = admin.get("/admin")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    unchanged = admin.get("/admin", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.get_data() == b""
    login(pupil, "pupil")
    pupil.get("/learn")  # a first visit: one fewer who never signed in
    assert admin.get("/admin", headers={"If-None-Match": etag}).status_code == 200


def test_an_etag_is_only_good_for_the_viewer_and_session_that_got_it(app, world, make_user):
    make_user(role=Role.TEACHER, username="coteacher", school_id=world["school"])
    with app.app_context():
        from dongui.models import ClassTeacher

        coteacher = db.session.execute(sa.select(User.id).filter_by(username="coteacher")).scalar_one()
        db.session.add(ClassTeacher(classroom_id=world["class"], teacher_id=coteacher))
        db.session.commit()
    path = f"/teach/classes/{world['class']}"
    mine, theirs = app.test_client(), app.test_client()
    login(mine, "teacher")
    login(theirs, "coteacher")
    etag = mine.get(path).headers["ETag"]
    assert theirs.get(path, headers={"If-None-Match": etag}).status_code == 200
    mine.post("/logout")
    login(mine, "teacher")  # a new session: a new CSRF token, so a new page
    assert mine.get(path, headers={"If-None-Match": etag}).status_code == 200


def test_sign_out_clears_what_the_browser_kept(client, world):
    login(client, "teacher")
    assert client.post("/logout").headers["Clear-Site-Data"] == '"cache"'


def test_a_waiting_message_is_never_hidden_behind_a_304(app, client, world):
    login(client, "teacher")
    path = f"/teach/classes/{world['class']}"
    etag = client.get(path).headers["ETag"]
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "저장했어요.")]
    response = client.get(path, headers={"If-None-Match": etag})
    assert response.status_code == 200 and "저장했어요." in response.get_data(as_text=True)


def write(app, change):
    with app.app_context():
        change()
        db.session.commit()


def progress_row(app, user_id):
    return db.session.execute(sa.select(ModuleProgress).filter_by(user_id=user_id)).scalar_one()


@pytest.mark.parametrize(
    "name",
    [
        "progress",
        "bulk progress update",
        "assignment",
        "excusal",
        "enrolment",
        "bulk unenrolment",
        "rename",
        "deactivation",
        "participation",
        "slip",
    ],
)
def test_every_write_the_dashboard_shows_moves_the_class_on_and_no_other(app, world, name):
    pupil, first_class = world["pupil"], world["class"]
    write(app, lambda: db.session.add(ModuleProgress(user_id=pupil, module_slug="sample", last_step=1)))
    changes = {
        "progress": lambda: setattr(progress_row(app, pupil), "last_step", 2),
        "bulk progress update": lambda: db.session.execute(
            sa.update(ModuleProgress).where(ModuleProgress.user_id == pupil).values(last_step=3)
        ),
        "assignment": lambda: db.session.add(
            Assignment(
                classroom_id=first_class, module_slug="korean-only", position=2, due_on=date(2026, 12, 1)
            )
        ),
        "excusal": lambda: db.session.add(
            Excusal(classroom_id=first_class, student_id=pupil, module_slug="sample")
        ),
        "enrolment": lambda: db.session.add(
            Enrollment(classroom_id=first_class, student_id=world["teacher"])  # anyone new in the list
        ),
        "bulk unenrolment": lambda: db.session.execute(
            sa.delete(Enrollment).where(
                Enrollment.classroom_id == first_class, Enrollment.student_id == pupil
            )
        ),
        "rename": lambda: setattr(db.session.get(Classroom, first_class), "name", "3학년 1반"),
        "deactivation": lambda: setattr(db.session.get(User, pupil), "display_name", "새 이름"),
        "participation": lambda: db.session.add(
            ClassParticipation(
                classroom_id=first_class,
                student_id=pupil,
                module_slug="sample",
                attended_on=date(2026, 11, 25),
            )
        ),
        "slip": lambda: db.session.add(
            LetterSlip(classroom_id=first_class, student_id=pupil, returned_on=date(2026, 11, 25))
        ),
    }
    first, second, school = versions(app, world)
    write(app, changes[name])
    now = versions(app, world)
    assert now[0] > first, name
    if name == "progress":  # a step read: the school report counts completed modules only
        assert now[2] == school, f"{name}: the school report stays cached"
    else:
        assert now[2] > school, name
    assert now[1] == second, f"{name}: a class the pupil is not in stays cached"


def test_the_school_moves_on_only_with_what_its_report_shows(app, world):
    """The school report reads progress as completed or not, no attempt, and of "last active"
    only whether a student ever signed in: the writes of a lesson leave it cached until a
    module is completed, and the class moves on with each of them."""
    pupil = world["pupil"]
    now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)

    def step(change, school_moves: bool):
        first, _second, school = versions(app, world)
        write(app, change)
        after = versions(app, world)
        assert after[0] > first
        assert (after[2] > school) is school_moves

    step(lambda: setattr(db.session.get(User, pupil), "last_seen_at", now), True)  # first sign-in
    step(lambda: setattr(db.session.get(User, pupil), "last_seen_at", now + timedelta(days=1)), False)
    step(lambda: db.session.add(ModuleProgress(user_id=pupil, module_slug="sample", last_step=1)), False)
    step(lambda: setattr(progress_row(app, pupil), "last_step", 2), False)
    step(lambda: setattr(progress_row(app, pupil), "lesson_done_at", now), False)
    step(
        lambda: db.session.add(
            QuizAttempt(
                user_id=pupil,
                module_slug="sample",
                content_hash="h",
                submitted_at=now,
                score=1,
                max_score=2,
                passed=False,
                answers={},
                submit_token="t-1",
            )
        ),
        False,
    )
    step(lambda: setattr(progress_row(app, pupil), "quiz_passed_at", now), True)  # completed
    step(lambda: setattr(db.session.get(User, pupil), "display_name", "새 이름"), True)
    step(lambda: db.session.delete(progress_row(app, pupil)), True)  # a reset


def test_a_school_setting_moves_every_class_on(app, world):
    first, second, school = versions(app, world)
    write(app, lambda: setattr(db.session.get(School, world["school"]), "participation_completes", True))
    assert all(new > old for new, old in zip(versions(app, world), (first, second, school), strict=True))


def test_erasing_a_student_moves_their_classes_on(app, world):
    before = versions(app, world)
    write(app, lambda: db.session.execute(sa.delete(User).where(User.id == world["other"])))
    after = versions(app, world)
    assert after[0] > before[0] and after[1] > before[1] and after[2] > before[2]


def test_a_rolled_back_write_moves_nothing(app, world):
    before = versions(app, world)
    with app.app_context():
        db.session.get(Classroom, world["class"]).name = "취소될 이름"
        db.session.flush()
        db.session.rollback()
        db.session.commit()
    assert versions(app, world) == before


def test_asking_a_question_moves_no_version(app, client, world):
    """A version that moved when a student asked would mark the moment they asked."""
    login(client, "pupil")
    before = versions(app, world)
    client.get(f"/learn/classes/{world['class']}")
    client.post(f"/learn/classes/{world['class']}", data={"body": "물어봐도 될까요?"})
    with app.app_context():
        assert box.release_all_due() >= 0
    assert versions(app, world) == before
