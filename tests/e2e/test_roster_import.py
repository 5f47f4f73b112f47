"""In a real browser: a teacher brings in a class list as NEIS gives it (a title row above the
headings) with one broken line, sees the problem on its line, chooses to import the rows
without problems, and prints the sign-in cards; a second click on the button imports nothing
twice. Screenshots of every step at phone and desktop size, in Korean and in English."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests import roster_samples as samples
from tests.e2e.conftest import DEMO_PASSWORD, SIZES, screenshot

# Row 5 (번호 2) has "둘" for its number; row 4 of the CSV opens a quote it never closes.
NEIS_XLSX = samples.neis_xlsx(4, broken={2: [2, 6, "둘", "이서연", "여"]})
NEIS_CSV = samples.csv_bytes(
    [
        samples.NEIS_TITLE,
        "",
        "학년,반,번호,성명",
        "2,6,1,김민준",
        '2,6,2,"이서연',
        "2,6,3,박지호",
        "2,6,4,최하은",
    ]
)
FILES = {
    "xlsx": ("2-6.xlsx", NEIS_XLSX, "5"),
    "csv": ("2-6.csv", NEIS_CSV, "5"),
}
WORDS = {
    "ko": {
        "user": "아이디",
        "password": "비밀번호",
        "sign_in": "로그인",
        "class_name": "학급 이름",
        "year": "학년도",
        "save": "저장",
        "file": "학생 명단 파일 (.xlsx 또는 .csv)",
        "preview": "미리 보기",
        "line": "{}행",
        "title_skipped": "표 제목이라 건너뛰었어요",
        "import_good": "문제 없는 행 3개만 가져오기 ({}행 제외)",
        "left_out": "가져오지 않은 행: {}행.",
        "print": "카드 인쇄하기",
        "again": "이미 확정한 가져오기예요",
    },
    "en": {
        "user": "Username",
        "password": "Password",
        "sign_in": "Sign in",
        "class_name": "Class name",
        "year": "School year",
        "save": "Save",
        "file": "Class list file (.xlsx or .csv)",
        "preview": "Preview",
        "line": "Line {}",
        "title_skipped": "skipped as a title",
        "import_good": "Import the 3 rows without problems (line {} left out)",
        "left_out": "Left out, not imported: line {}.",
        "print": "Print the cards",
        "again": "This import had already been confirmed",
    },
}


# Sends the confirm form again, as a reload or a flaky connection would.
RESEND = """([action, csrf, payload]) => {
  const form = document.createElement('form');
  form.method = 'post';
  form.action = action;
  for (const [name, value] of [['csrf_token', csrf], ['payload', payload]]) {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.append(input);
  }
  document.body.append(form);
  form.submit();
}"""


def sign_in(page, words, username="demo-teacher"):
    page.goto("/login")
    page.get_by_label(words["user"]).fill(username)
    page.get_by_label(words["password"]).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=words["sign_in"]).click()


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_teacher_imports_a_neis_list_leaving_out_the_broken_line_and_prints_the_cards(
    open_page, live_server, size, lang
):
    kind = "xlsx" if size == "phone" else "csv"
    filename, data, broken_line = FILES[kind]
    words = WORDS[lang]
    page = open_page(size, lang)
    # Signed in, the language is the account's, else the `lang` cookie: the cookie leaves the
    # shared demo teacher's own setting alone.
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page.context.add_init_script(
        "window.print = () => { window.printCalls = (window.printCalls || 0) + 1; };"
    )
    shot = lambda name: screenshot(page, f"roster-import-{lang}-{size}-{name}")  # noqa: E731
    sign_in(page, words)
    expect(page).to_have_url(re.compile(r"/teach$"))
    page.get_by_label(words["class_name"]).fill(f"2-6 {kind} {lang}")
    page.get_by_label(words["year"]).fill(str(date.today().year))
    page.locator("main").get_by_role("button", name=words["save"]).click()
    expect(page).to_have_url(re.compile(r"/teach/classes/\d+/import$"))
    shot("01-import")

    page.get_by_label(words["file"]).set_input_files(
        {"name": filename, "mimeType": "application/octet-stream", "buffer": data}
    )
    page.locator("main").get_by_role("button", name=words["preview"]).click()
    problems = page.locator(".problem-list li")
    expect(problems).to_have_count(1)
    expect(problems.first).to_contain_text(words["line"].format(broken_line))
    expect(page.locator("main")).to_contain_text(samples.NEIS_TITLE)
    expect(page.locator("main")).to_contain_text(words["title_skipped"])
    expect(page.locator("tr.row-problem")).to_have_count(1)
    expect(page.locator("main tbody tr")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    shot("02-preview-with-a-problem")

    form = page.locator("form[action$='/import/confirm']")
    sent = [
        form.get_attribute("action"),
        form.locator("[name=csrf_token]").get_attribute("value"),
        form.locator("[name=payload]").get_attribute("value"),
    ]
    page.get_by_role("button", name=words["import_good"].format(broken_line)).dblclick()
    expect(page.locator(".signin-card")).to_have_count(3)
    expect(page.locator(".left-out")).to_contain_text(words["left_out"].format(broken_line))
    expect(page.locator(".card-name")).to_have_text(["김민준", "박지호", "최하은"])
    shot("03-cards")
    page.get_by_role("button", name=words["print"]).click()
    assert page.evaluate("window.printCalls") == 1
    page.emulate_media(media="print")
    expect(page.locator(".screen-only")).to_be_hidden()
    expect(page.locator(".signin-card").first).to_be_visible()
    shot("04-cards-print")
    page.emulate_media(media="screen")

    passwords = page.locator(".card-secret").all_inner_texts()
    page.evaluate(RESEND, sent)  # the same confirm once more: the same cards, nobody imported twice
    expect(page.locator("main")).to_contain_text(words["again"])
    assert page.locator(".card-secret").all_inner_texts() == passwords
    expect(page.locator("main")).to_contain_text(words["again"])
    shot("05-confirmed-again")
