"""A student's data on request: export, erasure, purge of the inactive, and the activity log."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import (
    AuditEvent,
    ClassQuestion,
    Enrollment,
    Excusal,
    ModuleProgress,
    QuizAttempt,
    Role,
    User,
)
from dongui.school import privacy
from dongui.school.audit import USER_ID_KEYS, record_audit
from tests.conftest import login

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)


@pytest.fixture
def school(make_school):
    return make_school(slug="hanbit")


@pytest.fixture
def admin(client, make_user, school):
    """The school's admin, signed in on `client` and reading English."""
    admin_id = make_user(role=Role.ADMIN, username="boss", school_id=school, display_name="교감 선생님")
    login(client, "boss")
    client.set_cookie("lang", "en")
    return admin_id


@pytest.fixture
def classes(make_user, make_classroom, school):
    """A teacher with two classes: 지우 is in both, 민준 only in the first."""
    teacher = make_user(role=Role.TEACHER, username="teacher", school_id=school, display_name="박선생")
    jiwoo = make_user(username="jiwoo", school_id=school, display_name="김지우")
    minjun = make_user(username="minjun", school_id=school, display_name="이민준")
    first = make_classroom(teacher, students=[jiwoo, minjun], name="2학년 3반")
    second = make_classroom(teacher, students=[jiwoo], name="방과후 1반")
    return {"teacher": teacher, "jiwoo": jiwoo, "minjun": minjun, "first": first, "second": second}


def add_activity(app, student_id, classroom_id, teacher_id, slug="sample", score=3):
    """Progress, an attempt, an excusal and log entries for one student."""
    with app.app_context():
        school_id = db.session.get(User, student_id).school_id
        db.session.add(
            ModuleProgress(
                user_id=student_id,
                module_slug=slug,
                started_at=T0,
                last_step=2,
                lesson_done_at=T0,
                quiz_passed_at=T0,
                best_score=1.0,
                attempts=1,
                content_hash="h",
            )
        )
        db.session.add(
            QuizAttempt(
                user_id=student_id,
                module_slug=slug,
                content_hash="h",
                submitted_at=T0,
                score=score,
                max_score=3,
                passed=True,
                answers={"q1": ["a"]},
                submit_token=f"token-{student_id}-{slug}",
            )
        )
        db.session.add(
            Excusal(
                classroom_id=classroom_id,
                student_id=student_id,
                module_slug="other",
                excused_by=teacher_id,
                at=T0,
            )
        )
        record_audit(
            school_id,
            teacher_id,
            "student.excuse",
            "user",
            student_id,
            classroom=classroom_id,
            module="other",
        )
        db.session.commit()


def add_question(app, classroom_id, body="익명 질문이에요"):
    with app.app_context():
        db.session.add(ClassQuestion(classroom_id=classroom_id, body=body, created_on=date(2026, 11, 20)))
        db.session.commit()


def count(app, model, *where):
    with app.app_context():
        return db.session.execute(db.select(sa.func.count()).select_from(model).where(*where)).scalar_one()


def audit_actions(app):
    with app.app_context():
        return db.session.execute(
            db.select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.target_id).order_by(AuditEvent.id)
        ).all()


def mentions(value, user_id) -> bool:
    """True when JSON `value` names `user_id` under a key that holds user ids."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in USER_ID_KEYS and (item == user_id or (isinstance(item, list) and user_id in item)):
                return True
            if mentions(item, user_id):
                return True
    elif isinstance(value, list):
        return any(mentions(item, user_id) for item in value)
    return False


def traces_of(app, user_id, words=()) -> list[str]:
    """Every place in every table that still points at the user or holds one of `words`."""
    found = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                points_at_users = any(fk.column.table.name == "users" for fk in column.foreign_keys)
                if points_at_users or (table.name == "users" and column.name == "id"):
                    if db.session.execute(
                        sa.select(sa.func.count()).select_from(table).where(column == user_id)
                    ).scalar_one():
                        found.append(f"{table.name}.{column.name}")
                elif isinstance(column.type, sa.JSON):
                    for (value,) in db.session.execute(sa.select(column)):
                        if mentions(value, user_id) or any(
                            w in json.dumps(value, ensure_ascii=False) for w in words
                        ):
                            found.append(f"{table.name}.{column.name}: {value}")
                elif isinstance(column.type, sa.String | sa.Text):
                    for word in words:
                        if db.session.execute(
                            sa.select(sa.func.count()).select_from(table).where(column.contains(word))
                        ).scalar_one():
                            found.append(f"{table.name}.{column.name} holds {word!r}")
    return found


# Export


def test_export_holds_exactly_that_students_data(app, classes):
    add_activity(app, classes["jiwoo"], classes["first"], classes["teacher"])
    add_activity(app, classes["minjun"], classes["first"], classes["teacher"], slug="sample", score=1)
    with app.app_context():
        data = privacy.export_student(db.session.get(User, classes["jiwoo"]))
    text = json.dumps(data, ensure_ascii=False)
    assert set(data) == {
        "exported_at",
        "account",
        "classes",
        "excusals",
        "progress",
        "quiz_attempts",
        "class_participation",
        "letter_slips",
        "checks_done",
        "audit_events",
    }
    assert data["account"]["username"] == "jiwoo" and data["account"]["display_name"] == "김지우"
    assert data["account"]["role"] == "student" and "password_hash" not in data["account"]
    assert "pbkdf2" not in text and "scrypt" not in text
    assert data["classes"] == [
        {"name": "2학년 3반", "year": 2026, "number": 1},
        {"name": "방과후 1반", "year": 2026, "number": 1},
    ]
    assert data["excusals"] == [
        {"class": "2학년 3반", "module": "other", "at": "2026-11-20T01:30:00+00:00", "reason": None}
    ]
    assert data["progress"] == [
        {
            "module": "sample",
            "started_at": "2026-11-20T01:30:00+00:00",
            "last_step": 2,
            "lesson_done_at": "2026-11-20T01:30:00+00:00",
            "quiz_passed_at": "2026-11-20T01:30:00+00:00",
            "best_score": 1.0,
            "attempts": 1,
        }
    ]
    assert data["quiz_attempts"] == [
        {
            "module": "sample",
            "submitted_at": "2026-11-20T01:30:00+00:00",
            "score": 3,
            "max_score": 3,
            "passed": True,
            "answers": {"q1": ["a"]},
        }
    ]
    assert [e["action"] for e in data["audit_events"]] == ["student.excuse"]
    assert data["audit_events"][0]["target_id"] == classes["jiwoo"]
    # Nothing of the classmate, who has data in the same class, and no staff names.
    for other in ("minjun", "이민준", "박선생", "token-"):
        assert other not in text
    assert all(a["score"] == 3 for a in data["quiz_attempts"])


def test_admin_downloads_the_export_after_a_confirmation_page(app, client, admin, classes):
    add_activity(app, classes["jiwoo"], classes["first"], classes["teacher"])
    page = client.get(f"/admin/users/{classes['jiwoo']}/export")
    assert page.status_code == 200 and "never the password" in page.get_data(as_text=True)
    assert count(app, AuditEvent, AuditEvent.action == "student.export") == 0  # GET changes nothing
    response = client.post(f"/admin/users/{classes['jiwoo']}/export")
    assert response.status_code == 200
    assert (
        response.headers["Content-Disposition"] == f'attachment; filename="student-{classes["jiwoo"]}.json"'
    )
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "김지우".encode() in response.data  # UTF-8, not \\uXXXX escapes
    assert json.loads(response.data.decode("utf-8"))["account"]["username"] == "jiwoo"
    assert audit_actions(app)[-1] == ("student.export", admin, classes["jiwoo"])


# Delete


def test_delete_leaves_nothing_of_the_student(app, client, admin, classes, school):
    jiwoo, minjun = classes["jiwoo"], classes["minjun"]
    add_activity(app, jiwoo, classes["first"], classes["teacher"])
    add_activity(app, jiwoo, classes["second"], classes["teacher"], slug="other-module")
    add_activity(app, minjun, classes["first"], classes["teacher"])
    add_question(app, classes["first"])
    add_question(app, classes["second"], body="두 번째 질문")
    with app.app_context():
        record_audit(school, jiwoo, "student.something", "classroom", classes["first"])  # by them
        record_audit(
            school,
            classes["teacher"],
            "roster.check",
            "classroom",
            classes["first"],
            students=[jiwoo, minjun],
            student=jiwoo,
            classroom=classes["first"],
        )
        db.session.commit()
    page = client.get(f"/admin/users/{jiwoo}/delete").get_data(as_text=True)
    assert "membership of 2 classes" in page and "cannot be undone" in page
    response = client.post(f"/admin/users/{jiwoo}/delete", data={"username": "JiWoo "})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/students"
    assert "김지우 and all of their data were deleted." in client.get("/admin/students").get_data(
        as_text=True
    )

    assert traces_of(app, jiwoo, words=("jiwoo", "김지우")) == []
    with app.app_context():
        about = (
            db.session.execute(
                db.select(AuditEvent).where(AuditEvent.target_type == "user", AuditEvent.target_id == jiwoo)
            )
            .scalars()
            .all()
        )
        assert {e.action for e in about} == {"student.excuse", "student.delete"}
        assert all(e.detail == {} for e in about)
        other = db.session.execute(db.select(AuditEvent).filter_by(action="roster.check")).scalar_one()
        assert other.detail == {"students": [minjun], "classroom": classes["first"]}
        by_them = db.session.execute(db.select(AuditEvent).filter_by(action="student.something")).scalar_one()
        assert by_them.actor_id is None
    assert ("student.delete", admin, jiwoo) in audit_actions(app)
    # The classmate and the anonymous questions are untouched.
    assert count(app, ModuleProgress, ModuleProgress.user_id == minjun) == 1
    assert count(app, QuizAttempt, QuizAttempt.user_id == minjun) == 1
    assert count(app, Enrollment, Enrollment.student_id == minjun) == 1
    assert count(app, ClassQuestion) == 2
    assert count(app, Enrollment) == 1


def test_deleting_signs_the_student_out(app, client, admin, classes):
    student_browser = app.test_client()
    login(student_browser, "jiwoo")
    assert student_browser.get("/learn").status_code == 200
    client.post(f"/admin/users/{classes['jiwoo']}/delete", data={"username": "jiwoo"})
    assert student_browser.get("/learn").status_code == 302


def test_a_reused_id_does_not_inherit_the_deleted_students_log(app, client, admin, classes, school, clock):
    """SQLite hands the highest deleted id to the next account; the log still names that id."""
    jiwoo = classes["jiwoo"]
    add_activity(app, jiwoo, classes["first"], classes["teacher"])
    client.post(f"/admin/users/{jiwoo}/delete", data={"username": "jiwoo"})
    clock.advance(minutes=5)
    with app.app_context():
        newcomer = User(
            id=jiwoo,
            school_id=school,
            username="newcomer",
            display_name="새 학생",
            role=Role.STUDENT,
            password_hash="x",
        )
        db.session.add(newcomer)
        db.session.commit()
        assert privacy.export_student(newcomer)["audit_events"] == []
    page = client.get("/admin/audit").get_data(as_text=True)
    assert 'Account · <span class="muted">Deleted account</span>' in page and "새 학생" not in page
    assert f" #{jiwoo}" not in page  # the log names accounts, never by their database id


@pytest.mark.parametrize("typed", ["", "minjun", "jiwoo2"])
def test_delete_needs_the_username_typed(app, client, admin, classes, typed):
    add_activity(app, classes["jiwoo"], classes["first"], classes["teacher"])
    response = client.post(f"/admin/users/{classes['jiwoo']}/delete", data={"username": typed})
    assert response.status_code == 400
    assert "Nothing was deleted" in response.get_data(as_text=True) or not typed
    assert count(app, User, User.id == classes["jiwoo"]) == 1
    assert count(app, QuizAttempt, QuizAttempt.user_id == classes["jiwoo"]) == 1
    assert count(app, AuditEvent, AuditEvent.action == "student.delete") == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_delete_and_export_need_the_csrf_token(app, client, make_user, school):
    student = make_user(username="jiwoo", school_id=school)
    make_user(role=Role.ADMIN, username="boss", school_id=school)
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "boss", "password": "correct horse battery", "csrf_token": token})
    assert client.get("/admin/students").status_code == 200
    assert client.post(f"/admin/users/{student}/delete", data={"username": "jiwoo"}).status_code == 400
    assert client.post(f"/admin/users/{student}/export").status_code == 400
    assert count(app, User, User.id == student) == 1


def test_delete_refuses_staff(app, classes):
    with app.app_context():
        teacher = db.session.get(User, classes["teacher"])
        with pytest.raises(privacy.NotAStudentError):
            privacy.delete_student(teacher, None)
        with pytest.raises(privacy.NotAStudentError):
            privacy.export_student(teacher)


# Who may reach the pages


def test_other_schools_students_staff_and_unknown_ids_answer_404(app, client, admin, classes, make_user):
    foreign = make_user(username="foreign")
    for user_id in (foreign, classes["teacher"], admin, 99999):
        for suffix in ("", "/export", "/delete"):
            assert client.get(f"/admin/users/{user_id}{suffix}").status_code == 404, (user_id, suffix)
        assert client.post(f"/admin/users/{user_id}/export").status_code == 404
        assert client.post(f"/admin/users/{user_id}/delete", data={"username": "foreign"}).status_code == 404
    assert count(app, User, User.id == foreign) == 1


@pytest.mark.parametrize("username", ["teacher", "jiwoo"])
def test_teachers_and_students_get_403(app, client, classes, username):
    login(client, username)
    student = classes["minjun"]
    for path in (
        "/admin/students",
        f"/admin/users/{student}",
        f"/admin/users/{student}/export",
        f"/admin/users/{student}/delete",
        "/admin/audit",
    ):
        assert client.get(path).status_code == 403, path
    assert client.post(f"/admin/users/{student}/export").status_code == 403
    assert client.post(f"/admin/users/{student}/delete", data={"username": "minjun"}).status_code == 403
    assert count(app, User, User.id == student) == 1


# The student list


def test_student_list_searches_and_pages(app, client, admin, classes, make_user, school):
    for n in range(55):
        make_user(username=f"pupil{n:02d}", school_id=school, display_name=f"학생 {n:02d}")
    first = client.get("/admin/students").get_data(as_text=True)
    assert first.count('href="/admin/users/') == 50 and "Page 1 of 2" in first
    second = client.get("/admin/students?page=2").get_data(as_text=True)
    assert second.count('href="/admin/users/') == 7 and "Page 2 of 2" in second
    found = client.get("/admin/students?q=지우").get_data(as_text=True)
    assert "김지우" in found and "이민준" not in found and "2학년 3반, 방과후 1반" in found
    assert "이민준" in client.get("/admin/students?q=MINJUN").get_data(as_text=True)
    assert "No student matches" in client.get("/admin/students?q=%25").get_data(as_text=True)
    assert "박선생" not in client.get("/admin/students?q=박").get_data(as_text=True)  # staff are not listed
    assert client.get("/admin/students?page=99").status_code == 200
    never = client.get("/admin/students?never=y").get_data(as_text=True)  # all 55 are new
    assert 'href="/admin/students?page=2&amp;never=y"' in never and "Page 1 of 2" in never
    too_long = client.get("/admin/students?never=y&q=" + "x" * 81).get_data(as_text=True)
    assert "80" in too_long and 'class="field-errors"' in too_long and "Page 1 of 2" in too_long


def test_student_page_shows_the_summary(app, client, admin, classes):
    add_activity(app, classes["jiwoo"], classes["first"], classes["teacher"])
    page = client.get(f"/admin/users/{classes['jiwoo']}").get_data(as_text=True)
    assert "김지우" in page and "2학년 3반" in page and "방과후 1반" in page
    assert f'href="/admin/users/{classes["jiwoo"]}/export"' in page
    assert f'href="/admin/users/{classes["jiwoo"]}/delete"' in page


# The activity log


@pytest.fixture
def log(app, school, admin, classes, make_user):
    """Entries on three days (school time, Asia/Seoul): 11-20, 11-24 late evening and 11-25."""
    foreign_school_admin = make_user(role=Role.ADMIN, username="elsewhere")
    with app.app_context():
        db.session.execute(sa.update(User).values(created_at=datetime(2026, 3, 2, tzinfo=UTC)))

        def add(actor, action, target_type, target_id, at):
            event = record_audit(school, actor, action, target_type, target_id)
            event.at = at

        add(classes["teacher"], "roster.import", "classroom", classes["first"], T0)
        add(admin, "password.reset", "user", classes["jiwoo"], datetime(2026, 11, 24, 14, 30, tzinfo=UTC))
        add(None, "student.export", "user", classes["minjun"], datetime(2026, 11, 24, 15, 30, tzinfo=UTC))
        add(admin, "made.up", "school", school, datetime(2026, 11, 25, 2, 0, tzinfo=UTC))
        foreign = db.session.get(User, foreign_school_admin)
        record_audit(foreign.school_id, foreign.id, "school.export", "school", foreign.school_id)
        db.session.commit()


def rows_of(client, query=""):
    page = client.get(f"/admin/audit{query}").get_data(as_text=True)
    return [
        label
        for label in (
            "Roster imported",
            "Password reset",
            "Student data exported",
            "made.up",
            "School report exported",
        )
        if f'<th scope="row">{label}</th>' in page
    ]


def test_audit_page_lists_the_schools_events_newest_first(client, log):
    page = client.get("/admin/audit").get_data(as_text=True)
    assert rows_of(client) == ["Roster imported", "Password reset", "Student data exported", "made.up"]
    order = [
        page.index(f'<th scope="row">{label}</th>')
        for label in ("made.up", "Student data exported", "Password reset", "Roster imported")
    ]
    assert order == sorted(order)
    assert "Command line or deleted account" in page and "교감 선생님" in page
    assert "Account ·" in page and "김지우</a>" in page and "Account #" not in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("?action=password.reset", ["Password reset"]),
        ("?target_type=classroom", ["Roster imported"]),
        ("?actor=none", ["Student data exported"]),
        ("?date_from=2026-11-25", ["Student data exported", "made.up"]),  # 15:30 UTC is 00:30 in Seoul
        ("?date_to=2026-11-24", ["Roster imported", "Password reset"]),
        ("?date_from=2026-11-21&date_to=2026-11-24", ["Password reset"]),
        ("?action=password.reset&actor=none", []),
        ("?date_from=not-a-date", ["Roster imported", "Password reset", "Student data exported", "made.up"]),
    ],
)
def test_audit_filters(client, log, query, expected):
    assert rows_of(client, query) == expected


def test_audit_filter_by_actor_and_the_menus(app, client, log, classes):
    assert rows_of(client, f"?actor={classes['teacher']}") == ["Roster imported"]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="made.up">made.up</option>' in page
    assert "school.export" not in page  # another school's action
    assert "Not a valid date" in client.get("/admin/audit?date_from=2026-13-40").get_data(as_text=True)


def test_audit_page_paginates(app, client, admin, school):
    with app.app_context():
        for _ in range(51):
            record_audit(school, admin, "password.reset", "user", admin)
        db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('<th scope="row">Password reset</th>') == 50 and "Page 1 of 2" in first
    second = client.get("/admin/audit?page=2&action=password.reset").get_data(as_text=True)
    assert second.count('<th scope="row">Password reset</th>') == 1
    assert 'href="/admin/audit?page=1&amp;action=password.reset"' in second


# Purge


def test_purge_inactive_picks_the_long_unseen_and_the_never_seen(app, make_user, school, clock):
    old = make_user(username="old", school_id=school, last_seen_at=datetime(2026, 2, 1, tzinfo=UTC))
    recent = make_user(username="recent", school_id=school, last_seen_at=datetime(2026, 11, 1, tzinfo=UTC))
    never_new = make_user(username="never-new", school_id=school)  # created "now", 2026-11-25
    teacher = make_user(
        role=Role.TEACHER,
        username="old-teacher",
        school_id=school,
        last_seen_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    with app.app_context():
        from dongui.models import School

        hanbit = db.session.get(School, school)
        found = privacy.purge_inactive(hanbit, date(2026, 3, 1), dry_run=True)
        assert [s.username for s in found] == ["old"]
        found = privacy.purge_inactive(hanbit, date(2026, 11, 26), dry_run=True)
        assert [s.username for s in found] == ["never-new", "old", "recent"]
        assert count(app, User) == 4
        privacy.purge_inactive(hanbit, date(2026, 3, 1), dry_run=False)
        db.session.commit()
    assert {u for u in (old, recent, never_new, teacher) if count(app, User, User.id == u)} == {
        recent,
        never_new,
        teacher,
    }


# Command line


def test_cli_export_to_stdout_and_to_a_file(app, runner, classes, tmp_path):
    add_activity(app, classes["jiwoo"], classes["first"], classes["teacher"])
    result = runner.invoke(args=["users", "export", "JiWoo"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["account"]["display_name"] == "김지우"
    target = tmp_path / "jiwoo.json"
    result = runner.invoke(args=["users", "export", "jiwoo", "--output", str(target)])
    assert result.exit_code == 0 and "김지우".encode() in target.read_bytes()
    assert json.loads(target.read_text("utf-8"))["quiz_attempts"][0]["score"] == 3
    exports = [row for row in audit_actions(app) if row[0] == "student.export"]
    assert exports == [("student.export", None, classes["jiwoo"])] * 2


@pytest.mark.parametrize(
    "args, message",
    [
        (["users", "export", "nobody"], "No user 'nobody'"),
        (["users", "delete", "nobody", "--yes"], "No user 'nobody'"),
        (["users", "export", "teacher"], "not a student"),
        (["users", "delete", "teacher", "--yes"], "not a student"),
        (["users", "purge", "--inactive-since", "2026-02-30"], "YYYY-MM-DD"),
        (["users", "purge", "--inactive-since", "yesterday"], "YYYY-MM-DD"),
        (["users", "purge", "--inactive-since", "2026-11-01", "--school", "nowhere"], "No school"),
        (["users", "purge", "--inactive-since", "2030-01-01"], "in the future"),
    ],
)
def test_cli_refuses_clearly(app, runner, classes, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and message in result.output, result.output
    assert count(app, User) == 3


def test_cli_delete_asks_first(app, runner, classes):
    add_question(app, classes["first"])
    result = runner.invoke(args=["users", "delete", "jiwoo"], input="n\n")
    assert result.exit_code == 1 and "Nothing was deleted" in result.output
    assert count(app, User, User.id == classes["jiwoo"]) == 1
    result = runner.invoke(args=["users", "delete", "jiwoo"], input="y\n")
    assert result.exit_code == 0 and "Deleted student jiwoo (김지우" in result.output
    assert traces_of(app, classes["jiwoo"]) == [] and count(app, ClassQuestion) == 1
    assert ("student.delete", None, classes["jiwoo"]) in audit_actions(app)


def test_cli_delete_with_yes(app, runner, classes):
    add_activity(app, classes["jiwoo"], classes["second"], classes["teacher"])
    result = runner.invoke(args=["users", "delete", "jiwoo", "--yes"])
    assert result.exit_code == 0, result.output
    assert traces_of(app, classes["jiwoo"], words=("김지우",)) == []
    assert (
        count(app, Enrollment) == 1
        and count(app, Enrollment, Enrollment.student_id == classes["minjun"]) == 1
    )


def test_cli_purge_dry_run_then_for_real(app, runner, classes, make_user, make_school, clock):
    elsewhere = make_school(slug="elsewhere")
    make_user(username="far-away", school_id=elsewhere)
    clock.advance(days=400)
    with app.app_context():
        db.session.get(User, classes["minjun"]).last_seen_at = clock.now - timedelta(days=10)
        db.session.commit()
    since = (clock.now - timedelta(days=30)).date().isoformat()
    result = runner.invoke(
        args=["users", "purge", "--inactive-since", since, "--school", "hanbit", "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert "hanbit\tjiwoo\t김지우\tnever signed in" in result.output and "minjun" not in result.output
    assert "Dry run: 1 student(s)" in result.output and "far-away" not in result.output
    assert count(app, User) == 4 and count(app, AuditEvent) == 0
    result = runner.invoke(args=["users", "purge", "--inactive-since", since])
    assert result.exit_code == 0, result.output
    assert (
        "jiwoo" in result.output and "far-away" in result.output and "Deleted 2 student(s)" in result.output
    )
    assert count(app, User, User.username.in_(["jiwoo", "far-away"])) == 0
    assert count(app, User, User.username.in_(["minjun", "teacher"])) == 2
    assert [row[0] for row in audit_actions(app)] == ["student.delete", "student.delete"]


def database_bytes(app) -> bytes:
    """The SQLite database as it is on disk: the file and its write-ahead log."""
    from pathlib import Path

    path = Path(app.config["SQLALCHEMY_DATABASE_URI"].split("///", 1)[1])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def test_deleting_a_student_leaves_no_bytes_of_them_on_disk(app, client, admin, make_user, school):
    """Today the erased rows stayed in the database file's free space and in the -wal file, where
    a backup or a copy of the disk would find them (secure_delete, then a checkpoint)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's files; PostgreSQL's VACUUM is in the self-hosting guide")
    marker = "Zq9MarkerStudentName"
    student = make_user(username="zq9-marker-user", school_id=school, display_name=marker)
    assert marker.encode() in database_bytes(app) or marker.encode("utf-16") in database_bytes(app)
    response = client.post(f"/admin/users/{student}/delete", data={"username": "zq9-marker-user"})
    assert response.status_code == 302
    data = database_bytes(app)
    assert marker.encode() not in data and b"zq9-marker-user" not in data


def test_sqlite_connections_delete_securely(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite only")
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
