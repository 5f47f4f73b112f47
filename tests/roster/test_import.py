"""Roster import, on both databases: the files schools have, the preview, confirming once, the
sign-in cards, the username patterns, and the command line that says what the web says."""

import html
import re
import threading

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from dongui.extensions import db
from dongui.models import AuditEvent, Enrollment, Role, School, User, UsernamePattern
from dongui.school.accounts import set_password
from tests import roster_samples as samples
from tests.conftest import login
from tests.helpers import upload

CONFIRM_ALL = "가져오기 확정</button>"


def counts(app):
    with app.app_context():
        return (
            db.session.execute(sa.select(sa.func.count()).select_from(User)).scalar_one(),
            db.session.execute(sa.select(sa.func.count()).select_from(Enrollment)).scalar_one(),
        )


def confirm(client, class_id, preview_page: str):
    payload = re.search(r'name="payload" value="([^"]+)"', preview_page).group(1)
    return client.post(f"/teach/classes/{class_id}/import/confirm", data={"payload": payload})


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
        created = (
            db.session.execute(sa.select(User.id).filter_by(role=Role.STUDENT).order_by(User.id))
            .scalars()
            .all()
        )
        assert [(e.action, e.detail) for e in events] == [
            ("roster.import", {"created": created, "enrolled": [], "unchanged": 0, "left_out": []})
        ]


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
    for path in (
        f"/teach/classes/{classroom}/roster",
        f"/teach/classes/{classroom}/cards",
        f"/teach/classes/{classroom}",
        f"/teach/classes/{classroom}/settings",
    ):
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
    data = samples.xlsx(
        [["번호", "이름", "비고"], [1, "김민준", ""], [2.0, "이서연", "전학 예정"], [None, None, None]]
    )
    page = upload(client, classroom, data, "2-3.xlsx").get_data(as_text=True)
    assert "새 학생 2명" in page
    confirm(client, classroom, page)
    assert counts(app)[1] == 2


def test_oneroster_file_skips_teachers_with_a_notice(app, client, classroom):
    data = (
        "sourcedId,role,username,givenName,familyName\n"
        "1,teacher,t.lee,Jiwon,Lee\n2,student,s.kim,민준,김\n3,student,,Seoyeon,Park\n"
    ).encode()
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
    confirm(
        client,
        classroom,
        upload(client, classroom, "번호,이름\n1,김민준\n2,김민준\n3,이서연\n".encode()).get_data(
            as_text=True
        ),
    )
    before = counts(app)
    page = upload(client, classroom, "이름\n이서연\n김민준\n".encode()).get_data(as_text=True)
    assert "이미 이 학급에 있어요" in page  # 이서연 (line 2): the one student of that name
    assert "이 학급에 김민준 학생이 2명 있어요" in page and "3행" in page
    assert CONFIRM_ALL not in page and "문제 없는 행 1개만 가져오기 (3행 제외)" in page
    assert counts(app) == before


PROBLEM_FILES = [
    ("empty", b"", "파일이 비어 있어요."),
    ("blank lines only", b"\n\n  \n", "파일이 비어 있어요."),
    ("no name column", "번호,아이디\n1,kim\n".encode(), "처음 10행에서 이름 열을 찾지 못했어요"),
    ("missing name", "번호,이름\n1,\n".encode(), "2행: 이름이 비어 있어요."),
    ("bad number", "번호,이름\n일,김민준\n".encode(), "2행: 번호는 1부터 999까지"),
    ("duplicate row", "번호,이름\n1,김민준\n1,김민준\n".encode(), "3행: 2행과 같은 행이에요."),
    (
        "duplicate username",
        "이름,아이디\n김민준,kim\n이서연,KIM\n".encode(),
        '3행: "kim" 아이디가 2행에도 있어요.',
    ),
    ("duplicate number", "번호,이름\n1,김민준\n1,이서연\n".encode(), "3행: 1번이 2행에도 있어요."),
    ("too long name", ("이름\n" + "가" * 81 + "\n").encode(), "2행: 이름이(가) 너무 길어요"),
    ("bad username", "이름,아이디\n김민준,김민준아이디\n".encode(), '2행: "김민준아이디" 아이디에는'),
    ("short password", "이름,비밀번호\n김민준,1234\n".encode(), "2행: 비밀번호는 8자 이상"),
    ("wrong type", b"%PDF-1.4 binary\x00\x01", ".xlsx나 CSV 파일이 아니에요."),
    ("not a workbook", b"PK\x03\x04not really a zip", ".xlsx나 CSV 파일이 아니에요."),
    ("unreadable encoding", b"\xff\xfe\xfd\xfc,\x80\x81\n", "파일의 글자를 읽을 수 없어요."),
    ("too many rows", ("이름\n" + "".join(f"학생{i}\n" for i in range(1001))).encode(), "한 번에 1000명까지"),
    ("old excel", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "오래된 엑셀 파일(.xls)"),
    ("unclosed quote", '번호,이름\n1,"김민준\n'.encode("cp949"), '2행: 큰따옴표(")'),
    (
        "more cells than headings",
        "번호,이름\n1,Kim, Minjun\n".encode(),
        "2행: 이 행은 칸이 3개인데 제목은 2개예요.",
    ),
]


@pytest.mark.parametrize("name, data, message", PROBLEM_FILES, ids=[p[0] for p in PROBLEM_FILES])
def test_each_problem_is_reported_with_its_line_and_nothing_is_written(
    app, client, classroom, name, data, message
):
    before = counts(app)
    response = upload(client, classroom, data, "명단.pdf" if name == "wrong type" else "명단.csv")
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert message in page, page[page.find("problem-list") :][:800]
    assert CONFIRM_ALL not in page
    assert counts(app) == before


def test_username_taken_outside_the_school(app, client, classroom, make_user):
    make_user(username="taken.name")  # another school
    page = html.unescape(
        upload(client, classroom, "이름,아이디\n김민준,taken.name\n".encode()).get_data(as_text=True)
    )
    assert '2행: "taken.name" 아이디는 이 학교 학생이 아닌 사람이 쓰고 있어요.' in page


def test_the_admin_enrolls_an_existing_student_of_the_school(app, make_user, make_classroom, school):
    admin = make_user(role=Role.ADMIN, username="the.admin", school_id=school)
    classroom = make_classroom(admin)  # admins can teach classes too
    park = make_user(username="s.park", school_id=school, display_name="박지호")
    client = app.test_client()
    login(client, "the.admin")
    before = counts(app)
    page = upload(client, classroom, "이름,아이디,번호\n박지호,s.park,4\n".encode()).get_data(as_text=True)
    assert "학급에 추가할 기존 학생 1명" in page
    confirm(client, classroom, page)
    assert counts(app) == (before[0], before[1] + 1)
    with app.app_context():
        event = db.session.execute(sa.select(AuditEvent)).scalar_one()
        assert (event.actor_id, event.detail["enrolled"], event.detail["created"]) == (admin, [park], [])


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
    assert (
        client.post(f"/teach/classes/{classroom}/import/confirm", data={"payload": forged}).status_code == 400
    )
    assert client.post(f"/teach/classes/{classroom}/import/confirm", data={}).status_code == 400
    assert counts(app) == before


def test_a_preview_cannot_be_confirmed_into_another_class(app, client, classroom, teacher, make_classroom):
    other = make_classroom(teacher, name="2학년 4반")
    page = upload(client, classroom, "이름\n김민준\n".encode()).get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    assert client.post(f"/teach/classes/{other}/import/confirm", data={"payload": payload}).status_code == 400


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


def text_of(page: str) -> str:
    """The page's words as a reader sees them: no tags, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def problem_lines(page: str) -> list[str]:
    """The problem list's items, as the teacher reads them."""
    block = page[page.find('class="notice problem-list"') :]
    block = block[: block.find("</div>")]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", item)).strip()
        for item in re.findall(r"<li>(.*?)</li>", block, re.S)
    ]


def import_good_rows(client, class_id, page: str):
    assert CONFIRM_ALL not in page
    return confirm(client, class_id, page)


def test_a_broken_quote_is_shown_and_the_other_rows_can_be_imported_leaving_it_out(app, client, classroom):
    data = samples.class_csv(30, broken_line=21)
    page = html.unescape(upload(client, classroom, data).get_data(as_text=True))
    assert problem_lines(page) == [
        '21행: 큰따옴표(")로 시작한 값이 이 행 안에서 닫히지 않아서 이 행을 읽을 수 없어요: 20,"임수아2'
    ]
    assert "파일을 고쳐서 다시 올리기" in page and "문제 없는 행 29개만 가져오기 (21행 제외)" in page
    assert "새 학생 29명" in page and counts(app) == (1, 0)
    cards = import_good_rows(client, classroom, page).get_data(as_text=True)
    assert cards.count('class="signin-card"') == 29
    assert "가져오지 않은 행: 21행." in html.unescape(cards)
    assert counts(app) == (30, 29)
    with app.app_context():
        event = db.session.execute(sa.select(AuditEvent)).scalar_one()
        assert event.detail["left_out"] == [21] and len(event.detail["created"]) == 29


def test_a_neis_workbook_with_a_title_row_is_previewed_from_its_headings(app, client, classroom):
    page = upload(client, classroom, samples.neis_xlsx(3), "2-6.xlsx").get_data(as_text=True)
    assert "제목 행(3행): 학년 (학번용), 반 (학번용), 번호, 성명 (학생 이름)." in text_of(page)
    assert f"그 위의 행 1개는 표 제목이라 건너뛰었어요: 1행 “{samples.NEIS_TITLE}”." in text_of(page)
    assert "새 학생 3명" in page and CONFIRM_ALL in page
    confirm(client, classroom, page)
    assert counts(app) == (4, 3)


def test_a_teacher_cannot_enroll_another_classes_student_and_take_them_over(
    app, client, classroom, make_user, make_classroom, school
):
    other_teacher = make_user(role=Role.TEACHER, username="lee.teacher", school_id=school)
    student = make_user(username="demo-student16", school_id=school, display_name="윤시온")
    make_classroom(other_teacher, students=[student], name="2학년 7반")
    page = html.unescape(
        upload(client, classroom, "이름,아이디\n윤시온,demo-student16\n김민준,\n".encode()).get_data(
            as_text=True
        )
    )
    assert problem_lines(page) == [
        '2행: "demo-student16" 아이디는 이 학급에 없는 학생의 것이에요. 이 학급에 추가하는 일은 학교 관리자만 '
        "할 수 있어요. 학생이 학급 참여 코드로 직접 들어올 수도 있어요."
    ]
    import_good_rows(client, classroom, page)
    with app.app_context():
        classes = (
            db.session.execute(sa.select(Enrollment.classroom_id).filter_by(student_id=student))
            .scalars()
            .all()
        )
        assert classroom not in classes and len(classes) == 1
    assert client.post(f"/teach/classes/{classroom}/students/{student}/reset").status_code == 404


def test_a_double_click_on_confirm_imports_once_and_shows_the_same_cards(app, client, classroom):
    page = upload(
        client, classroom, "번호,이름,비밀번호\n1,김민준,\n2,이서연,spring-garden-7\n".encode()
    ).get_data(as_text=True)
    first = confirm(client, classroom, page)
    second = confirm(client, classroom, page)
    assert first.status_code == second.status_code == 200
    assert card_secrets(first) == card_secrets(second) and len(card_secrets(first)) == 2
    assert "spring-garden-7" in card_secrets(second)[1]
    assert "이미 확정한 가져오기예요" in second.get_data(as_text=True)
    assert counts(app) == (3, 2)
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(AuditEvent)).scalar_one() == 1
    username, password = card_secrets(second)[0]
    assert login(app.test_client(), username, password).headers["Location"] == "/password"


def card_secrets(response) -> list[tuple[str, str]]:
    secrets = re.findall(r'<dd class="card-secret">([^<]+)</dd>', response.get_data(as_text=True))
    return list(zip(secrets[::2], secrets[1::2], strict=True))


def test_confirms_sent_at_once_create_nobody_twice_and_all_show_the_cards(app, client, classroom):
    page = upload(
        client, classroom, ("번호,이름\n" + "".join(f"{n},학생{n}\n" for n in range(1, 41))).encode()
    ).get_data(as_text=True)
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    barrier, responses = threading.Barrier(3), []

    def click():
        browser = app.test_client()
        browser.set_cookie(app.config["SESSION_COOKIE_NAME"], session_cookie)
        barrier.wait()
        responses.append(
            browser.post(f"/teach/classes/{classroom}/import/confirm", data={"payload": payload})
        )

    threads = [threading.Thread(target=click) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in responses) == [200, 200, 200]
    assert len({tuple(card_secrets(r)) for r in responses}) == 1 and len(card_secrets(responses[0])) == 40
    assert counts(app) == (41, 40)


def test_a_late_resend_shows_the_result_but_no_card_that_no_longer_works(app, client, classroom, clock):
    page = upload(client, classroom, "번호,이름\n1,김민준\n2,이서연\n".encode()).get_data(as_text=True)
    confirm(client, classroom, page)
    with app.app_context():
        student = db.session.execute(sa.select(User).filter_by(display_name="김민준")).scalar_one()
        set_password(student, "a password of my own")
        db.session.commit()
    again = confirm(client, classroom, page).get_data(as_text=True)
    assert [name for name, _p in card_names(again)] == ["이서연"]
    assert "카드 1장은 다시 보여 주지 않아요" in again
    clock.advance(minutes=20)
    client.get("/teach")  # still at work: the session stays open
    clock.advance(minutes=11)
    later = confirm(client, classroom, page).get_data(as_text=True)
    assert 'class="signin-card"' not in later and "카드 2장은 다시 보여 주지 않아요" in later
    assert "가져왔어요: 새 학생 2명" in later and counts(app) == (3, 2)


def card_names(page: str):
    return re.findall(r'<p class="card-name">([^<]+)</p>.*?<dd class="card-secret">([^<]+)</dd>', page, re.S)


def test_a_class_that_changed_since_the_preview_is_previewed_again(app, client, classroom):
    stale = upload(client, classroom, "번호,이름\n1,김민준\n".encode()).get_data(as_text=True)
    confirm(
        client, classroom, upload(client, classroom, "번호,이름\n1,이서연\n".encode()).get_data(as_text=True)
    )
    response = confirm(client, classroom, stale)
    page = html.unescape(response.get_data(as_text=True))
    assert (
        response.status_code == 200 and "미리 보기 뒤에 학급이 바뀌어서 아무것도 가져오지 않았어요." in page
    )
    assert (
        "2행: 이 학급에서 1번은 이미 이서연 학생이에요." in problem_lines(page)[0]
        or "1번" in problem_lines(page)[0]
    )
    assert counts(app) == (2, 1)


def set_school_pattern(app, school, pattern):
    with app.app_context():
        db.session.get(School, school).username_pattern = pattern
        db.session.commit()


def test_student_number_usernames_from_neis_columns(app, client, classroom, school):
    set_school_pattern(app, school, UsernamePattern.STUDENT_ID)
    page = upload(client, classroom, samples.neis_xlsx(3), "2-6.xlsx").get_data(as_text=True)
    assert ["20601", "20602", "20603"] == re.findall(r"<code>(\d+)</code>", page)
    assert "새 아이디: 학번 (예: 2학년 5반 1번은 20501)." in page
    confirm(client, classroom, page)
    with app.app_context():
        assert (
            db.session.execute(sa.select(User.username).filter_by(display_name="이서연")).scalar_one()
            == "20602"
        )


def test_student_number_usernames_from_the_class_name_with_the_school_in_front(
    app, client, teacher, make_classroom, school
):
    set_school_pattern(app, school, UsernamePattern.SCHOOL_STUDENT_ID)
    classroom = make_classroom(teacher, name="2학년 5반")
    page = upload(client, classroom, "번호,이름\n1,김민준\n12,이서연\n".encode()).get_data(as_text=True)
    assert re.findall(r"<code>([^<]+)</code>", page) == ["hanbit-20501", "hanbit-20512"]


def test_student_number_collisions_and_gaps_are_problems_on_their_lines(
    app, client, teacher, make_classroom, make_user, school
):
    set_school_pattern(app, school, UsernamePattern.STUDENT_ID)
    make_user(username="20502", school_id=school)  # last year's 2학년 5반 2번
    classroom = make_classroom(teacher, name="2학년 5반")
    page = html.unescape(
        upload(client, classroom, "번호,이름\n1,김민준\n2,이서연\n,박지호\n".encode()).get_data(as_text=True)
    )
    assert problem_lines(page) == [
        "3행: 20502 아이디는 이미 다른 사람이 쓰고 있어요(지난 학년도 학생일 수 있어요). 아이디 열에 이 행의 아이디를 적어 주세요.",
        "4행: 학번 아이디를 만들려면 번호가 필요해요. 번호를 넣거나 이 행에 아이디를 적어 주세요.",
    ]
    assert "문제 없는 행 1개만 가져오기 (3–4행 제외)" in page
    unnamed = make_classroom(teacher, name="보건 A반")
    page = html.unescape(upload(client, unnamed, "번호,이름\n1,김민준\n".encode()).get_data(as_text=True))
    assert problem_lines(page) == [
        "새 아이디는 학번으로 만드는데, 학번에는 학년과 반이 필요해요. 학년과 반 열을 넣거나, "
        '학급 이름을 2학년 5반처럼 바꿔 주세요(지금 이름: "보건 A반").'
    ]
    assert 'name="payload"' not in page


def form_values(page: str) -> dict:
    """What the page's form would send as it is: inputs, chosen options, text areas."""
    values = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="submit"' not in tag and ('type="checkbox"' not in tag or "checked" in tag):
            values[name.group(1)] = html.unescape(value.group(1)) if value else ""
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', options)
        values[name] = next(v for v in chosen.groups() if v is not None)
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = html.unescape(text).strip()
    return values


def test_the_admin_chooses_the_username_pattern_in_the_settings(app, make_user, school):
    make_user(role=Role.ADMIN, username="the.admin", school_id=school)
    admin = app.test_client()
    login(admin, "the.admin")
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "가져온 학생의 아이디" in page and "학번 (예: 2학년 5반 1번은 20501)" in page
    assert "학교 + 학번 (예: hanbit-20501, 여러 학교가 한 서버를 함께 쓸 때)" in page
    fields = form_values(page)
    assert fields["username_pattern"] == "class_number"
    del fields["username_pattern"]
    assert admin.post("/admin/settings", data={**fields, "username_pattern": "nonsense"}).status_code == 400
    assert admin.post("/admin/settings", data={**fields, "username_pattern": "student_id"}).status_code == 302
    with app.app_context():
        assert db.session.get(School, school).username_pattern == UsernamePattern.STUDENT_ID
    assert admin.post("/admin/settings", data=fields).status_code == 302  # a form without it keeps it
    with app.app_context():
        assert db.session.get(School, school).username_pattern == UsernamePattern.STUDENT_ID


CLI_FILES = [
    ("broken quote", "2-6.csv", samples.class_csv(30, broken_line=21)),
    ("quoted lines", "x.csv", '번호,이름\n1,"김\n민준"\n2,이서연\n'.encode()),
    ("extra cells", "x.csv", "번호,이름\n1,Kim, Minjun\n2,이서연\n".encode()),
    ("long name", "x.csv", ("이름\n" + "가" * 81 + "\n김민준\n").encode()),
    ("neis title row", "2-6.xlsx", samples.neis_xlsx(3, broken={2: [2, 6, "둘", "이서연", "여"]})),
    ("dimension claim", "x.xlsx", samples.dimension_claim(samples.xlsx([["이름"], ["김민준"]]))),
    (
        "formatting on the last row",
        "x.xlsx",
        samples.formatting_on_last_row(samples.xlsx([["이름"], ["김민준"]])),
    ),
    ("zip bomb", "x.xlsx", samples.zip_bomb(9)),
    ("understated zip", "x.xlsx", samples.understate_size(samples.zip_bomb(9), samples.SHEET)),
    ("too many rows", "x.csv", "\n".join(["이름", *samples.student_names(1001)]).encode()),
    ("old excel", "x.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512),
]


@pytest.mark.parametrize("name, filename, data", CLI_FILES, ids=[f[0] for f in CLI_FILES])
def test_the_command_line_says_what_the_web_preview_says(
    app, client, runner, classroom, tmp_path, name, filename, data
):
    page = html.unescape(upload(client, classroom, data, filename).get_data(as_text=True))
    path = tmp_path / filename
    path.write_bytes(data)
    result = runner.invoke(args=["roster", "import", str(path), "--class-id", str(classroom), "--dry-run"])
    printed = [
        line.removeprefix(f"{path}:") for line in result.output.splitlines() if line.startswith(str(path))
    ]
    said = [
        re.sub(r"^(\d+): ", r"\1행: ", line.lstrip(": "))
        for line in printed
        if "headings are on line" not in line
    ]
    assert said == problem_lines(page)
    assert (result.exit_code == 0) == (CONFIRM_ALL in page), result.output
    if "새 학생" in page:
        new = int(re.search(r"새 학생 (\d+)명", page).group(1))
        leave_out = runner.invoke(
            args=[
                "roster",
                "import",
                str(path),
                "--class-id",
                str(classroom),
                "--dry-run",
                "--leave-out-problem-rows",
            ]
        )
        assert leave_out.exit_code == 0 and f"Dry run: {new} new" in leave_out.output
    assert counts(app) == (1, 0)


def test_the_command_line_imports_the_good_rows_only_when_told(app, runner, classroom, tmp_path):
    path = tmp_path / "2-6.csv"
    path.write_bytes(samples.class_csv(5, broken_line=3))
    refused = runner.invoke(args=["roster", "import", str(path), "--class-id", str(classroom)])
    assert (
        refused.exit_code == 1
        and "--leave-out-problem-rows to import the 4 rows without problems (lines 3 left out)"
        in refused.output
    )
    assert counts(app) == (1, 0)
    done = runner.invoke(
        args=["roster", "import", str(path), "--class-id", str(classroom), "--leave-out-problem-rows"]
    )
    assert done.exit_code == 0 and "Imported: 4 new" in done.output and "Left out: lines 3." in done.output
    cards = [line.split("\t") for line in done.output.splitlines() if "\t" in line]
    assert [name for _username, _password, name in cards] == ["김민준", "박지호", "최하은", "정도윤"]
    with app.app_context():
        assert db.session.execute(sa.select(AuditEvent.detail)).scalar_one()["left_out"] == [3]


def test_a_whole_grade_of_1000_long_names_goes_through_preview_and_confirm(app, client, classroom):
    """The row limit, with every name at its longest: the confirm form still fits a request."""
    rows = [f"2,{1 + n // 35},{1 + n % 35},{'가' * 75}{n:05d}" for n in range(1000)]
    page = upload(client, classroom, samples.csv_bytes(["학년,반,번호,이름", *rows]), "2학년.csv").get_data(
        as_text=True
    )
    payload = re.search(r'name="payload" value="([^"]+)"', page).group(1)
    assert len(payload) < app.config.get("MAX_FORM_MEMORY_SIZE", 500_000) // 2, len(payload)
    cards = confirm(client, classroom, page)
    assert cards.status_code == 200 and cards.get_data(as_text=True).count('class="signin-card"') == 1000
    assert counts(app) == (1001, 1000)


def test_erasing_an_imported_student_takes_their_id_out_of_the_import_event(app, client, classroom):
    from dongui.school.privacy import delete_student

    confirm(
        client,
        classroom,
        upload(client, classroom, "번호,이름\n1,김민준\n2,이서연\n".encode()).get_data(as_text=True),
    )
    with app.app_context():
        minjun = db.session.execute(sa.select(User).filter_by(display_name="김민준")).scalar_one()
        seoyeon = db.session.execute(sa.select(User.id).filter_by(display_name="이서연")).scalar_one()
        minjun_id = minjun.id
        delete_student(minjun, None)
        db.session.commit()
        detail = db.session.execute(
            sa.select(AuditEvent.detail).filter_by(action="roster.import")
        ).scalar_one()
    assert detail["created"] == [seoyeon] and minjun_id not in detail["created"]
