"""The help and privacy pages, the layout's help panel, and help content validation."""

import shutil
from pathlib import Path

import pytest

from dongui import create_app
from dongui.config import ROOT
from dongui.content.checks import Problems
from dongui.content.errors import ContentInvalid
from dongui.content.help import load_channels, load_help
from dongui.extensions import db
from dongui.models import School
from tests.conftest import base_config, login

CONFIRMED_NUMBERS = ("112", "1366", "02-735-8994", "117", "1388", "109")


def test_help_is_public_and_lists_every_confirmed_channel(client):
    page = client.get("/help").get_data(as_text=True)
    for number in CONFIRMED_NUMBERS:
        assert f'href="tel:{number}"' in page
    for address in ("https://d4u.stop.or.kr", "https://ecrm.police.go.kr"):
        assert f'href="{address}"' in page
    assert "디지털성범죄피해자지원센터" in page


def test_help_explains_what_quick_exit_does_not_do(client):
    korean = client.get("/help").get_data(as_text=True)
    assert "빠른 나가기" in korean and "방문 기록" in korean
    client.set_cookie("lang", "en")
    english = client.get("/help").get_data(as_text=True)
    assert "Quick exit" in english and "history" in english


def test_school_contacts_come_first_for_signed_in_users(app, client, make_user, make_school):
    school_id = make_school(
        help_contacts=[{"name": "Wee 클래스 상담실", "phone": "02-000-0000", "note": "본관 2층"}]
    )
    make_school()  # a second school: signed out, no school is guessed
    make_user(username="pupil", school_id=school_id)
    assert "Wee 클래스 상담실" not in client.get("/help").get_data(as_text=True)
    login(client, "pupil")
    page = client.get("/help").get_data(as_text=True)
    assert page.index("Wee 클래스 상담실") < page.index("경찰 긴급신고")
    panel = client.get("/learn").get_data(as_text=True)
    assert panel.index("Wee 클래스 상담실") < panel.index('href="tel:112"')


def test_the_kept_panel_shows_a_changed_school_line_on_the_next_page(app, client, make_user, make_school):
    """The panel is made once per language and set of school lines: an admin's change is a new
    set, so the very next page shows it; each school and language keeps its own panel."""
    school_id = make_school(help_contacts=[{"name": "상담실", "phone": "02-000-0000", "note": ""}])
    other_id = make_school(help_contacts=[{"name": "보건실", "phone": "", "note": ""}])
    make_user(username="pupil", school_id=school_id)
    make_user(username="elsewhere", school_id=other_id)
    login(client, "pupil")
    assert "상담실" in client.get("/learn").get_data(as_text=True)
    with app.app_context():
        db.session.get(School, school_id).help_contacts = [{"name": "Wee 클래스", "phone": "", "note": ""}]
        db.session.commit()
    page = client.get("/learn").get_data(as_text=True)
    assert "Wee 클래스" in page and "상담실" not in page
    client.post("/logout")
    login(client, "elsewhere")
    page = client.get("/learn").get_data(as_text=True)
    assert "보건실" in page and "Wee 클래스" not in page


def test_single_school_contacts_shown_when_signed_out(client, make_school):
    make_school(help_contacts=[{"name": "상담 선생님", "phone": "", "note": ""}])
    assert "상담 선생님" in client.get("/help").get_data(as_text=True)


def test_every_page_has_quick_exit_and_the_help_panel(client):
    for path in ("/", "/login", "/help", "/privacy", "/does-not-exist"):
        page = client.get(path).get_data(as_text=True)
        assert "data-quick-exit" in page and 'href="https://www.weather.go.kr/"' in page, path
        assert 'id="help-panel"' in page, path
        for number in ("112", "1366", "117", "1388", "109"):
            assert f'href="tel:{number}"' in page, (path, number)


def test_privacy_page_in_both_languages(client):
    korean = client.get("/privacy").get_data(as_text=True)
    assert "개인정보 처리 안내" in korean
    client.set_cookie("lang", "en")
    assert "Privacy" in client.get("/privacy").get_data(as_text=True)


def test_healthz_does_not_touch_the_database(tmp_path):
    app = create_app(base_config("postgresql+psycopg://nobody@127.0.0.1:1/nothing"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_shipped_help_content_is_valid():
    problems = Problems()
    content = load_help(ROOT / "help", problems)
    assert problems.errors == []
    assert [c.id for c in content.compact_channels] == [
        "police",
        "d4u",
        "school-117",
        "youth-1388",
        "suicide-109",
    ]


def test_the_panel_shows_deletion_help_and_says_what_1366_is(client):
    """A boy whose image was faked must see deletion help on every page, not only "women's"."""
    page = client.get("/login").get_data(as_text=True)
    panel = page[page.index('id="help-panel"') :]
    assert "디지털 성범죄 피해·여성긴급전화" in panel and panel.count('href="tel:1366"') == 1
    assert 'href="sms:%231388"' in panel
    client.set_cookie("lang", "en")
    panel = client.get("/login").get_data(as_text=True)
    assert "Digital sex crime · Women&#39;s hotline" in panel


def test_help_page_puts_who_to_call_right_under_the_police_banner(client):
    for lang, guide in (("ko", "이럴 땐 여기로 연락해요"), ("en", "Who to contact, and when")):
        client.set_cookie("lang", lang)
        page = client.get("/help").get_data(as_text=True)
        banner, first_channel = page.index('class="danger-now"'), page.index('class="channel-list"')
        assert banner < page.index(guide) < first_channel, lang


def test_numbers_in_the_help_text_come_from_the_channels_file(client, tmp_path):
    """The guide's numbers are tap-to-call links rendered from channels.yaml, in both languages."""
    for lang in ("ko", "en"):
        client.set_cookie("lang", lang)
        page = client.get("/help").get_data(as_text=True)
        guide = page[page.index('class="prose help-guide"') : page.index('class="channel-list"')]
        for number in ("112", "1366", "117", "1388", "109"):
            assert f'href="tel:{number}"' in guide and f">{number}</a>" in guide, (lang, number)


def test_text_routes_and_shared_numbers_are_on_the_help_page(client):
    page = client.get("/help").get_data(as_text=True)
    assert 'href="sms:%231388"' in page and "청소년상담1388" in page and "women1366" in page
    assert "여성긴급전화와 같은 번호예요: 1366." in page
    client.set_cookie("lang", "en")
    english = client.get("/help").get_data(as_text=True)
    assert "Same number as Women&#39;s Emergency Hotline: 1366." in english and "United States" in english


def test_a_help_reference_to_an_unknown_channel_or_a_channel_without_a_number_is_an_error(tmp_path):
    help_dir = tmp_path / "help"
    shutil.copytree(ROOT / "help", help_dir)
    page = help_dir / "en.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text + "\nCall [[tel:nowhere]] or [[tel:ecrm]].\n", encoding="utf-8")
    line = len(page.read_text(encoding="utf-8").splitlines())
    problems = Problems()
    load_help(help_dir, problems)
    messages = [str(e) for e in problems.errors]
    assert f"{page}:{line}: unknown help channel `[[tel:nowhere]]` (not in help/channels.yaml)" in messages
    assert f"{page}:{line}: `[[tel:ecrm]]`: that channel has no phone number" in messages


# Validation with file:line ------------------------------------------------------------

GOOD_CHANNEL = """\
schema_version: 1
channels:
  - id: police
    name: {ko: 경찰, en: Police}
    purpose: {ko: 위험할 때, en: In danger}
    phone: "112"
    jurisdiction: KR
    source: S62
    checked: 2026-11-25
"""


def channel_errors(tmp_path, text):
    path = tmp_path / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    problems = Problems()
    load_channels(path, problems)
    return [str(e) for e in problems.errors], str(path)


@pytest.mark.parametrize(
    "text, line, message",
    [
        (GOOD_CHANNEL.replace('    phone: "112"', '    phone: "112'), 6, "YAML error"),
        (GOOD_CHANNEL.replace('    phone: "112"', "    phone: 112"), 6, "`phone` must be non-empty text"),
        (
            GOOD_CHANNEL.replace("    source: S62", "    source: S62\n    colour: red"),
            9,
            "unknown key `colour`",
        ),
        (GOOD_CHANNEL.replace("    source: S62\n", ""), 3, "missing key `source`"),
        (
            GOOD_CHANNEL.replace("{ko: 경찰, en: Police}", "{ko: 경찰}"),
            4,
            "`name` must have exactly `ko` and `en`",
        ),
        (GOOD_CHANNEL.replace("2026-11-25", "last week"), 9, "`checked` must be a date"),
        (GOOD_CHANNEL.replace("schema_version: 1", "schema_version: 2"), 1, "unknown schema_version"),
        (
            GOOD_CHANNEL.replace('    phone: "112"', "    web: http://x.example"),
            6,
            "`web` must be an https:// address",
        ),
        (
            GOOD_CHANNEL.replace('    phone: "112"', '    phone: "call us"'),
            6,
            "`phone` must be digits and dashes",
        ),
        (GOOD_CHANNEL.replace('    phone: "112"\n', ""), 3, "needs a `phone` or a `web`"),
        (GOOD_CHANNEL + GOOD_CHANNEL.split("channels:\n")[1], 10, "duplicate channel id `police`"),
        (
            GOOD_CHANNEL.replace("    jurisdiction: KR", "    jurisdiction: KR\n    jurisdiction: US"),
            8,
            "duplicate key",
        ),
        ("- just\n- a list\n", 1, "must be a mapping"),
    ],
)
def test_broken_channels_file_reports_file_and_line(tmp_path, text, line, message):
    errors, path = channel_errors(tmp_path, text)
    assert any(e.startswith(f"{path}:{line}: ") and message in e for e in errors), errors


def test_every_problem_is_reported_at_once(tmp_path):
    text = GOOD_CHANNEL.replace('phone: "112"', "phone: 112").replace("2026-11-25", "soon")
    errors, _path = channel_errors(tmp_path, text)
    assert len(errors) == 2


def test_app_refuses_to_start_with_a_broken_channels_file(tmp_path):
    help_dir = tmp_path / "help"
    shutil.copytree(ROOT / "help", help_dir)
    text = (help_dir / "channels.yaml").read_text(encoding="utf-8")
    broken = text.replace('phone: "117"', "phone: 117")
    (help_dir / "channels.yaml").write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("    phone: 117") + 1
    with pytest.raises(ContentInvalid) as excinfo:
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", HELP_DIR=str(help_dir)))
    assert f"{help_dir / 'channels.yaml'}:{line}: `phone` must be non-empty text" in str(excinfo.value)


def test_broken_help_page_front_matter_is_reported(tmp_path):
    help_dir = tmp_path / "help"
    shutil.copytree(ROOT / "help", help_dir)
    (help_dir / "en.md").write_text("---\ntitle: Help\nintro: [unclosed\n---\nbody\n", encoding="utf-8")
    (help_dir / "privacy.ko.md").unlink()
    with pytest.raises(ContentInvalid) as excinfo:
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", HELP_DIR=str(help_dir)))
    message = str(excinfo.value)
    assert f"{help_dir / 'en.md'}:" in message and "YAML error" in message
    assert f"{help_dir / 'privacy.ko.md'}: file not found" in message


def test_help_markdown_is_sanitised(tmp_path):
    help_dir = tmp_path / "help"
    shutil.copytree(ROOT / "help", help_dir)
    (help_dir / "en.md").write_text(
        "---\ntitle: Help\nintro: Hi\n---\n## Hi\n<script>alert(1)</script>\n"
        "[x](javascript:alert(1)) <img src=x onerror=alert(1)>\n",
        encoding="utf-8",
    )
    app = create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", HELP_DIR=str(help_dir)))
    with app.app_context():
        db.create_all()
    client = app.test_client()
    client.set_cookie("lang", "en")
    page = client.get("/help").get_data(as_text=True)
    assert "<script>alert" not in page and "javascript:" not in page and "onerror" not in page
    with app.app_context():
        db.engine.dispose()


def test_school_contacts_ignore_malformed_entries(app, client, make_school):
    make_school(help_contacts=[{"phone": "123"}, "not a dict", {"name": "보건실"}])
    page = client.get("/help").get_data(as_text=True)
    assert "보건실" in page
    with app.app_context():
        assert db.session.execute(db.select(School)).scalar_one().help_contacts[0] == {"phone": "123"}


def test_path_helper_is_not_confused_by_relative_dirs():
    assert Path(ROOT / "help").is_dir()
