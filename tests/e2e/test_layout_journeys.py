"""In a real browser: sign in, language switch, quick exit (button and Shift×3, signing out as it
leaves), Back after sign-out."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, DESKTOP, PHONE, screenshot


def sign_in(page, username, label_user="아이디", label_password="비밀번호", button="로그인"):
    page.goto("/login")
    page.get_by_label(label_user).fill(username)
    page.get_by_label(label_password).fill(DEMO_PASSWORD)
    page.locator("main").get_by_role("button", name=button).click()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_student_signs_in_in_korean_and_switches_to_english(open_page, size):
    page = open_page(size)
    sign_in(page, "demo-student01")
    expect(page).to_have_url(re.compile(r"/learn$"))
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.get_by_role("heading", level=1)).to_contain_text("김민준 님, 안녕하세요")
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(r"/learn$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello, 김민준")
    page.get_by_role("button", name="한국어").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_quick_exit_button_leaves_and_back_does_not_return(open_page, live_server, size):
    page = open_page(size)
    page.goto("/login")
    page.goto("/help")
    page.get_by_role("link", name="빠른 나가기").click()
    expect(page).to_have_url(f"{live_server}/healthz")
    page.go_back()
    expect(page).to_have_url(f"{live_server}/login")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_shift_three_times_leaves_and_back_does_not_return(open_page, live_server, size):
    page = open_page(size)
    page.goto("/login")
    page.goto("/privacy")
    for _ in range(3):
        page.keyboard.press("Shift")
    expect(page).to_have_url(f"{live_server}/healthz")
    page.go_back()
    expect(page).to_have_url(f"{live_server}/login")


@pytest.mark.parametrize("size, how", [("phone", "button"), ("desktop", "shift")])
def test_quick_exit_also_signs_out_everywhere(open_page, browser, live_server, size, how):
    """Quick exit sends a sign-out beacon as it leaves (issue 14): Back then shows the sign-in page,
    and a copy of the session cookie taken before is refused."""
    page = open_page(size)
    sign_in(page, "demo-student29")
    expect(page).to_have_url(re.compile(r"/learn$"))
    page.goto("/help")
    copied = [dict(c) for c in page.context.cookies() if c["name"] == "dongui_session"]
    if how == "button":
        page.get_by_role("link", name="빠른 나가기").click()
    else:
        for _ in range(3):
            page.keyboard.press("Shift")
    expect(page).to_have_url(f"{live_server}/healthz")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/login"))  # the Dongui page before, now signed out
    thief = browser.new_context(base_url=live_server)
    try:
        thief.add_cookies(copied)
        other = thief.new_page()
        other.goto("/learn")
        expect(other).to_have_url(re.compile(r"/login\?next="))
    finally:
        thief.close()


def test_shift_pressed_slowly_does_nothing(page, live_server):
    page.goto("/help")
    for _ in range(3):
        page.keyboard.press("Shift")
        page.wait_for_timeout(800)
    expect(page).to_have_url(f"{live_server}/help")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_back_after_sign_out_shows_nothing_private(open_page, size):
    page = open_page(size)
    sign_in(page, "demo-teacher")
    expect(page.get_by_role("heading", level=1)).to_have_text("내 학급")
    expect(page.locator("main")).to_contain_text("2학년 3반")
    page.locator(".account-menu summary").click()  # sign-out sits in the account menu
    page.get_by_role("button", name="로그아웃").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.go_back()
    expect(page.locator("main")).not_to_contain_text("2학년 3반")
    expect(page).to_have_url(re.compile(r"/login"))


def test_first_sign_in_with_a_one_time_password_must_change_it(page):
    sign_in(page, "e2e-newcomer")
    expect(page).to_have_url(re.compile(r"/password$"))
    page.get_by_label("새 비밀번호", exact=True).fill("my own password")
    page.get_by_label("새 비밀번호 확인").fill("my own password")
    page.locator("main").get_by_role("button", name="비밀번호 바꾸기").click()
    expect(page).to_have_url(re.compile(r"/learn$"))
    expect(page.locator(".flash")).to_have_text("비밀번호를 바꿨어요.")


@pytest.mark.parametrize("size_name, size", [("phone", PHONE), ("desktop", DESKTOP)])
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_pages_render_and_are_captured(browser, live_server, size_name, size, lang):
    context = browser.new_context(
        base_url=live_server, viewport=size, locale="ko-KR" if lang == "ko" else "en-US"
    )
    page = context.new_page()
    for path, name in (("/login", "login"), ("/help", "help"), ("/privacy", "privacy")):
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", lang)
        # Nothing may spill sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
        screenshot(page, f"{name}-{lang}-{size_name}")
    sign_in(page, "demo-teacher", *(("Username", "Password", "Sign in") if lang == "en" else ()))
    expect(page).to_have_url(re.compile(r"/teach$"))
    screenshot(page, f"teach-{lang}-{size_name}")
    context.close()
