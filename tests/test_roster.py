"""Classes, roster import (preview, confirm, cards) and the roster actions, on both databases."""

import html
import io
import re

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from werkzeug.security import check_password_hash

from dongui.extensions import db
from dongui.models import AuditEvent, Enrollment, Role, User
from tests.conftest import login


@pytest.fixture
def school(make_school):
    return make_school(slug="hanbit", name="한빛중학교")


@pytest.fixture
def teacher(client, make_user, school):
    user_id = make_user(role=Role.TEACHER, username="kim.teacher", school_id=school)
    login(client, "kim.teacher")
    return user_id


@pytest.fixture
def classroom(teacher, make_classroom):
    return make_classroom(teacher)


def counts(app):
    with app.app_context():
        return (db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one(),
                db.session.execute(sa.select(sa.func.count()).select_from(Enrollment)).scalar_one())


def upload(client, class_id, data: bytes, filename="명단.csv"):
    return client.post(f"/teach/classes/{class_id}/import",
                       data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def confirm(client, class_id, preview_page: str):
    payload = re.search(r'name="payload" value="([^"]+)"', preview_page).group(1)
    return client.post(f"/teach/classes/{class_id}/import/confirm", data={"payload": payload})


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_teacher_creates_a_class_and_is_sent_to_import(app, client, teacher):
    response = client.post("/teach/classes", data={"name": "2학년 3반", "year": 2026})
    assert response.status_code == 302 and response.headers["Location"].endswith("/import")
    assert "2학년 3반" in client.get("/teach").get_data(as_text=True)


def test_class_form_errors_are_localized(client, teacher):
    response = client.post("/teach/classes", data={"name": "", "year": "soon"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "학급 이름을 입력해 주세요." in page


def test_cp949_csv_with_korean_headers_previews_then_imports_exactly_those_rows(app, client, classroom):
    data = "번호,이름\n1,김민준\n2,이서연\n3,박지호\n".encode("cp949")
    before = counts(app)
    preview = upload(client, classroom, data)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "새 학생 3명" in page
    assert f"hanbit-{classroom}-01" in page and "김민준" in page
    assert counts(app) == before  # nothing written by the preview
    cards = confirm(client, classroom, page)
    cards_page = cards.get_data(as_text=True)
    assert cards.status_code == 200 and cards_page.count('class="signin-card"') == 3
    assert counts(app) == (before[0] + 3, before[1] + 3)
    with app.app_context():
        user = db.session.execute(sa.select(User).filter_by(username=f"hanbit-{classroom}-02")).scalar_one()
        assert user.display_name == "이서연" and user.must_change_password and user.role == Role.STUDENT
        number = db.session.execute(sa.select(Enrollment.number).filter_by(student_id=user.id)).scalar_one()
        assert number == 2
        events = db.session.execute(sa.select(AuditEvent)).scalars().all()
        assert [(e.action, e.detail["created"]) for e in events] == [("roster.import", 3)]


def test_plain_passwords_exist_only_in_the_cards_response(app, client, classroom):
    page = upload(client, classroom, "이름\n김민준\n".encode()).get_data(as_text=True)
    cards = confirm(client, classroom, page)
    html = cards.get_data(as_text=True)
    password = re.search(r'<dd class="card-secret">([a-z0-9]{10})</dd>', html).group(1)
    assert cards.headers["Cache-Control"] == "no-store"
    for cookie in cards.headers.getlist("Set-Cookie"):
        assert password not in cookie
    with app.app_context():
        user = db.session.execute(sa.select(User).filter_by(display_name="김민준")).scalar_one()
        assert password not in user.password_hash and check_password_hash(user.password_hash, password)
        for table in db.metadata.sorted_tables:
            for row in db.session.execute(sa.select(table)).all():
                assert password not in repr(tuple(row)), table.name
    for path in (f"/teach/classes/{classroom}/roster", f"/teach/classes/{classroom}/cards",
                 f"/teach/classes/{classroom}", f"/teach/classes/{classroom}/settings"):
        assert password not in client.get(path).get_data(as_text=True)
    assert login(app.test_client(), user_name(app, "김민준"), password).headers["Location"] == "/password"


def user_name(app, display_name):
    with app.app_context():
        return db.session.execute(sa.select(User.username).filter_by(display_name=display_name)).scalar_one()


def test_utf8_bom_file_and_given_usernames_and_passwords(app, client, classroom):
    data = "\ufeffname,number,username,password\nKim Minjun,7,Kim.MJ,initial-pass-1\n".encode("utf-8")
    page = upload(client, classroom, data).get_data(as_text=True)
    assert "kim.mj" in page
    confirm(client, classroom, page)
    assert login(app.test_client(), "kim.mj", "initial-pass-1").headers["Location"] == "/password"


def test_xlsx_export_from_excel(app, client, classroom):
    data = xlsx_bytes([["번호", "이름", "비고"], [1, "김민준", ""], [2.0, "이서연", "전학 예정"], [None, None, None]])
    page = upload(client, classroom, data, "2-3.xlsx").get_data(as_text=True)
    assert "새 학생 2명" in page
    confirm(client, classroom, page)
    assert counts(app)[1] == 2


def test_oneroster_file_skips_teachers_with_a_notice(app, client, classroom):
    data = ("sourcedId,role,username,givenName,familyName\n"
            "1,teacher,t.lee,Jiwon,Lee\n2,student,s.kim,민준,김\n3,student,,Seoyeon,Park\n").encode()
    page = upload(client, classroom, data, "users.csv").get_data(as_text=True)
    assert "건너뛰었어요: 2행" in page and "김민준" in page and "Seoyeon Park" in page
    confirm(client, classroom, page)
    with app.app_context():
        names = set(db.session.execute(sa.select(User.display_name).filter_by(role=Role.STUDENT)).scalars())
    assert names == {"김민준", "Seoyeon Park"}


def test_rerunning_the_same_file_creates_and_enrolls_nobody_twice(app, client, classroom):
    data = "번호,이름\n1,김민준\n2,이서연\n".encode()
    confirm(client, classroom, upload(client, classroom, data).get_data(as_text=True))
    after_first = counts(app)
    page = upload(client, classroom, data).get_data(as_text=True)
    assert "이미 학급에 있는 학생 2명" in page
    confirm(client, classroom, page)
    assert counts(app) == after_first


def test_names_without_numbers_match_a_unique_name_and_refuse_an_ambiguous_one(app, client, classroom):
    confirm(client, classroom, upload(client, classroom, "번호,이름\n1,김민준\n2,김민준\n3,이서연\n".encode()).get_data(as_text=True))
    before = counts(app)
    page = upload(client, classroom, "이름\n이서연\n김민준\n".encode()).get_data(as_text=True)
    assert "이미 이 학급에 있어요" in page  # 이서연 (line 2): the one student of that name
    assert "이 학급에 김민준 학생이 2명 있어요" in page and "3행" in page
    assert 'name="payload"' not in page
    assert counts(app) == before


PROBLEM_FILES = [
    ("empty", b"", "파일이 비어 있어요."),
    ("blank lines only", b"\n\n  \n", "파일이 비어 있어요."),
    ("no name column", "번호,아이디\n1,kim\n".encode(), "이름 열을 찾지 못했어요"),
    ("missing name", "번호,이름\n1,\n".encode(), "2행: 이름이 비어 있어요."),
    ("bad number", "번호,이름\n일,김민준\n".encode(), "2행: 번호는 1부터 999까지"),
    ("duplicate row", "번호,이름\n1,김민준\n1,김민준\n".encode(), "3행: 2행과 같은 행이에요."),
    ("duplicate username", "이름,아이디\n김민준,kim\n이서연,KIM\n".encode(), "3행: \"kim\" 아이디가 2행에도 있어요."),
    ("duplicate number", "번호,이름\n1,김민준\n1,이서연\n".encode(), "3행: 1번이 2행에도 있어요."),
    ("too long name", ("이름\n" + "가" * 81 + "\n").encode(), "2행: 이름이(가) 너무 길어요"),
    ("bad username", "이름,아이디\n김민준,김민준아이디\n".encode(), "2행: \"김민준아이디\" 아이디에는"),
    ("short password", "이름,비밀번호\n김민준,1234\n".encode(), "2행: 비밀번호는 8자 이상"),
    ("wrong type", b"%PDF-1.4 binary\x00\x01", ".xlsx나 CSV 파일이 아니에요."),
    ("not a workbook", b"PK\x03\x04not really a zip", ".xlsx나 CSV 파일이 아니에요."),
    ("unreadable encoding", b"\xff\xfe\xfd\xfc,\x80\x81\n", "파일의 글자를 읽을 수 없어요."),
    ("too many rows", ("이름\n" + "".join(f"학생{i}\n" for i in range(501))).encode(), "한 번에 500명까지"),
]


@pytest.mark.parametrize("name, data, message", PROBLEM_FILES, ids=[p[0] for p in PROBLEM_FILES])
def test_each_problem_is_reported_with_its_line_and_nothing_is_written(app, client, classroom, name, data, message):
    before = counts(app)
    response = upload(client, classroom, data, "명단.pdf" if name == "wrong type" else "명단.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page, page[page.find("problem-list"):][:800]
    assert 'name="payload"' not in page
    assert counts(app) == before


def test_username_taken_outside_the_school(app, client, classroom, make_user):
    make_user(username="taken.name")  # another school
    page = html.unescape(upload(client, classroom, "이름,아이디\n김민준,taken.name\n".encode()).get_data(as_text=True))
    assert "2행: \"taken.name\" 아이디는 이 학교 학생이 아닌 사람이 쓰고 있어요." in page


def test_existing_student_of_the_school_is_enrolled_not_created(app, client, classroom, make_user, school):
    make_user(username="s.park", school_id=school, display_name="박지호")
    before = counts(app)
    page = upload(client, classroom, "이름,아이디,번호\n박지호,s.park,4\n".encode()).get_data(as_text=True)
    assert "학급에 추가할 기존 학생 1명" in page
    confirm(client, classroom, page)
    assert counts(app) == (before[0], before[1] + 1)


def test_an_oversized_upload_is_refused(app, client, classroom, monkeypatch):
    # A small limit: the test client spools uploads over 500 KB to a file it never closes.
    monkeypatch.setattr("dongui.school.roster_files.MAX_FILE_BYTES", 2048)
    monkeypatch.setattr("dongui.teach.roster.MAX_FILE_BYTES", 2048)
    before = counts(app)
    page = upload(client, classroom, b"name\n" + b"x" * 3000).get_data(as_text=True)
    assert "파일이 2KB보다 커요." in page
    assert counts(app) == before


def test_a_request_over_the_app_upload_limit_gets_the_localized_413(app, client, classroom):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = upload(client, classroom, b"name\n" + b"x" * 2000)
    assert response.status_code == 413 and "파일이 너무 커요" in response.get_data(as_text=True)


def test_a_tampered_confirmation_is_refused(app, client, classroom):
    page = upload(client, classroom, "이름\n김민준\n".encode()).get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    forged = payload[:-3] + ("AAA" if not payload.endswith("AAA") else "BBB")
    before = counts(app)
    assert client.post(f"/teach/classes/{classroom}/import/confirm", data={"payload": forged}).status_code == 400
    assert client.post(f"/teach/classes/{classroom}/import/confirm", data={}).status_code == 400
    assert counts(app) == before


def test_a_preview_cannot_be_confirmed_into_another_class(app, client, classroom, teacher, make_classroom):
    other = make_classroom(teacher, name="2학년 4반")
    page = upload(client, classroom, "이름\n김민준\n".encode()).get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    assert client.post(f"/teach/classes/{other}/import/confirm", data={"payload": payload}).status_code == 400


def test_another_teachers_class_is_404_everywhere(app, client, make_user, make_classroom, school):
    other_teacher = make_user(role=Role.TEACHER, username="lee.teacher", school_id=school)
    student = make_user(username="pupil", school_id=school)
    foreign = make_classroom(other_teacher, students=[student])
    make_user(role=Role.TEACHER, username="me", school_id=school)
    login(client, "me")
    for path in ("", "/roster", "/import", "/cards", "/settings", "/assignments"):
        assert client.get(f"/teach/classes/{foreign}{path}").status_code == 404, path
    for path in ("/edit", "/archive", "/join-code", "/teachers", "/import/confirm", "/cards",
                 f"/students/{student}/reset", f"/students/{student}/remove", f"/students/{student}/move"):
        assert client.post(f"/teach/classes/{foreign}{path}", data={"target": 1}).status_code == 404, path


def test_cards_and_resets_only_for_the_teachers_own_students(app, client, classroom, make_user, school):
    stranger = make_user(username="stranger", school_id=school)
    assert client.post(f"/teach/classes/{classroom}/students/{stranger}/reset").status_code == 404
    assert client.post(f"/teach/classes/{classroom}/cards", data={"student": stranger}).status_code == 404


def test_reset_prints_one_card_and_ends_the_students_sessions(app, client, classroom, make_user, school):
    student = make_user(username="pupil", school_id=school)
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=1))
        db.session.commit()
    pupil = app.test_client()
    login(pupil, "pupil")
    response = client.post(f"/teach/classes/{classroom}/students/{student}/reset")
    assert response.get_data(as_text=True).count('class="signin-card"') == 1
    assert pupil.get("/learn").status_code == 302
    with app.app_context():
        assert db.session.execute(sa.select(AuditEvent.action)).scalars().all() == ["password.reset"]


def test_remove_and_move_students(app, client, classroom, teacher, make_classroom, make_user, school):
    student = make_user(username="pupil", school_id=school)
    other = make_classroom(teacher, name="2학년 4반")
    with app.app_context():
        db.session.add(Enrollment(classroom_id=classroom, student_id=student, number=5))
        db.session.commit()
    client.post(f"/teach/classes/{classroom}/students/{student}/move", data={"target": other})
    with app.app_context():
        rows = db.session.execute(sa.select(Enrollment.classroom_id, Enrollment.number)).all()
        assert rows == [(other, 5)]
    client.post(f"/teach/classes/{other}/students/{student}/remove")
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(Enrollment)).scalar_one() == 0
        assert db.session.get(User, student) is not None
        actions = db.session.execute(sa.select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()
        assert actions == ["student.move", "student.remove"]


def test_class_settings_join_code_co_teacher_and_archive(app, client, classroom, make_user, school):
    make_user(role=Role.TEACHER, username="co.teacher", school_id=school, display_name="박선생")
    make_user(role=Role.TEACHER, username="elsewhere")  # another school
    page = client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    code = re.search(r'<code class="join-code">([A-Z0-9]+)</code>', page).group(1)
    client.post(f"/teach/classes/{classroom}/join-code")
    assert code not in client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    client.post(f"/teach/classes/{classroom}/teachers", data={"username": "elsewhere"})
    added = client.post(f"/teach/classes/{classroom}/teachers", data={"username": "CO.TEACHER"},
                        follow_redirects=True).get_data(as_text=True)
    assert "이제 박선생 선생님도 이 학급을 함께 맡아요." in added  # a teacher is named with 선생님
    client.post(f"/teach/classes/{classroom}/edit", data={"name": "2학년 5반", "year": 2027})
    client.post(f"/teach/classes/{classroom}/archive", data={"archive": "1"})
    listing = client.get("/teach").get_data(as_text=True)
    assert "보관한 학급" in listing and "2학년 5반" in listing
    archived = client.get(f"/teach/classes/{classroom}/settings").get_data(as_text=True)
    assert ">다시 활성화</button>" in archived  # the same word as for a staff account
    back = client.post(f"/teach/classes/{classroom}/archive", data={"archive": "0"},
                       follow_redirects=True).get_data(as_text=True)
    assert "학급을 다시 활성화했어요." in back and "이 학급 보관하기" in back


def test_cli_roster_import_prints_the_same_problems_and_imports(app, runner, classroom, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("번호,이름\n1,\n".encode("cp949"))
    result = runner.invoke(args=["roster", "import", str(bad), "--class-id", str(classroom)])
    assert result.exit_code == 1 and f"{bad}:2: 이름이 비어 있어요." in result.output
    good = tmp_path / "good.csv"
    good.write_bytes("번호,이름\n1,김민준\n".encode("cp949"))
    dry = runner.invoke(args=["roster", "import", str(good), "--class-id", str(classroom), "--dry-run"])
    assert dry.exit_code == 0 and "Dry run: 1 new" in dry.output
    assert counts(app)[1] == 0
    done = runner.invoke(args=["roster", "import", str(good), "--class-id", str(classroom)])
    assert done.exit_code == 0 and f"hanbit-{classroom}-01" in done.output
    assert counts(app)[1] == 1


def test_one_time_passwords_never_reach_a_log(app, client, classroom, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    page = upload(client, classroom, "이름\n김민준\n이서연\n".encode()).get_data(as_text=True)
    html_cards = confirm(client, classroom, page).get_data(as_text=True)
    passwords = re.findall(r'<dd class="card-secret">([a-z0-9]{10})</dd>', html_cards)
    assert len(passwords) == 2
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for password in passwords:
        assert password not in logged
