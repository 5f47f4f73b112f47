"""Property-based tests of the roster import: no input breaks it, and valid rosters import exactly."""

import io
import itertools

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dongui.extensions import db
from dongui.models import Enrollment, Role, School, User
from dongui.school.classes import create_classroom
from dongui.school.roster import build_preview, parse_upload
from dongui.school.roster_import import apply_import
from tests.conftest import login

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
VALID = "번호,이름,아이디\n1,김민준,\n2,이서연,s.lee\n3,박지호,\n".encode("cp949")
FILENAMES = st.sampled_from(["명단.csv", "class.xlsx", "users.csv", "list.txt", "noext", "x.pdf", ""])


def mutate(data: bytes, edits) -> bytes:
    buffer = bytearray(data)
    for position, value, kind in edits:
        if not buffer:
            break
        index = position % len(buffer)
        if kind == 0:
            buffer[index] = value
        elif kind == 1:
            buffer.insert(index, value)
        else:
            del buffer[index]
    return bytes(buffer)


@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=2000), filename=FILENAMES)
def test_random_bytes_never_raise(data, filename):
    preview = parse_upload(filename, data)
    assert isinstance(preview.rows, list) and isinstance(preview.problems, list)


@settings(max_examples=300, deadline=None)
@given(
    edits=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.integers(0, 2)), max_size=8),
    filename=FILENAMES,
)
def test_mutated_files_never_raise(edits, filename):
    parse_upload(filename, mutate(VALID, edits))


@pytest.fixture
def teacher_client(app, client, make_user, make_school, make_classroom):
    school = make_school(slug="prop")
    teacher = make_user(role=Role.TEACHER, username="teacher", school_id=school)
    classroom = make_classroom(teacher)
    login(client, "teacher")
    return client, classroom


def table_counts(app):
    with app.app_context():
        return tuple(
            db.session.execute(sa.select(sa.func.count()).select_from(m)).scalar_one()
            for m in (User, Enrollment)
        )


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(
    data=st.one_of(
        st.binary(max_size=1500),
        st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255), st.integers(0, 2)), max_size=6).map(
            lambda edits: mutate(VALID, edits)
        ),
    ),
    filename=FILENAMES,
)
def test_any_upload_answers_without_500_and_writes_nothing(app, teacher_client, data, filename):
    client, classroom = teacher_client
    before = table_counts(app)
    response = client.post(
        f"/teach/classes/{classroom}/import",
        data={"file": (io.BytesIO(data), filename or "f")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert table_counts(app) == before  # a preview never writes


TEACHER_NUMBERS = itertools.count(1)
HANGUL = st.text(alphabet=st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3), min_size=2, max_size=4)


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(
    names=st.lists(HANGUL, min_size=1, max_size=40, unique=True),
    numbered=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp949"]),
)
def test_valid_rosters_import_exactly_their_rows(app, names, numbered, encoding):
    lines = ["번호,이름" if numbered else "이름"]
    lines += [f"{n},{name}" if numbered else name for n, name in enumerate(names, start=1)]
    try:
        data = "\n".join(lines).encode(encoding)
    except UnicodeEncodeError:  # a syllable outside CP949: not a file Excel would write
        return
    with app.app_context():
        school = db.session.execute(sa.select(School).filter_by(slug="valid")).scalar_one_or_none()
        if school is None:
            school = School(name="S", slug="valid")
            db.session.add(school)
            db.session.flush()
        teacher = User(
            school_id=school.id,
            username=f"teacher-{next(TEACHER_NUMBERS)}",
            display_name="T",
            role=Role.TEACHER,
            password_hash="x",
        )
        db.session.add(teacher)
        classroom = create_classroom(school, teacher, "반", 2026)
        preview = build_preview("명단.csv", data, classroom, teacher)
        assert preview.can_import, [(p.line, p.code) for p in preview.problems]
        result = apply_import(preview, classroom, teacher)
        db.session.commit()
        imported = db.session.execute(
            sa.select(User.display_name, Enrollment.number)
            .join(Enrollment, Enrollment.student_id == User.id)
            .where(Enrollment.classroom_id == classroom.id)
        ).all()
        assert result.created == len(result.cards) == len(names)
        assert sorted(name for name, _n in imported) == sorted(names)
        if numbered:
            assert sorted(n for _name, n in imported) == list(range(1, len(names) + 1))
