"""Language: the locale order, the switch, <html lang>, and the Korean catalog."""

import re

import pytest
from babel.messages.pofile import read_po
from werkzeug.datastructures import LanguageAccept

from dongui import translations
from dongui.extensions import db
from dongui.i18n import choose_locale
from dongui.models import School, User
from tests.conftest import get_user, login

LANGS = ("ko", "en")


class FakeUser:
    def __init__(self, locale, school_locale):
        self.locale = locale
        self.school = type("S", (), {"default_locale": school_locale})()


@pytest.mark.parametrize(
    "user, cookie, accept, expected",
    [
        (FakeUser("en", "ko"), "ko", [("ko", 1)], "en"),  # the user's own choice first
        (FakeUser(None, "ko"), "en", [("ko", 1)], "en"),  # then the cookie
        (FakeUser(None, "en"), None, [("ko", 1)], "en"),  # then the school default
        (FakeUser("fr", "ko"), "de", [("en", 1)], "ko"),  # unknown values are skipped
        (None, "en", [("ko", 1)], "en"),  # signed out: cookie first
        (None, None, [("en-US", 1), ("ko", 0.5)], "en"),  # then Accept-Language
        (None, None, [("fr", 1)], "ko"),  # else Korean
        (None, None, [], "ko"),
    ],
)
def test_locale_order(user, cookie, accept, expected):
    assert choose_locale(user, cookie, LanguageAccept(accept), LANGS) == expected


def html_lang(response):
    return re.search(r'<html lang="([a-z]+)"', response.get_data(as_text=True)).group(1)


def test_signed_out_pages_follow_accept_language_then_cookie(client):
    english = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert html_lang(english) == "en" and "Sign in" in english.get_data(as_text=True)
    korean = client.get("/login")
    assert html_lang(korean) == "ko" and "로그인" in korean.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert html_lang(client.get("/login", headers={"Accept-Language": "ko"})) == "en"


def test_switch_sets_cookie_and_returns_to_the_page(client):
    response = client.post("/lang", data={"lang": "en", "next": "/help"})
    assert response.status_code == 302 and response.headers["Location"] == "/help"
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert "lang=en" in cookie and "Max-Age" in cookie
    assert html_lang(client.get("/help")) == "en"


def test_switch_ignores_an_off_site_next(client):
    response = client.post("/lang", data={"lang": "en", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_switch_refuses_an_unknown_language(client):
    response = client.post("/lang", data={"lang": "fr", "next": "/help"})
    assert response.status_code == 400
    assert "요청에 문제가 있어요" in response.get_data(as_text=True)


def test_switch_is_a_post_only(client):
    assert client.get("/lang").status_code == 405


def test_switch_when_signed_in_saves_the_users_choice(app, client, make_user):
    user_id = make_user(username="pupil")
    login(client, "pupil")
    client.post("/lang", data={"lang": "en", "next": "/learn"})
    assert get_user(app, user_id).locale == "en"
    other_browser = app.test_client()
    login(other_browser, "pupil")
    assert html_lang(other_browser.get("/learn")) == "en"


def test_school_default_applies_to_signed_in_users_without_a_choice(app, client, make_user, make_school):
    school_id = make_school(default_locale="en")
    make_user(username="pupil", school_id=school_id)
    login(client, "pupil")
    assert html_lang(client.get("/learn", headers={"Accept-Language": "ko"})) == "en"


def test_dates_use_the_schools_time_zone(app, client, make_user, make_school, clock):
    from dongui.models import Role

    school_id = make_school(timezone="Asia/Seoul")
    make_user(role=Role.ADMIN, username="boss", school_id=school_id)
    clock.advance(hours=13)  # 16:00 UTC: already the 26th in Seoul, still the 25th in UTC
    login(client, "boss")
    client.get("/admin")  # records last_seen_at (shown to staff as a date only)
    client.set_cookie("lang", "en")
    page = client.get("/admin/teachers").get_data(as_text=True)
    assert "November 26, 2026" in page and "November 25, 2026" not in page


def test_korean_catalog_is_complete():
    assert translations.check() == []


def test_catalog_has_no_empty_or_fuzzy_entries():
    with translations.catalog_path("ko").open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    for message in catalog:
        if message.id:
            assert message.string and not message.fuzzy, message.id


def test_check_reports_missing_fuzzy_and_untranslated(tmp_path, monkeypatch):
    po = tmp_path / "ko" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    text = translations.catalog_path("ko").read_text(encoding="utf-8")
    text = text.replace('msgstr "로그인"', 'msgstr ""', 1)
    text = text.replace(
        'msgid "Quick exit"\nmsgstr "빠른 나가기"', '#, fuzzy\nmsgid "Quick exit"\nmsgstr "빠른 나가기"'
    )
    text = text.replace('msgid "Get help"\nmsgstr "도움 받기"', 'msgid "Get help"\nmsgstr "Get help"')
    text = text.replace('msgid "Welcome"\nmsgstr "환영해요"\n', "")
    po.write_text(text, encoding="utf-8")
    monkeypatch.setattr(translations, "catalog_path", lambda locale: po)
    problems = "\n".join(translations.check())
    assert "untranslated: 'Sign in'" in problems
    assert "fuzzy: 'Quick exit'" in problems
    assert "same as English" in problems and "'Get help'" in problems
    assert "missing: 'Welcome'" in problems


def test_translate_check_command_passes(runner):
    result = runner.invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output


def test_user_locale_column_round_trips(app, make_user):
    user_id = make_user(locale="en")
    with app.app_context():
        assert db.session.get(User, user_id).locale == "en"
        assert db.session.get(User, user_id).school.__class__ is School


# One way to write a date and one to write a date with a time, on every page, in both languages.

DATE_FILTER = re.compile(r"\|\s*(date|datetime)\b(\s*\(([^)]*)\))?")


@pytest.mark.parametrize(
    "locale, day, moment",
    [
        ("ko", "2026년 11월 20일", "2026년 11월 20일 오후 3:05"),
        ("en", "November 20, 2026", "November 20, 2026, 3:05\u202fPM"),
    ],
)
def test_one_date_format_and_one_date_time_format(app, locale, day, moment):
    from datetime import UTC, date, datetime

    from flask_babel import force_locale

    from dongui.formats import format_date, format_datetime

    with app.test_request_context(), force_locale(locale):
        assert format_date(date(2026, 11, 20)) == day
        assert format_datetime(datetime(2026, 11, 20, 6, 5, tzinfo=UTC)) == moment  # 15:05 in Seoul
        assert format_date(datetime(2026, 11, 20, 6, 5, tzinfo=UTC)) == day


def test_templates_write_dates_only_the_one_way():
    """`|date` and `|datetime` take no width: a page that asks for 'short' would differ."""
    from dongui.config import ROOT
    from dongui.formats import DATE_WIDTH

    calls = [
        (path.relative_to(ROOT), match)
        for path in (ROOT / "templates").rglob("*.html")
        for match in DATE_FILTER.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(calls) > 10
    for path, match in calls:
        argument = (match.group(3) or "").strip().strip("'\"")
        assert argument in ("", DATE_WIDTH if match.group(1) == "date" else ""), (path, match.group(0))


# The glossary, checked in the Korean catalogue (GLOSSARY.md; content review 2026-12, section 4).


def korean_entries():
    with translations.catalog_path("ko").open("rb") as handle:
        catalog = read_po(handle, locale="ko")
    for message in catalog:
        if message.id:
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            yield msgid, " ".join(message.string) if isinstance(message.string, tuple) else message.string


def test_korean_catalogue_follows_the_glossary():
    for msgid, korean in korean_entries():
        if "Dongui" in msgid:
            assert "Dongui" in korean, msgid  # the brand, never bare 동의 ("consent")
        if re.search(r"\bmodules?\b", re.sub(r"%\(\w+\)", "", msgid), re.IGNORECASE):
            assert "단원" in korean, msgid
        if "live incident" in msgid:
            assert "사안" in korean, msgid
        for wrong in ("사건", "모듈", "도움받기", "곳의", "사용 중지", "다시 사용"):
            assert wrong not in korean, (msgid, wrong)


@pytest.mark.parametrize(
    "msgid, korean",
    [
        ("%(done)s of %(total)s students", "%(total)s명 중 %(done)s명"),
        ("%(done)s of %(total)s students completed", "%(total)s명 중 %(done)s명 이수"),
        ("See all %(num)s students", "학생 %(num)s명 모두 보기"),
        ("%(done)s of %(total)s assigned", "배정된 %(total)s개 중 %(done)s개"),
        ("%(num)d class now belongs to %(name)s.", "이제 %(name)s 선생님이 학급 %(num)d개를 맡아요."),
        ("membership of %(num)d class", "학급 %(num)d개의 소속 정보"),
        ("%(score)s of %(max)s correct", "%(max)s문제 중 %(score)s문제 맞힘"),
    ],
)
def test_people_are_counted_with_myeong_and_things_with_gae(msgid, korean):
    assert dict(korean_entries())[msgid] == korean
