"""The letter home (가정통신문, issue 19): its standing text in letters/ checked like lessons; the
print view and the plain text made from the class's real assignments; the return slips, where
a module kept for home is an excusal (가정 요청), logged; the dashboard and the school report."""

import re
import shutil
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dongui.config import ROOT
from dongui.content.checks import Problems
from dongui.content.help import load_help
from dongui.content.letters import SECTIONS, html_to_text, load_letter
from dongui.extensions import db
from dongui.models import Assignment, AuditEvent, Excusal, LetterSlip, Role, School
from tests.conftest import login

DONE = datetime(2026, 11, 20, tzinfo=UTC)


@pytest.fixture
def world(app, client, make_user, make_school, make_classroom):
    school = make_school(
        slug="lt",
        name="NmHanbit",
        help_contacts=[
            {
                "name": "상담 선생님",
                "phone": "02-000-0000",
                "note": "본관 2층",
                "name_en": "School counsellor",
                "note_en": "Main building",
            }
        ],
    )
    teacher = make_user(role=Role.TEACHER, username="teach", school_id=school, display_name="NmTeacherKim")
    students = [
        make_user(username=f"lt{n}", school_id=school, display_name=name)
        for n, name in enumerate(("NmGana", "NmDara", "NmMaba"), start=1)
    ]
    class_id = make_classroom(teacher, students=students, name="NmClass")
    with app.app_context():
        db.session.add_all(
            [
                Assignment(classroom_id=class_id, module_slug="sample", position=1, due_on=date(2026, 12, 5)),
                Assignment(classroom_id=class_id, module_slug="korean-only", position=2),
            ]
        )
        db.session.commit()
    login(client, "teach")
    return {"school": school, "class": class_id, "students": students, "base": f"/teach/classes/{class_id}"}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


# The content


def load(folder):
    problems = Problems()
    help_content = load_help(ROOT / "help", problems)
    return load_letter(folder, help_content, problems), problems


def test_the_shipped_letter_loads_in_both_languages_with_every_section():
    letter, problems = load(ROOT / "letters")
    assert problems.errors == [] and problems.warnings == [], [str(p) for p in problems.errors]
    for locale in ("ko", "en"):
        text = letter.text(locale)
        assert list(text.sections) == list(SECTIONS) and text.title and text.reply
        assert set(text.slip) >= {"confirm", "questions", "home", "reason"}
        help_html = str(text.section("help").html)
        assert 'href="tel:1366"' in help_html and "help-ref" in help_html  # named with [[help:…]]
        assert "1366" in text.section("help").text  # and in the plain text too
    assert letter.text("ko").slip["confirm"].startswith("안내문을 읽고 확인했습니다")


@pytest.fixture
def letters(tmp_path):
    folder = tmp_path / "letters"
    shutil.copytree(ROOT / "letters", folder)
    return folder


@pytest.mark.parametrize(
    "change, message",
    [
        (("## 도움이 필요할 때 {: .help }", "## 도움이 필요할 때"), "a letter section is marked with one of"),
        (
            ("## 왜 이 수업을 하나요 {: .why }", "## 왜 이 수업을 하나요 {: .home }"),
            "the `.home` section is there twice",
        ),
        (("[[help:d4u]]", "1366"), "`1366` is typed in"),
        (("[[help:police]]", "[[help:nope]]"), "unknown help channel `[[help:nope]]`"),
        (("학생과 보호자 모두", "![사진](x.png) 학생과 보호자 모두"), "a letter home shows no image"),
        (("학생과 보호자 모두", "d4u.stop.or.kr 에서 학생과 보호자 모두"), "is typed in"),
        (('  cut: "자르는 선"\n', ""), "missing key `cut`"),
        (("closing:", "closing_words:"), "unknown key `closing_words`"),
    ],
)
def test_the_loader_refuses_a_broken_letter(letters, change, message):
    path = letters / "ko.md"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    letter, problems = load(letters)
    assert letter is None
    assert any(message in str(p) and str(p).startswith(str(path)) for p in problems.errors), [
        str(p) for p in problems.errors
    ]


def test_a_letter_needs_both_languages_and_no_shared_protocol(letters):
    (letters / "en.md").unlink()
    letter, problems = load(letters)
    assert letter is None and any("both languages" in str(p) for p in problems.errors)


def test_content_check_reports_a_broken_letter(app, letters, runner):
    from dongui import create_app
    from tests.conftest import base_config

    (letters / "ko.md").write_text((letters / "ko.md").read_text().replace("{: .school }", "{: .other }"))
    checking = create_app(
        base_config(app.config["SQLALCHEMY_DATABASE_URI"], LETTERS_DIR=str(letters), CONTENT_STRICT=False)
    )
    result = checking.test_cli_runner().invoke(args=["content", "check"])
    assert (
        result.exit_code != 0 and "ko.md" in result.output and "a letter section is marked" in result.output
    )


def test_html_to_text_keeps_paragraphs_and_lists():
    assert (
        html_to_text(
            "<p>One <strong>two</strong>.</p>\n<ul>\n<li>a</li>\n<li>b <em>c</em></li>\n</ul><p>End</p>"
        )
        == "One two.\n\n- a\n- b c\n\nEnd"
    )


# The print view and the plain text


def test_the_letter_is_made_from_the_classs_assignments(client, world):
    page = client.get(f"{world['base']}/letter?lang=ko").get_data(as_text=True)
    text = text_of(page)
    assert "NmHanbit · NmClass" in text and "동의와 존중" in text
    assert "표본 수업" in text and "시험용 수업이에요." in text  # the module's family line, else its summary
    assert "2026년 12월 5일" in text
    assert "상담 선생님: 02-000-0000 (본관 2층)" in text and "NmTeacherKim" in text
    assert "디지털성범죄피해자지원센터" in text  # help from help/channels.yaml
    # one letter and slip per student, their names and numbers on the slips
    assert page.count('class="letter-set"') == 3 and page.count('<section class="slip">') == 3
    assert re.search(r'slip-fill">1</span>.*?slip-fill slip-fill-wide">NmGana<', page, re.S)
    printed = page.split('<div class="letters">')[1]
    for private in ("lt1", "lt2", "password", "username"):  # names and numbers only, nothing to sign in with
        assert private not in printed


def test_the_letter_in_english_both_and_as_a_class_list(client, world):
    english = text_of(client.get(f"{world['base']}/letter?lang=en").get_data(as_text=True))
    assert "Lessons on consent, respect and staying safe online" in english and "Sample lesson" in english
    assert "December 5, 2026" in english and "School counsellor: 02-000-0000 (Main building)" in english
    both = client.get(f"{world['base']}/letter?lang=both&layout=list").get_data(as_text=True)
    assert (
        both.count('<article class="letter" lang="ko">') == 1
        and both.count('<article class="letter" lang="en">') == 1
    )
    assert both.count('<section class="slip">') == 3  # the class list of slips
    assert "확인했습니다. / I have read this letter." in text_of(
        both
    ) or "안내문을 읽고 확인했습니다. / I have read this letter." in text_of(both)
    for bad in ("lang=fr", "layout=poster"):
        assert client.get(f"{world['base']}/letter?{bad}").status_code == 404


def test_the_plain_text_version_for_a_messaging_app(client, world):
    page = client.get(f"{world['base']}/letter?lang=both&format=text").get_data(as_text=True)
    texts = re.findall(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert len(texts) == 2
    korean = texts[0]
    assert korean.startswith("[가정통신문] 동의와 존중") and "<p>" not in korean and "&lt;" not in korean
    assert "- 표본 수업 (마감일 2026년 12월 5일): 시험용 수업이에요." in korean
    assert "■ 도움이 필요할 때" in korean and "디지털성범죄피해자지원센터 (1366 · d4u.stop.or.kr)" in korean
    assert "① 확인했습니다" in korean  # how to reply, in place of the slip
    assert "[Letter home] Lessons on consent" in texts[1]


def test_the_schools_own_why_text_replaces_the_standard_one(app, client, world, make_user):
    make_user(role=Role.ADMIN, username="boss", school_id=world["school"])
    admin = app.test_client()
    login(admin, "boss")
    form = admin.get("/admin/settings").get_data(as_text=True)
    assert "letter_why_ko" in form and "participation_completes" in form
    response = admin.post(
        "/admin/settings",
        data={
            "name": "NmHanbit",
            "timezone": "Asia/Seoul",
            "default_locale": "ko",
            "question_release_hour": "0",
            "username_pattern": "class_number",
            "help_contacts": "상담 선생님 | 02-000-0000 | 본관 2층",
            "letter_why_ko": "우리 학교는 **서로 존중하는** 학교를 만들기 위해 이 수업을 합니다.",
            "letter_why_en": "",
            "participation_completes": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    with app.app_context():
        school = db.session.get(School, world["school"])
        assert school.letter_why == {
            "ko": "우리 학교는 **서로 존중하는** 학교를 만들기 위해 이 수업을 합니다."
        }
        assert school.participation_completes is True
        event = (
            db.session.execute(sa.select(AuditEvent).filter_by(action="school.settings")).scalars().all()[-1]
        )
        assert {"letter_why", "participation_completes"} <= set(event.detail["settings"])
    korean = client.get(f"{world['base']}/letter?lang=ko").get_data(as_text=True)
    assert "<strong>서로 존중하는</strong>" in korean and "사회 문제가 되었습니다" not in korean
    english = client.get(f"{world['base']}/letter?lang=en").get_data(as_text=True)
    assert "a serious problem" in english  # no English text written: the standard one


# The slips


def post_slips(client, world, **fields):
    return client.post(f"{world['base']}/slips", data=fields)


def test_slips_are_recorded_and_a_module_kept_home_is_a_logged_excusal(app, client, world):
    gana, dara, maba = world["students"]
    response = post_slips(
        client, world, **{f"returned-{gana}": "1", f"questions-{dara}": "1", f"home-{maba}": ["sample"]}
    )
    assert response.status_code == 302
    with app.app_context():
        slips = {s.student_id: s for s in db.session.execute(sa.select(LetterSlip)).scalars()}
        assert (
            set(slips) == {gana, dara, maba} and slips[dara].has_questions and not slips[gana].has_questions
        )
        excusal = db.session.execute(sa.select(Excusal)).scalar_one()
        assert (excusal.student_id, excusal.module_slug, excusal.reason) == (maba, "sample", "family")
        actions = [
            e.action for e in db.session.execute(sa.select(AuditEvent).order_by(AuditEvent.id)).scalars()
        ]
        assert "student.excuse_family" in actions and actions[-1] == "class.slips"
    page = client.get(f"{world['base']}/slips").get_data(as_text=True)
    assert f'name="home-{maba}" value="sample" checked' in page
    dashboard = text_of(client.get(world["base"]).get_data(as_text=True))
    assert "면제" in dashboard  # the excusal shows on the grid
    # Taking the box back takes back the excusal; a slip left blank is not returned.
    post_slips(client, world, **{f"returned-{gana}": "1", f"returned-{maba}": "1"})
    with app.app_context():
        assert db.session.execute(sa.select(Excusal)).first() is None
        assert {s.student_id for s in db.session.execute(sa.select(LetterSlip)).scalars()} == {gana, maba}
        assert db.session.execute(sa.select(AuditEvent).filter_by(action="student.unexcuse")).first()


def test_slips_leave_other_excusals_alone_and_refuse_unassigned_modules(app, client, world):
    gana, dara, _maba = world["students"]
    with app.app_context():
        db.session.add(Excusal(classroom_id=world["class"], student_id=dara, module_slug="sample"))
        db.session.commit()
    page = client.get(f"{world['base']}/slips").get_data(as_text=True)
    assert f'name="home-{dara}" value="sample"' not in page  # excused already, for another reason
    post_slips(client, world, **{f"returned-{dara}": "1", f"home-{dara}": ["korean-only"]})
    with app.app_context():
        reasons = {e.module_slug: e.reason for e in db.session.execute(sa.select(Excusal)).scalars()}
        assert reasons == {"sample": None, "korean-only": "family"}
    assert post_slips(client, world, **{f"home-{gana}": ["staff-only"]}).status_code == 400
    # a field naming a student of another class changes nothing
    assert post_slips(client, world, **{"returned-99999": "1"}).status_code == 302
    with app.app_context():
        assert 99999 not in {s.student_id for s in db.session.execute(sa.select(LetterSlip)).scalars()}


def test_the_dashboard_names_who_has_not_returned_a_slip_and_the_report_counts_them(
    app, client, world, make_user
):
    gana, dara, maba = world["students"]
    assert "slips-notice" not in client.get(world["base"]).get_data(as_text=True)  # no slips recorded yet
    post_slips(client, world, **{f"returned-{gana}": "1", f"questions-{dara}": "1"})
    notice = (
        client.get(world["base"])
        .get_data(as_text=True)
        .split('class="notice slips-notice"')[1]
        .split("</p>")[0]
    )
    assert "NmMaba" in notice and "NmGana" not in notice and "NmDara" not in notice
    make_user(role=Role.ADMIN, username="boss", school_id=world["school"])
    admin = app.test_client()
    admin.set_cookie("lang", "en")
    login(admin, "boss")
    report = text_of(admin.get("/admin").get_data(as_text=True))
    assert "2 of 3 · 1 with questions" in report
    post_slips(
        client, world, **{f"returned-{gana}": "1", f"returned-{dara}": "1", f"home-{maba}": ["sample"]}
    )
    report = text_of(admin.get("/admin").get_data(as_text=True))
    assert "3 of 3 · 1 kept home" in report


def test_a_students_export_holds_their_class_records(app, client, world):
    from dongui.models import ClassParticipation, User
    from dongui.school.privacy import export_student

    gana = world["students"][0]
    post_slips(client, world, **{f"questions-{gana}": "1", f"home-{gana}": ["sample"]})
    with app.app_context():
        db.session.add(
            ClassParticipation(
                classroom_id=world["class"],
                student_id=gana,
                module_slug="korean-only",
                attended_on=date(2026, 11, 24),
            )
        )
        db.session.commit()
        data = export_student(db.session.get(User, gana))
    assert data["letter_slips"][0]["has_questions"] is True
    assert data["class_participation"] == [
        {
            "class": "NmClass",
            "module": "korean-only",
            "took_part_on": "2026-11-24",
            "passed_on_paper_on": None,
        }
    ]
    assert data["excusals"][0]["reason"] == "family"


def test_the_schools_why_text_is_sanitised(app, client, world):
    with app.app_context():
        db.session.get(School, world["school"]).letter_why = {
            "ko": "<script>alert(1)</script> [눌러요](javascript:alert(1)) <img src=x onerror=alert(1)> 안전한 글"
        }
        db.session.commit()
    page = client.get(f"{world['base']}/letter?lang=ko").get_data(as_text=True)
    printed = page.split('<div class="letters">')[1]
    assert "안전한 글" in printed
    for bad in ("<script>alert", "javascript:", "onerror", "<img"):
        assert bad not in printed, bad
