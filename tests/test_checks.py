"""The before-and-after check (issue 20): who is asked and when, answering and skipping, the
daily release k answers at a time, the threshold and interval rules, the results pages and CSV,
and anonymity (no table, row order, log line or limiter key ties an answer to a student)."""

import csv
import io
import re
import shutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from dongui.content import load_catalog
from dongui.content.surveys import Survey, SurveyItem
from dongui.extensions import db
from dongui.models import (
    Assignment,
    CheckMark,
    CheckPhase,
    CheckTally,
    Excusal,
    ModuleProgress,
    PendingCheckAnswers,
    Role,
    School,
    User,
)
from dongui.school.checks import min_answers
from dongui.school.checks.answering import read_answers
from dongui.school.checks.asking import open_phase
from dongui.school.checks.results import build_results, difference_interval, wilson_interval
from tests.conftest import FIXTURE_CONTENT, login, release_questions

DONE = datetime(2026, 11, 20, tzinfo=UTC)
ITEMS = ("s1", "s2", "s3", "s4", "s5", "s6")


def survey_of(scale=4, aims=("agree",) * 6) -> Survey:
    items = tuple(
        SurveyItem(f"s{n}", "sample", aim, {"ko": f"문장{n}", "en": f"Statement {n}"})
        for n, aim in enumerate(aims, start=1)
    )
    labels = {"ko": [str(p) for p in range(1, scale + 1)], "en": [str(p) for p in range(1, scale + 1)]}
    return Survey(
        "t", 1, scale, items, {"ko": "t", "en": "t"}, {"ko": "", "en": ""}, labels, {"ko": "", "en": ""}
    )


# The rules, without an app ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "after, n_after, before, n_before, low, high",
    [
        # Newcombe (1998), Statistics in Medicine 17:873-890, table II, method 10.
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_the_interval_of_the_change_is_newcombes_hybrid_score_interval(
    after, n_after, before, n_before, low, high
):
    change, got_low, got_high = difference_interval(after, n_after, before, n_before)
    assert change == pytest.approx(after / n_after - before / n_before)
    assert (round(got_low, 4), round(got_high, 4)) == (low, high)


def test_the_wilson_interval_of_one_share():
    assert [round(x, 4) for x in wilson_interval(81, 263)] == [0.2553, 0.3662]  # Newcombe 1998a
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize(
    "assigned, excused, started, completed, done, expected",
    [
        (set(), set(), set(), set(), set(), None),  # nothing assigned: no check
        ({"a", "b"}, set(), set(), set(), set(), "before"),  # not started: before
        ({"a", "b"}, set(), {"c"}, {"c"}, set(), "before"),  # other modules don't count
        ({"a", "b"}, set(), {"a"}, set(), set(), None),  # started: the before has closed
        ({"a", "b"}, set(), {"a", "b"}, {"a"}, {"before"}, None),  # not finished yet
        ({"a", "b"}, set(), {"a", "b"}, {"a", "b"}, {"before"}, "after"),  # every module done: after
        ({"a", "b"}, set(), {"a", "b"}, {"a", "b"}, set(), "after"),  # the before was missed
        ({"a", "b"}, {"b"}, {"a"}, {"a"}, {"before"}, "after"),  # excused from the last
        ({"a"}, {"a"}, set(), set(), {"before"}, None),  # excused from everything
        ({"a"}, set(), {"a"}, {"a"}, {"before", "after"}, None),  # done with both halves
        ({"a"}, set(), set(), set(), {"after"}, None),
    ],
)
def test_who_is_asked_and_when(assigned, excused, started, completed, done, expected):
    phase = open_phase(assigned, excused, started, completed, {CheckPhase(d) for d in done})
    assert phase == (CheckPhase(expected) if expected else None)


def test_answers_are_points_of_the_scale_or_blank():
    survey = survey_of(scale=5)
    form = {"item-s1": "1", "item-s2": "5", "item-s3": "", "item-s4": " 3 "}
    assert read_answers(survey, form) == {"s1": 1, "s2": 5, "s3": 0, "s4": 3, "s5": 0, "s6": 0}
    for bad in ("6", "0", "-1", "x", "2.5"):
        with pytest.raises(ValueError):
            read_answers(survey, {"item-s1": bad})


def tallies(before_sets, after_sets, before=None, after=None, item="s1"):
    counts = {(CheckPhase.BEFORE, "", 0): before_sets, (CheckPhase.AFTER, "", 0): after_sets}
    for phase, values in ((CheckPhase.BEFORE, before or {}), (CheckPhase.AFTER, after or {})):
        for point, n in values.items():
            counts[(phase, item, point)] = n
    return counts


@pytest.mark.parametrize(
    "before, after, shown", [(9, 30, False), (30, 9, False), (10, 10, True), (0, 0, False)]
)
def test_results_show_only_when_both_halves_reach_k(before, after, shown):
    assert build_results(survey_of(), 10, tallies(before, after)).shown is shown


def test_k_is_the_schools_setting_never_below_five():
    assert min_answers(School(check_min_answers=10)) == 10
    assert min_answers(School(check_min_answers=3)) == 5
    assert min_answers(School(check_min_answers=25)) == 25


def test_agreement_is_the_top_two_points_and_the_verdict_follows_the_aim():
    four = build_results(
        survey_of(4, aims=("disagree",) + ("agree",) * 5),
        10,
        tallies(20, 20, before={1: 2, 2: 2, 3: 8, 4: 8}, after={1: 10, 2: 8, 3: 1, 4: 1, 0: 0}),
    )
    item = four.items[0]
    assert (item.agree_before, item.n_before, item.agree_after, item.n_after) == (16, 20, 2, 20)
    change, low, high = item.change
    assert change == pytest.approx(-0.7) and high < 0
    assert item.verdict == "aim"  # disagreement was the aim, and agreement fell
    five = build_results(survey_of(5), 10, tallies(12, 12, before={3: 12}, after={4: 6, 5: 6, 0: 0}))
    assert (five.items[0].agree_before, five.items[0].agree_after, five.items[0].verdict) == (0, 12, "aim")
    unclear = build_results(survey_of(), 10, tallies(10, 10, before={3: 5, 1: 5}, after={3: 6, 1: 4}))
    assert unclear.items[0].verdict == "unclear"
    blank = build_results(survey_of(), 10, tallies(10, 10, before={0: 10}, after={3: 10}))
    assert blank.items[0].change is None and blank.items[0].verdict == "unclear"


# The content ------------------------------------------------------------------------------------


def test_the_shipped_check_and_the_fixture_check_load_without_problems():
    from dongui.config import ROOT

    report = load_catalog(
        {
            "HELP_DIR": str(ROOT / "help"),
            "LESSONS_DIR": str(ROOT / "lessons"),
            "QUIZZES_DIR": str(ROOT / "quizzes"),
            "SURVEYS_DIR": str(ROOT / "surveys"),
        }
    )
    assert not report.errors and not [w for w in report.warnings if "surveys" in str(w)]
    survey = report.catalog.check_survey
    assert survey is not None and 6 <= len(survey.items) <= 10 and survey.scale in (4, 5)
    assert not survey.is_validated_scale
    assert (
        "연구용 척도가 아닙니다" in survey.notes["ko"]
        and "not a validated research scale" in survey.notes["en"]
    )
    modules = {m.slug for m in report.catalog.student_modules()}
    assert {item.module for item in survey.items} <= modules
    assert any(
        i.text["ko"] == "친구 사진으로 딥페이크를 만들어 돌려 보는 건 장난일 뿐이다." for i in survey.items
    )


def config_for(content) -> dict:
    from dongui.config import ROOT

    return {
        "HELP_DIR": str(ROOT / "help"),
        "LESSONS_DIR": str(content / "lessons"),
        "QUIZZES_DIR": str(content / "quizzes"),
    }


def broken_copy(tmp_path, change) -> list[str]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    change(content / "surveys" / "class-check")
    config = {**config_for(content), "SURVEYS_DIR": str(content / "surveys")}
    return [str(e) for e in load_catalog(config).errors]


def rewrite(path, old, new):
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


@pytest.mark.parametrize(
    "change, expected",
    [
        (lambda d: rewrite(d / "meta.yaml", "scale: 4", "scale: 7"), "meta.yaml:3: `scale` must be one of"),
        (
            lambda d: rewrite(d / "meta.yaml", "  - {id: s6, module: sample, aim: agree}\n", ""),
            "`items` must list 6 to 10 statements",
        ),
        (
            lambda d: rewrite(d / "meta.yaml", "aim: disagree}\n  - {id: s2", "aim: maybe}\n  - {id: s2"),
            "`aim` must be one of",
        ),
        (lambda d: rewrite(d / "meta.yaml", "id: s2,", "id: s1,"), "duplicate item id `s1`"),
        (
            lambda d: rewrite(
                d / "ko.yaml", "scale: [전혀 아니다, 아니다, 그렇다, 매우 그렇다]", "scale: [아니다, 그렇다]"
            ),
            "ko.yaml:3: `scale` must name all 4 points",
        ),
        (
            lambda d: rewrite(d / "en.yaml", "  s6: The sixth sample statement.\n", ""),
            "en.yaml:5: no statement for item `s6`",
        ),
        (
            lambda d: rewrite(d / "en.yaml", "  s6: The sixth", "  s7: The seventh"),
            "item `s7` is not in meta.yaml",
        ),
        (
            lambda d: rewrite(d / "ko.yaml", "넷째 표본 문장이다.", "딥페이크 피해를 당한 적이 있다."),
            "ko.yaml:8: item `s4` asks about the student's own experience",
        ),
        (
            lambda d: rewrite(d / "en.yaml", "The second sample statement.", "Have you ever seen one?"),
            "en.yaml:6: item `s2` asks about the student's own experience",
        ),
        (lambda d: (d / "en.yaml").unlink(), "en.yaml: file not found"),
    ],
)
def test_broken_checks_are_refused_with_file_and_line(tmp_path, change, expected):
    errors = broken_copy(tmp_path, change)
    assert any(expected in error for error in errors), errors


def test_a_statement_tied_to_an_unknown_module_is_a_warning(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, content)
    rewrite(
        content / "surveys" / "class-check" / "meta.yaml", "{id: s6, module: sample", "{id: s6, module: gone"
    )
    report = load_catalog({**config_for(content), "SURVEYS_DIR": str(content / "surveys")})
    assert not report.errors
    assert any("`gone`, which is not a module" in str(w) for w in report.warnings)


def test_content_check_lists_the_checks(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0 and "1 before-and-after check(s) in surveys/: class-check." in result.output


# A class and its students -------------------------------------------------------------------------


@pytest.fixture
def klass(app, make_school, make_user, make_classroom):
    """A class of 12 students with two modules assigned; the school's k is 5."""
    school = make_school(slug="hanbit", check_min_answers=5)
    teacher = make_user(role=Role.TEACHER, school_id=school, username="teacher")
    make_user(role=Role.ADMIN, school_id=school, username="boss")
    students = [
        make_user(school_id=school, username=f"s{n:02d}", display_name=f"NmStudent{n:02d}") for n in range(12)
    ]
    class_id = make_classroom(teacher, students=students, name="NmClass")
    with app.app_context():
        for position, slug in enumerate(("sample", "korean-only"), start=1):
            db.session.add(Assignment(classroom_id=class_id, module_slug=slug, position=position))
        db.session.commit()
    return {"id": class_id, "school": school, "students": students, "teacher": teacher}


def answer(app, username, class_id, points, action=None):
    client = app.test_client()
    login(client, username)
    data = {f"item-{item}": str(point) for item, point in zip(ITEMS, points, strict=False)}
    if action:
        data["action"] = action
    return client, client.post(f"/learn/checks/{class_id}", data=data)


def complete(app, student_id, *slugs):
    with app.app_context():
        for slug in slugs:
            db.session.add(
                ModuleProgress(
                    user_id=student_id,
                    module_slug=slug,
                    last_step=3,
                    attempts=1,
                    lesson_done_at=DONE,
                    quiz_passed_at=DONE,
                )
            )
        db.session.commit()


def pending(app):
    with app.app_context():
        return {
            (row.phase, len(row.entries))
            for row in db.session.execute(sa.select(PendingCheckAnswers)).scalars()
        }


def tally_rows(app):
    with app.app_context():
        return {
            (t.phase, t.item_id, t.point): t.count
            for t in db.session.execute(sa.select(CheckTally)).scalars()
        }


def test_a_student_is_invited_before_the_first_module_and_can_answer_once(app, client, klass):
    login(client, "s00")
    page = client.get("/learn").get_data(as_text=True)
    assert f"/learn/checks/{klass['id']}" in page and "짧은 확인" in page
    form = client.get(f"/learn/checks/{klass['id']}").get_data(as_text=True)
    assert "첫째 표본 문장이다." in form and "익명" in form and 'name="item-s1"' in form
    response = client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "4", "item-s2": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/learn")
    assert pending(app) == {(CheckPhase.BEFORE, 1)}
    assert f"/learn/checks/{klass['id']}" not in client.get("/learn").get_data(as_text=True)
    again = client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "1"})
    assert again.status_code == 302 and pending(app) == {(CheckPhase.BEFORE, 1)}  # not twice
    assert "확인할 것이 없어요" in client.get(f"/learn/checks/{klass['id']}").get_data(as_text=True)


def test_skipping_marks_the_student_done_and_hands_in_nothing(app, klass):
    _client, response = answer(app, "s01", klass["id"], (4, 4, 4), action="skip")
    assert response.status_code == 302 and pending(app) == set()
    with app.app_context():
        marks = db.session.execute(sa.select(CheckMark)).scalars().all()
        assert [(m.user_id, m.phase) for m in marks] == [(klass["students"][1], CheckPhase.BEFORE)]


def test_the_before_closes_once_a_module_is_started_and_the_after_opens_at_the_end(app, klass):
    student = klass["students"][2]
    with app.app_context():
        db.session.add(ModuleProgress(user_id=student, module_slug="sample", last_step=1, attempts=0))
        db.session.add(Excusal(classroom_id=klass["id"], student_id=student, module_slug="korean-only"))
        db.session.commit()
    client = app.test_client()
    login(client, "s02")
    assert f"/learn/checks/{klass['id']}" not in client.get("/learn").get_data(as_text=True)
    assert client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "2"}).status_code == 302
    assert pending(app) == set()  # nothing was open: nothing handed in
    with app.app_context():
        row = db.session.execute(sa.select(ModuleProgress).filter_by(user_id=student)).scalar_one()
        row.lesson_done_at = row.quiz_passed_at = DONE
        db.session.commit()
    page = client.get("/learn").get_data(as_text=True)
    assert f"/learn/checks/{klass['id']}" in page and "한 번 더" in page
    client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "2"})
    assert pending(app) == {(CheckPhase.AFTER, 1)}


def test_a_bad_point_is_refused_and_nothing_is_recorded(app, klass):
    _client, response = answer(app, "s03", klass["id"], (9,))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(sa.select(sa.func.count()).select_from(CheckMark)).scalar_one() == 0
    assert pending(app) == set()


def test_other_classes_staff_and_signed_out_cannot_open_a_check(
    app, client, klass, make_user, make_classroom
):
    outsider = make_user(school_id=klass["school"], username="outsider")
    make_classroom(klass["teacher"], students=[outsider], name="Other")
    login(client, "outsider")
    assert client.get(f"/learn/checks/{klass['id']}").status_code == 404
    assert client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "1"}).status_code == 404
    assert client.get("/learn/checks/999999").status_code == 404
    for staff in ("teacher", "boss"):
        other = app.test_client()
        login(other, staff)
        assert other.get(f"/learn/checks/{klass['id']}").status_code == 403
    assert app.test_client().get(f"/learn/checks/{klass['id']}").status_code == 302


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_check_without_the_csrf_token_is_refused(app, klass):
    from tests.worlds import login_with_csrf

    client = app.test_client()
    login_with_csrf(client, "s04")
    assert client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "1"}).status_code == 400
    assert pending(app) == set()


def test_the_release_adds_answers_only_k_at_a_time(app, klass, clock):
    for n in range(4):
        answer(app, f"s{n:02d}", klass["id"], (4, 3, 2, 1, 4, 4))
    release_questions(app)
    assert tally_rows(app) == {} and pending(app) == {(CheckPhase.BEFORE, 4)}  # 4 < k: they wait
    answer(app, "s04", klass["id"], (1, 1, 1, 1, 1, 1))
    answer(app, "s05", klass["id"], (), action="skip")
    release_questions(app)
    counts = tally_rows(app)
    assert pending(app) == set()
    assert counts[(CheckPhase.BEFORE, "", 0)] == 5
    assert counts[(CheckPhase.BEFORE, "s1", 4)] == 4 and counts[(CheckPhase.BEFORE, "s1", 1)] == 1
    assert sum(n for (phase, item, _p), n in counts.items() if item == "s2") == 5


def answer_both_halves(app, klass, before, after):
    """`before` students answer before; then `after` students finish both modules and answer."""
    for n in range(before):
        answer(app, f"s{n:02d}", klass["id"], (4, 3, 2, 2, 3, 4))
    release_questions(app)
    for n in range(after):
        complete(app, klass["students"][n], "sample", "korean-only")
        answer(app, f"s{n:02d}", klass["id"], (1, 4, 4, 1, 3, 4))
    release_questions(app)


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_below_k_the_class_page_and_csv_say_why_and_show_nothing(app, klass):
    answer_both_halves(app, klass, before=6, after=4)
    teacher = app.test_client()
    login(teacher, "teacher")
    text = page_text(teacher.get(f"/teach/classes/{klass['id']}/checks"))
    assert (
        "학생을 가리킬 수 없도록" in text
        and "수업 전: 지금까지 6명" in text
        and "수업 후: 지금까지 0명" in text
    )
    assert "첫째 표본 문장이다." not in text and "%p" not in text
    rows = list(
        csv.reader(
            io.StringIO(
                teacher.get(f"/teach/classes/{klass['id']}/checks/export.csv").get_data().decode("utf-8-sig")
            )
        )
    )
    assert len(rows) == 2 and "5" in rows[1][1] and rows[1][3] == "6/0"


def test_above_k_the_class_sees_both_distributions_and_the_change(app, klass):
    answer_both_halves(app, klass, before=6, after=6)
    teacher = app.test_client()
    login(teacher, "teacher")
    response = teacher.get(f"/teach/classes/{klass['id']}/checks")
    text = page_text(response)
    assert "수업 전 답 6명, 수업 후 답 6명" in text
    assert "첫째 표본 문장이다." in text and "-100%p" in text  # s1: all agreed before, none after
    assert "연구용 척도가 아니에요" in text and "짝지어" in text
    html = response.get_data(as_text=True)
    assert html.count('class="check-chart"') == 6 and html.count("<desc") >= 6
    assert not re.search(r"NmStudent", html)
    rows = list(
        csv.reader(
            io.StringIO(
                teacher.get(f"/teach/classes/{klass['id']}/checks/export.csv").get_data().decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:4] == ["집단", "문장", "시점", "답한 수"]
    s1 = [r for r in rows if r[1] == "첫째 표본 문장이다."]
    assert [r[2] for r in s1] == ["수업 전", "수업 후"] and s1[0][4:8] == ["0", "0", "0", "6"]
    assert s1[1][10:] == ["-100", "-100", "-45"]
    # The school admin reads it too; another class's teacher does not.
    boss = app.test_client()
    login(boss, "boss")
    assert boss.get(f"/teach/classes/{klass['id']}/checks").status_code == 200


def test_other_teachers_cannot_see_a_classes_results(app, klass, make_user):
    make_user(role=Role.TEACHER, school_id=klass["school"], username="colleague")
    make_user(role=Role.TEACHER, username="stranger")
    for username in ("colleague", "stranger"):
        other = app.test_client()
        login(other, username)
        assert other.get(f"/teach/classes/{klass['id']}/checks").status_code == 404
        assert other.get(f"/teach/classes/{klass['id']}/checks/export.csv").status_code == 404


def test_the_school_figures_add_only_classes_that_pass(app, klass, make_user, make_classroom):
    small = [make_user(school_id=klass["school"], username=f"m{n}") for n in range(3)]
    small_class = make_classroom(klass["teacher"], students=small, name="Small")
    with app.app_context():
        db.session.add(Assignment(classroom_id=small_class, module_slug="sample", position=1))
        db.session.commit()
    boss = app.test_client()
    login(boss, "boss")
    text = page_text(boss.get("/admin/checks"))
    assert "학생을 가리킬 수 없도록" in text  # nothing has passed yet: the school shows nothing
    answer_both_halves(app, klass, before=6, after=6)
    for n in range(3):  # the small class answers both halves, but stays under k
        answer(app, f"m{n}", small_class, (1, 1, 1, 1, 1, 1))
        complete(app, small[n], "sample")
        answer(app, f"m{n}", small_class, (4, 4, 4, 4, 4, 4))
    release_questions(app)
    text = page_text(boss.get("/admin/checks"))
    assert "수업 전 답 6명, 수업 후 답 6명" in text  # the small class's 3 + 3 are not added
    assert "NmClass" in text and "Small" in text


def test_the_setting_k_cannot_go_below_five(app, klass):
    boss = app.test_client()
    login(boss, "boss")
    page = boss.get("/admin/settings").get_data(as_text=True)
    assert 'name="check_min_answers"' in page
    with app.app_context():
        school = db.session.get(School, klass["school"])
        fields = {
            "name": school.name,
            "timezone": school.timezone,
            "default_locale": "ko",
            "username_pattern": school.username_pattern.value,
            "help_contacts": "",
            "question_release_hour": "0",
        }
    refused = boss.post("/admin/settings", data={**fields, "check_min_answers": "4"})
    assert refused.status_code == 400 and "5부터 1000까지" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(School, klass["school"]).check_min_answers == 5
    boss.post("/admin/settings", data={**fields, "check_min_answers": "12"})
    with app.app_context():
        assert db.session.get(School, klass["school"]).check_min_answers == 12


# Anonymity ----------------------------------------------------------------------------------------


def test_no_table_has_a_column_that_could_hold_who_answered():
    for model in (PendingCheckAnswers, CheckTally):
        columns = {c.name for c in model.__table__.columns}
        assert not columns & {"user_id", "student_id", "created_at", "at", "submitted_at", "created_on"}, (
            model
        )
        assert not [fk for fk in model.__table__.foreign_keys if fk.column.table.name == "users"], model
    assert {c.name for c in CheckMark.__table__.columns} == {"user_id", "classroom_id", "phase"}


def test_an_answer_changes_only_the_mark_and_a_nameless_pending_list(app, klass):
    from tests.worlds import changes, snapshot

    before = snapshot(app)
    answer(app, "s05", klass["id"], (4, 3, 2, 1, 1, 1))
    diff = changes(before, snapshot(app))
    assert set(diff) == {"check_marks", "pending_check_answers"}, diff
    assert diff["check_marks"]["added"] == [
        (repr(klass["students"][5]), repr(klass["id"]), repr(CheckPhase.BEFORE))
    ]
    with app.app_context():
        username = db.session.get(User, klass["students"][5]).username
    assert not any(
        str(klass["students"][5]) in cell or username in cell
        for row in diff["pending_check_answers"]["added"]
        for cell in row[2:]
    )


def test_the_pending_list_is_not_in_the_order_of_arrival(app, klass):
    """Twelve students answer one after the other, each with their own pattern; the list as
    stored is a shuffle of them (the chance of keeping the arrival order is 1 in 12!)."""
    patterns = [(1 + n % 4, 1 + n // 4, 1, 1, 1, 1) for n in range(12)]
    for n, points in enumerate(patterns):
        answer(app, f"s{n:02d}", klass["id"], points)
    with app.app_context():
        entries = db.session.execute(sa.select(PendingCheckAnswers.entries)).scalar_one()
    stored = [(e["s1"], e["s2"]) for e in entries]
    assert sorted(stored) == sorted(p[:2] for p in patterns)
    assert stored != [p[:2] for p in patterns]


def test_the_check_leaves_no_log_line_no_last_seen_and_no_limiter_key(app, klass, caplog, clock):
    import logging

    from dongui.anonymity import is_anonymous_path
    from dongui.extensions import limiter

    assert is_anonymous_path(f"/learn/checks/{klass['id']}") and is_anonymous_path(
        f"//learn/checks/{klass['id']}/"
    )
    client = app.test_client()
    login(client, "s06")
    with app.app_context():
        seen = db.session.get(User, klass["students"][6]).last_seen_at
    clock.advance(minutes=30)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    client.get(f"/learn/checks/{klass['id']}")
    client.post(f"/learn/checks/{klass['id']}", data={"item-s1": "3"})
    assert not [r for r in caplog.records if "checks" in r.getMessage()]
    with app.app_context():
        assert db.session.get(User, klass["students"][6]).last_seen_at == seen
    storage = limiter.storage
    keys = list(getattr(storage, "storage", {}) or {}) + list(getattr(storage, "expirations", {}) or {})
    assert not [key for key in keys if "check" in str(key)]
    store = app.extensions.get("question_limit", {}).get("memory")
    assert store is None or not store.counts
