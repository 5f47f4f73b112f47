"""Issue 17's forgiving and shorter teacher actions in a real browser: the header on one line on a
phone for every role; remove, move and reset ask once; a new class's cards in the school's
language, English or both (no script needed); select all on the reprint page."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, forget_account_language, screenshot

USERS = {"student": "demo-student02", "teacher": "demo-teacher", "admin": "demo-admin", "signed out": None}
ROSTER = "번호,이름\n1,가나다\n2,라마바\n3,사아자\n".encode()
# The bar's items that show, each one's top and the bar's height; and whether the page is wider
# than the window.
MEASURE_NAV = """() => {
  const items = [...document.querySelectorAll('.header-nav > ul > li')].filter(li => li.offsetWidth > 0);
  const tops = new Set(items.map(li => Math.round(li.getBoundingClientRect().top)));
  return {lines: tops.size, labels: items.map(li => li.innerText.trim()),
          overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def sign_in(page, username):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.locator("main form [type=submit]").first.click()
    expect(page).not_to_have_url(re.compile(r"/login"))


@pytest.mark.parametrize("width", [360, 390])
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("role", list(USERS))
def test_the_header_links_fit_one_line_on_a_phone(browser, live_server, role, lang, width):
    context = browser.new_context(base_url=live_server, viewport={"width": width, "height": 800})
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if USERS[role]:
            forget_account_language(USERS[role])  # the cookie decides
            sign_in(page, USERS[role])
            expect(page.locator("html")).to_have_attribute("lang", lang)
        else:
            page.goto("/help")
        page.wait_for_load_state("load")  # the style sheets are in
        found = page.evaluate(MEASURE_NAV)
        assert found["lines"] == 1 and found["overflow"] <= 0, found
        if USERS[role]:
            page.locator(".account-menu summary").click()  # open, it stays inside the window
            menu = page.locator(".account-menu ul")
            expect(menu).to_be_visible()
            box = menu.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
            assert page.evaluate(MEASURE_NAV)["overflow"] <= 0
            for link in menu.locator("a, button").all():
                assert link.bounding_box()["height"] >= 43.5, link.inner_text()
            if role in ("teacher", "admin"):  # what left the bar is in the menu
                expect(menu).to_contain_text("내 학습" if lang == "ko" else "My learning")
                expect(menu).to_contain_text("단원" if lang == "ko" else "Modules")
            if width == 390:
                screenshot(page, f"header-{role}-{lang}-{width}-menu")
    finally:
        context.close()


def test_the_desktop_header_still_lists_every_page(open_page):
    page = open_page("desktop")
    forget_account_language("demo-admin")
    sign_in(page, "demo-admin")
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    page.wait_for_load_state("load")
    labels = page.evaluate(MEASURE_NAV)["labels"]
    for label in ("내 학급", "단원", "내 학습", "학교 학습 현황", "도움 받기"):
        assert label in labels, labels


def new_class_with_cards(page, name):
    """A new class of demo-teacher with three imported students; ends on their cards."""
    page.goto("/teach")
    page.locator("#name").fill(name)
    page.locator("#year").fill("2026")
    page.locator("form[action$='/teach/classes'] [type=submit]").click()
    class_id = int(re.search(r"/classes/(\d+)/import", page.url).group(1))
    page.locator("input[type=file]").set_input_files(
        {"name": "명단.csv", "mimeType": "text/csv", "buffer": ROSTER}
    )
    page.locator("main form[enctype] [type=submit]").click()
    page.get_by_role("button", name="가져오기 확정").click()
    expect(page.locator(".signin-card")).to_have_count(3)
    return class_id


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_cards_print_in_the_schools_language_or_both_and_reprint_all_at_once(open_page, size):
    page = open_page(size)
    page.context.add_init_script("window.print = () => {};")
    sign_in(page, "demo-teacher")
    class_id = new_class_with_cards(page, f"e2e 카드반 {size}")
    card = page.locator(".signin-card").first
    expect(page.locator("#card-lang-ko")).to_be_checked()  # the demo school's language
    expect(card.locator("dt").nth(2)).to_have_text("임시 비밀번호", use_inner_text=True)
    expect(card).not_to_contain_text("One-time password", use_inner_text=True)
    page.locator("label[for=card-lang-en]").click()
    expect(card.locator("dt").nth(2)).to_have_text("One-time password", use_inner_text=True)
    expect(card.locator(".card-note")).to_have_text(
        "At first sign-in you choose your own password.", use_inner_text=True
    )
    page.locator("label[for=card-lang-both]").click()
    expect(card.locator("dt").nth(2)).to_have_text("임시 비밀번호 · One-time password", use_inner_text=True)
    screenshot(page, f"cards-both-{size}")
    page.emulate_media(media="print")
    expect(card.locator("dt").nth(2)).to_have_text("임시 비밀번호 · One-time password", use_inner_text=True)
    page.emulate_media(media="screen")

    page.goto(f"/teach/classes/{class_id}/cards")
    boxes = page.locator("#card-students input[type=checkbox]")
    page.get_by_role("button", name="모두 선택").click()
    for box in boxes.all():
        expect(box).to_be_checked()
    screenshot(page, f"cards-choose-{size}")
    page.get_by_role("button", name="선택 해제").click()
    for box in boxes.all():
        expect(box).not_to_be_checked()
    page.get_by_role("button", name="학생 3명 모두의 카드").click()  # nobody has signed in: no question
    expect(page.locator(".signin-card")).to_have_count(3)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_remove_and_move_ask_once_and_cancel_changes_nothing(open_page, size):
    page = open_page(size)
    sign_in(page, "demo-teacher")
    class_id = new_class_with_cards(page, f"e2e 옮기기반 {size}")
    page.goto(f"/teach/classes/{class_id}/roster")
    rows = page.locator("table.roster tbody tr")
    expect(rows).to_have_count(3)
    # Other classes to move to: the move menus' hidden labels stay inside the table's own scroll.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    first = rows.filter(has_text="가나다")
    expect(first.locator("select")).to_have_value("")  # no class is preselected
    first.get_by_role("button", name="옮기기").click()
    expect(page.locator(".flash-error")).to_contain_text("가나다 학생을 옮길 학급을 골라 주세요.")
    expect(rows).to_have_count(3)

    rows.filter(has_text="가나다").get_by_role("button", name="학급에서 빼기").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("가나다 학생을")
    screenshot(page, f"confirm-remove-{size}")
    page.get_by_role("link", name="취소").click()
    expect(page).to_have_url(re.compile(rf"/classes/{class_id}/roster$"))
    expect(rows).to_have_count(3)

    target = rows.filter(has_text="라마바").locator("select")
    target.select_option(label="2학년 3반")
    rows.filter(has_text="라마바").get_by_role("button", name="옮기기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("라마바 학생을 2학년 3반(으)로 옮길까요?")
    page.get_by_role("button", name="2학년 3반(으)로 옮기기").click()
    expect(page.locator(".flash-success")).to_contain_text("라마바")
    expect(rows).to_have_count(2)
