"""Whole journeys in a real browser, at desktop and phone sizes, with screenshots at each step.

A student: one-time password, own password, the sample module's steps, a failed then a passed
quiz, and the module completed on /learn. A teacher: a new class, a class list file, sign-in
cards, every module assigned in one form; then one imported student signs in from the card and the teacher sees
that student's step on the dashboard and the student page.
(Quick exit, Back after sign-out and the language switch are in test_layout_journeys.py.)
"""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, SIZES, screenshot

STEP_COUNT = 4  # tests/content/good/lessons/sample: three steps and one for ages 15 and up
# tests/content/good/quizzes/sample.yaml, by prompt and choice label (pass mark 0.6)
WRONG_ANSWERS = {"첫 질문": ["틀린 답"], "모두 고르세요": ["다"], "참일까요?": ["맞아요"]}
RIGHT_ANSWERS = {"첫 질문": ["맞는 답"], "모두 고르세요": ["가", "나"], "참일까요?": ["아니에요"]}
ROSTER_CSV = "번호,이름\n1,가나다\n2,라마바\n3,사아자\n".encode()

sizes = pytest.mark.parametrize("size", list(SIZES))


def sign_in(page, username, password=DEMO_PASSWORD):
    page.goto("/login")
    page.get_by_label("아이디").fill(username)
    page.get_by_label("비밀번호").fill(password)
    page.locator("main").get_by_role("button", name="로그인").click()


def change_password(page, new_password):
    page.get_by_label("새 비밀번호", exact=True).fill(new_password)
    page.get_by_label("새 비밀번호 확인").fill(new_password)
    page.locator("main").get_by_role("button", name="비밀번호 바꾸기").click()


def open_sample_module(page):
    """From /learn, through the content note, to the module's start button."""
    page.get_by_role("link", name="표본 수업").click()
    expect(page.locator(".content-note")).to_contain_text("이 수업은 어려운 이야기를 다뤄요.")
    return page.locator(".content-note").get_by_role("link", name="계속하기")


def expect_step(page, number):
    expect(page.locator(".step-progress")).to_contain_text(f"{STEP_COUNT}단계 중 {number}단계")


def answer_quiz(page, answers):
    """answers: {question prompt: [choice labels]}; choices are shuffled, so find them by label."""
    for prompt, labels in answers.items():
        question = page.locator("fieldset.question").filter(has_text=prompt)
        for label in labels:
            question.get_by_label(label, exact=True).check()
    page.get_by_role("button", name="답 제출하기").click()


def shooter(page, prefix):
    """`shot(name)`: a full-page screenshot kept in test-artifacts/ as <prefix>-<name>.png."""
    return lambda name: screenshot(page, f"{prefix}-{name}")


def assert_no_sideways_scroll(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, (page.url, overflow)


@sizes
def test_student_changes_password_reads_the_module_fails_then_passes_the_quiz(open_page, size):
    page = open_page(size)
    shot = shooter(page, f"journey-student-{size}")

    sign_in(page, f"e2e-learner-{size}")
    expect(page).to_have_url(re.compile(r"/password$"))
    expect(page.locator(".notice")).to_contain_text("임시 비밀번호")
    page.goto("/learn")  # nothing else opens before the one-time password is replaced
    expect(page).to_have_url(re.compile(r"/password$"))
    change_password(page, "password1")  # long enough, but on the common-passwords list
    expect(page.locator(".field-errors")).to_contain_text("너무 흔한 비밀번호")
    expect(page).to_have_url(re.compile(r"/password$"))
    shot("01-password-too-common")
    change_password(page, "seven7!")
    expect(page.locator(".field-errors")).to_contain_text("8자 이상")
    change_password(page, "가을 하늘 높은 날")
    expect(page).to_have_url(re.compile(r"/learn$"))
    shot("02-learn")

    past_the_note = open_sample_module(page)
    shot("03-content-note")
    past_the_note.click()
    page.get_by_role("button", name="수업 시작하기").click()
    for number in range(1, STEP_COUNT):
        expect_step(page, number)
        assert_no_sideways_scroll(page)
        shot(f"04-step-{number}")
        page.get_by_role("button", name="다음", exact=True).click()
    expect_step(page, STEP_COUNT)
    expect(page.get_by_role("heading", level=1)).to_have_text("더 알아보기")
    shot(f"04-step-{STEP_COUNT}")
    page.get_by_role("button", name="수업 마치기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("핵심 정리")
    expect(page.locator(".key-points")).to_contain_text("첫째 요점")
    shot("05-lesson-end")

    page.locator("main").get_by_role("link", name="확인 문제 풀기").click()
    expect(page.locator("fieldset.question")).to_have_count(3)
    shot("06-quiz")
    answer_quiz(page, WRONG_ANSWERS)
    expect(page.get_by_role("heading", level=1)).to_have_text("결과")
    expect(page.locator(".result-summary")).to_have_class(re.compile("not-passed"))
    expect(page.locator(".result-summary")).to_contain_text("아직 통과하지 못했어요")
    expect(page.locator(".result.wrong")).to_have_count(3)
    assert_no_sideways_scroll(page)
    shot("07-result-failed")

    page.get_by_role("link", name="다시 풀기").click()
    answer_quiz(page, RIGHT_ANSWERS)
    expect(page.locator(".result-summary")).to_have_class(re.compile(r"(^|\s)passed(\s|$)"))
    expect(page.locator(".result-summary")).to_contain_text("통과했어요.")
    expect(page.locator(".result.right")).to_have_count(3)
    shot("08-result-passed")

    page.get_by_role("link", name="단원으로 돌아가기").click()
    expect(page.locator(".attempt-list li")).to_have_count(2)
    page.goto("/learn")
    card = page.locator(".module-card").filter(has_text="표본 수업")
    expect(card.locator(".status-completed")).to_contain_text("이수")
    expect(card.locator(".status-completed")).to_contain_text("100%")
    shot("09-learn-completed")


def create_class_and_import_roster(page, class_name, shot):
    page.get_by_label("학급 이름").fill(class_name)
    page.get_by_label("학년도").fill(str(date.today().year))
    page.locator("main").get_by_role("button", name="저장").click()
    expect(page).to_have_url(re.compile(r"/teach/classes/\d+/import$"))
    class_id = int(re.search(r"/classes/(\d+)/", page.url).group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text(class_name)
    shot("02-import")
    page.get_by_label("학생 명단 파일 (.xlsx 또는 .csv)").set_input_files(
        {"name": "명단.csv", "mimeType": "text/csv", "buffer": ROSTER_CSV}
    )
    page.locator("main").get_by_role("button", name="미리 보기").click()
    expect(page.get_by_role("heading", level=2, name="미리 보기")).to_be_visible()
    expect(page.locator("main tbody tr")).to_have_count(3)
    expect(page.locator("main tbody")).to_contain_text("라마바")
    shot("03-preview")
    page.get_by_role("button", name="가져오기 확정").click()
    return class_id


def read_first_card(page):
    card = page.locator(".signin-card").first
    expect(card.locator(".card-name")).to_have_text("가나다")
    username, password = (text.strip() for text in card.locator(".card-secret").all_inner_texts())
    assert username and len(password) >= 8, (username, password)
    return username, password


@sizes
def test_teacher_imports_a_class_and_sees_a_students_progress(open_page, size):
    page = open_page(size)
    # The print button calls window.print(); count the calls instead of opening a dialog.
    page.context.add_init_script(
        "window.print = () => { window.printCalls = (window.printCalls || 0) + 1; };"
    )
    shot = shooter(page, f"journey-teacher-{size}")
    class_name = f"e2e {size} 1반"

    sign_in(page, "demo-teacher")
    expect(page).to_have_url(re.compile(r"/teach$"))
    shot("01-my-classes")
    class_id = create_class_and_import_roster(page, class_name, shot)

    expect(page.locator(".signin-card")).to_have_count(3)
    expect(page.locator(".notice[role=alert]")).to_contain_text("지금 한 번만")
    username, password = read_first_card(page)
    shot("04-cards")
    page.get_by_role("button", name="카드 인쇄하기").click()
    assert page.evaluate("window.printCalls") == 1
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    expect(page.locator("header").first).to_be_hidden()
    expect(page.locator(".signin-card").first).to_be_visible()
    shot("05-cards-print")
    page.emulate_media(media="screen")

    page.goto(f"/teach/classes/{class_id}/cards")  # the reprint page: passwords are not shown again
    expect(page.locator("main")).not_to_contain_text(password)
    expect(page.locator("main .choice")).to_have_count(3)
    shot("06-cards-reprint")

    # Every module in one form, each with its own due date: giving a date ticks the module.
    page.get_by_role("link", name="배정된 단원").click()
    # The click returns once the new page starts loading; the dates tick their boxes only once its
    # deferred script has run (a person cannot type a date sooner, a test can).
    page.wait_for_load_state()
    due, later = date.today() + timedelta(days=14), date.today() + timedelta(days=21)
    page.get_by_label("마감일: 표본 수업").fill(due.isoformat())
    page.get_by_label("마감일: 한국어만 있는 수업").fill(later.isoformat())
    expect(page.get_by_label("1. 표본 수업")).to_be_checked()
    expect(page.get_by_label("2. 한국어만 있는 수업")).to_be_checked()
    shot("07-assign-several")
    page.get_by_role("button", name="고른 단원 배정하기").click()
    expect(page.locator(".flash-success")).to_contain_text("단원 2개를 배정했어요.")
    for title, when in (("표본 수업", due), ("한국어만 있는 수업", later)):
        assignment = page.locator(".assignment-list .card").filter(has_text=title)
        expect(assignment.locator("input[type=date]")).to_have_value(when.isoformat())
    expect(page.locator(".assignment-list > li").first).to_contain_text("표본 수업")
    shot("07-assigned")

    student = open_page(size)
    sign_in(student, username, password)
    expect(student).to_have_url(re.compile(r"/password$"))
    change_password(student, "우리 반 봄 소풍 가자")
    expect(student).to_have_url(re.compile(r"/learn$"))
    expect(student.locator("#assigned-title")).to_be_visible()
    expect(student.locator("main")).to_contain_text(class_name)
    screenshot(student, f"journey-teacher-{size}-08-student-learn")
    open_sample_module(student).click()
    student.get_by_role("button", name="수업 시작하기").click()
    for number in (1, 2):
        expect_step(student, number)
        student.get_by_role("button", name="다음", exact=True).click()
    expect_step(student, 3)
    screenshot(student, f"journey-teacher-{size}-09-student-step-3")

    page.goto(f"/teach/classes/{class_id}")
    row = page.locator("tbody tr").filter(has_text="가나다")
    expect(row.locator(".cell").first).to_contain_text(f"{STEP_COUNT}단계 중 3단계")  # 표본 수업, first
    not_started = page.locator("tbody tr").filter(has_text="라마바").locator(".cell").first
    expect(not_started).to_contain_text("시작 전")
    shot("10-dashboard")
    row.get_by_role("link", name="가나다").click()
    expect(page.locator("main h2").first).to_contain_text(username)
    module_row = page.locator("main tbody tr").filter(has_text="표본 수업")
    expect(module_row.locator(".cell")).to_contain_text(f"{STEP_COUNT}단계 중 3단계")
    shot("11-student")
