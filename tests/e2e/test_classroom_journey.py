"""Issue 19 in a real browser: a teacher assigns two modules, prints the letter home, records
three slips (one keeping a module for home), presents a module on a 1920×1080 screen with the
notes on a phone-sized second page moving in step, records who took part, and sees "수업 참여"
on the dashboard. Then screenshots of the projector (ko, en; 1920×1080 and 1280×720), the notes
on a phone and the letter's print view, kept in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.test_journeys import create_class_and_import_roster, sign_in

PROJECTOR = {"width": 1920, "height": 1080}
SMALL_PROJECTOR = {"width": 1280, "height": 720}
TEACHER = "e2e-classroom"


@pytest.fixture
def teacher(browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale="ko-KR"
    )
    context.add_init_script("window.print = () => { window.printCalls = (window.printCalls || 0) + 1; };")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def shooter(page, name):
    from tests.e2e.conftest import screenshot

    screenshot(page, f"classroom-{name}")


def assign(page, *slugs):
    """Tick the modules in the assignments page's one form and assign them together."""
    for slug in slugs:
        page.locator(f"#assign-{slug}").check()
    page.get_by_role("button", name="고른 단원 배정하기").click()
    expect(page.locator(".flash-success")).to_be_visible()


def press(projector, key):
    """A key on the projector, once its script listens (it shows the keys' hint)."""
    expect(projector.locator(".projector-keys")).to_be_visible()
    projector.keyboard.press(key)


def expect_screen(page, words):
    expect(page.locator(".projector-step, .now-showing h2").first).to_contain_text(words)


def test_a_teacher_teaches_a_module_from_the_projector_and_sends_the_letter_home(teacher):
    page = teacher
    sign_in(page, TEACHER)
    expect(page).to_have_url(re.compile(r"/teach$"))
    class_id = create_class_and_import_roster(page, "e2e 수업 모드반", lambda name: None)
    base = f"/teach/classes/{class_id}"

    # Two modules assigned.
    page.goto(f"{base}/assignments")
    assign(page, "sample", "korean-only")
    expect(page.locator(".assignment-list > li")).to_have_count(2)
    shooter(page, "01-assigned")

    # The letter home, printed: one letter and slip per student, from the real assignments.
    page.locator("nav.tabs").get_by_role("link", name="가정통신문").click()
    expect(page.locator(".letter-set")).to_have_count(3)
    expect(page.locator(".letter").first).to_contain_text("e2e 수업 모드반")
    expect(page.locator(".letter-modules").first).to_contain_text("표본 수업")
    expect(page.locator(".letter-modules").first).to_contain_text("한국어만 있는 수업")
    expect(page.locator(".slip").first).to_contain_text("가나다")
    page.get_by_role("button", name="인쇄").click()
    assert page.evaluate("window.printCalls") == 1
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    expect(page.locator("header").first).to_be_hidden()
    shooter(page, "02-letter-print")
    page.emulate_media(media="screen")
    page.get_by_label("두 언어 모두 (한국어, 이어서 영어)").check()  # applies on change
    expect(page.locator('.letter[lang="en"]').first).to_contain_text("Sample lesson")
    page.get_by_label("가정통신문 한 장과 학급 전체 회신서").check()
    expect(page.locator(".slip-sheet .slip")).to_have_count(3)
    page.emulate_media(media="print")
    shooter(page, "03-letter-print-both-list")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="알림 앱용 글").click()
    expect(page.locator("textarea").first).to_have_value(re.compile(r"^\[가정통신문\] "))
    shooter(page, "04-letter-text")

    # Three slips: one returned, one with a question, one keeping a module for home.
    page.goto(f"{base}/slips")
    page.locator(".slip-row").filter(has_text="가나다").get_by_label("회신함").check()
    page.locator(".slip-row").filter(has_text="라마바").get_by_label("질문 있음").check()
    page.locator(".slip-row").filter(has_text="사아자").get_by_label("한국어만 있는 수업").check()
    page.get_by_role("button", name="저장").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator(".slip-missing")).to_have_count(0)
    shooter(page, "05-slips")

    # Classroom mode: the projector on a 1920×1080 screen, the notes on a phone-sized page.
    projector = page.context.new_page()
    projector.set_viewport_size(PROJECTOR)
    projector.set_default_timeout(10_000)
    notes = page.context.new_page()
    notes.set_viewport_size(PHONE)
    notes.set_default_timeout(10_000)
    projector.goto(f"{base}/present/sample")
    notes.goto(f"{base}/present/sample/notes")
    expect(projector.locator("h1")).to_have_text("표본 수업")
    expect(projector.locator(".content-note")).to_contain_text("이 수업은 어려운 이야기를 다뤄요.")
    expect(projector.locator("body")).not_to_contain_text("가나다")
    press(projector, "PageDown")  # a clicker
    expect_screen(projector, "4단계 중 1단계")
    expect_screen(notes, "4단계 중 1단계")  # the notes followed
    expect(notes.locator(".plan-now .plan-row")).to_contain_text("5~20분")
    notes.get_by_role("button", name="다음").click()  # moved from the phone
    expect_screen(notes, "4단계 중 2단계")
    expect_screen(projector, "4단계 중 2단계")  # the projector followed
    press(projector, "ArrowRight")
    expect_screen(projector, "4단계 중 3단계")
    press(projector, "ArrowRight")  # onto the 15+ step: covered
    expect(projector.locator(".projector-cover")).to_be_visible()
    expect_screen(notes, "4단계 중 4단계")
    notes.get_by_role("button", name="이 단계 보여 주기").click()
    expect(projector.locator("main h1")).to_contain_text("더 알아보기")
    notes.locator("#disclosure summary").click()  # one tap away
    expect(notes.locator("#disclosure .protocol")).to_be_visible()
    notes.screenshot(path=_artifact("06-notes-phone"), full_page=True)
    projector.screenshot(path=_artifact("07-projector-15-plus-shown"))
    notes.get_by_role("link", name="수업이 끝나면: 수업 참여 기록하기").click()

    # Who took part: everyone but the excused is ticked; 라마바 was absent.
    expect(notes.locator("input[name=present]:checked")).to_have_count(3)
    notes.locator("tr").filter(has_text="라마바").locator("input[name=present]").uncheck()
    notes.get_by_role("button", name="저장").click()
    expect(notes.locator(".flash-success")).to_contain_text("수업 참여 2명")

    page.goto(base)
    row = page.locator("tbody tr").filter(has_text="가나다")
    expect(row.locator(".cell").first).to_contain_text("수업 참여")
    expect(page.locator("tbody tr").filter(has_text="사아자").locator(".cell").nth(1)).to_contain_text("면제")
    shooter(page, "08-dashboard")

    # Screenshots to look at: the projector in both languages at both sizes.
    try:
        for lang in ("ko", "en"):
            if lang == "en":  # the teacher's own language choice (put back below)
                page.get_by_role("button", name="English").click()
                expect(page.locator("html")).to_have_attribute("lang", "en")
            for size in (PROJECTOR, SMALL_PROJECTOR):
                projector.set_viewport_size(size)
                for position in (0, 1, 5):
                    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
                    page.request.post(
                        f"{base}/present/sample",
                        form={"position": str(position), "view": "projector", "csrf_token": token},
                    )
                    projector.goto(f"{base}/present/sample")
                    expect(projector.locator("html")).to_have_attribute("lang", lang)
                    overflow = projector.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                    assert overflow <= 0, (lang, size, position, overflow)
                    projector.screenshot(
                        path=_artifact(f"projector-{lang}-{size['width']}x{size['height']}-{position}")
                    )
    finally:
        page.goto("/teach")
        if page.locator("html").get_attribute("lang") == "en":
            page.get_by_role("button", name="한국어").click()


def _artifact(name):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    return str(ARTIFACTS / f"classroom-{name}.png")
