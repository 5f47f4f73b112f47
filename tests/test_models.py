"""The data model: UTC datetimes on both databases, usernames, constraints."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import Enrollment, Role, School, User, is_valid_username, normalize_username
from dongui.school.accounts import create_user

SEOUL = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    "raw, normalized",
    [("  Kim.MinJun ", "kim.minjun"), ("ＡＢＣ１２３", "abc123"), ("demo-student01", "demo-student01")],
)
def test_usernames_are_normalised(raw, normalized):
    assert normalize_username(raw) == normalized


@pytest.mark.parametrize(
    "username, ok",
    [
        ("kim.minjun", True),
        ("a_b-c.9", True),
        ("김민준", False),
        ("has space", False),
        ("x", False),
        ("a" * 65, False),
        ("semi;colon", False),
    ],
)
def test_username_validity(username, ok):
    assert is_valid_username(username) is ok


def test_datetimes_come_back_aware_and_in_utc(app, make_user):
    user_id = make_user()
    seoul_noon = datetime(2026, 3, 2, 12, 0, tzinfo=SEOUL)
    with app.app_context():
        db.session.get(User, user_id).last_seen_at = seoul_noon
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(User, user_id).last_seen_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(app, make_user):
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).last_seen_at = datetime(2026, 3, 2, 12, 0)
        with pytest.raises(sa.exc.StatementError, match="timezone-aware"):
            db.session.commit()
        db.session.rollback()


def test_datetimes_compare_and_order_the_same_on_both_databases(app, make_school):
    school_id = make_school()
    with app.app_context():
        school = db.session.get(School, school_id)
        base = datetime(2026, 1, 1, tzinfo=UTC)
        for n, hours in enumerate((5, 1, 3)):
            user, _ = create_user(school, f"u{n}", "x", Role.STUDENT, "password1")
            user.last_seen_at = base + timedelta(hours=hours)
        db.session.commit()
        after = (
            db.session.execute(
                db.select(User.username)
                .where(User.last_seen_at > base + timedelta(hours=2))
                .order_by(User.last_seen_at)
            )
            .scalars()
            .all()
        )
    assert after == ["u2", "u0"]


def test_created_at_is_set_from_the_app_clock(app, make_user, clock):
    user_id = make_user()
    with app.app_context():
        assert db.session.get(User, user_id).created_at == clock()


def test_usernames_are_unique_in_the_instance(app, make_school):
    first, second = make_school(), make_school()
    with app.app_context():
        create_user(db.session.get(School, first), "same.name", "A", Role.STUDENT, "password1")
        with pytest.raises(ValueError, match="already taken"):
            create_user(db.session.get(School, second), "SAME.NAME", "B", Role.STUDENT, "password1")
        db.session.rollback()


def test_invalid_usernames_are_refused(app, make_school):
    school_id = make_school()
    with app.app_context():
        with pytest.raises(ValueError, match="invalid username"):
            create_user(db.session.get(School, school_id), "김민준", "김민준", Role.STUDENT, "password1")


def test_a_student_is_enrolled_once_per_class(app, make_user, make_classroom):
    teacher = make_user(role=Role.TEACHER)
    student = make_user()
    class_id = make_classroom(teacher, students=[student])
    with app.app_context():
        db.session.add(Enrollment(classroom_id=class_id, student_id=student, number=2))
        with pytest.raises(sa.exc.IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_generated_password_is_returned_once_and_must_be_changed(app, make_school):
    school_id = make_school()
    with app.app_context():
        user, one_time = create_user(db.session.get(School, school_id), "fresh", "F", Role.TEACHER)
        assert one_time and len(one_time) == 10
        assert not set(one_time) & set("il1o0")
        assert user.must_change_password is True
        assert one_time not in user.password_hash
