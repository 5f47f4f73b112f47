"""No page a role can open refers to another host, except the help lines and the quick exit;
and every POST form on those pages carries a CSRF token (issue 7).
"""

import dataclasses
import re
from pathlib import Path

import pytest

from dongui.config import ROOT
from dongui.content import get_catalog
from dongui.models import Role
from tests.security_walk import (
    ROLE_IDS,
    ROLES,
    URL_ATTRIBUTES,
    Page,
    make_viewer,
    own_get_walk,
    roster_file,
)
from tests.worlds import build_world, csrf_token_of, login_with_csrf

NOT_A_HOST = ("tel:", "mailto:", "sms:", "data:")


def urls_in_css(text: str) -> list[str]:
    found = re.findall(r"url\(\s*['\"]?([^'\")\s]+)", text, flags=re.I)
    return found + re.findall(r"@import\s+(?:url\()?\s*['\"]?([^'\");\s]+)", text, flags=re.I)


def leaves_the_site(url: str) -> bool:
    value = url.strip().lower()
    if value.startswith(("//", "\\\\", "/\\")):
        return True
    return bool(re.match(r"^[a-z][a-z0-9+.-]*:", value)) and not value.startswith(NOT_A_HOST)


def external_references(page: Page) -> list[tuple[str, str, str]]:
    """(tag, attribute, address) for every reference that leaves the site."""
    found = []
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name in URL_ATTRIBUTES:
                candidates = [value]
                if name == "srcset":
                    candidates = [part.split()[0] for part in value.split(",") if part.strip()]
                found += [(tag, name, url) for url in candidates if leaves_the_site(url)]
            if name == "style":
                found += [(tag, "style", url) for url in urls_in_css(value) if leaves_the_site(url)]
    for text in page.styles:
        found += [("style", "css", url) for url in urls_in_css(text) if leaves_the_site(url)]
    return found


def channel_addresses(app) -> set[str]:
    """Every address in the loaded help channels (help/channels.yaml), and the quick exit."""
    addresses = {app.config["QUICK_EXIT_URL"]}
    with app.app_context():
        channels = get_catalog().help.channels
    for channel in channels:
        for item in dataclasses.fields(channel):
            value = getattr(channel, item.name)
            texts = value.values() if isinstance(value, dict) else [value]
            for text in texts:
                if isinstance(text, str):
                    addresses.update(re.findall(r"https?://[^\s\"'<>)]+", text))
    return addresses


def host_problems(body: str, allowed: set[str], where: str) -> list[str]:
    page = Page(body)
    problems = []
    for tag, attribute, url in external_references(page):
        if not (tag == "a" and attribute == "href" and url in allowed):
            problems.append(f"{where}: <{tag} {attribute}> refers to another host: {url}")
    for action, fields in page.post_forms:
        # A prefixed form's token is "<prefix>-csrf_token"; Flask-WTF reads that too.
        if not any(name.endswith("csrf_token") for name in fields):
            problems.append(f"{where}: a POST form to {action!r} has no csrf_token")
    return problems


def test_static_files_refer_to_no_other_host(app):
    static = Path(app.static_folder)
    files = sorted(static.glob("css/*.css")) + sorted(static.glob("js/*.js"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.findall(r"https?://", text, flags=re.I), path
        if path.suffix == ".css":
            assert not [u for u in urls_in_css(text) if leaves_the_site(u)], path


def extra_pages(client, world, role) -> list[tuple[str, object]]:
    """Pages that only a POST shows: sign-in cards, a roster preview, a staff card."""
    token = {"csrf_token": csrf_token_of(client, "/help")}
    if role == Role.TEACHER:
        base = f"/teach/classes/{world['class:A1']}"
        return [
            (
                f"{base}/students/<id>/reset",
                client.post(f"{base}/students/{world['mate:A1']}/reset", data={**token, "confirmed": "yes"}),
            ),
            (f"{base}/import", client.post(f"{base}/import", data={"file": roster_file(), **token})),
        ]
    if role == Role.ADMIN:
        return [
            (
                "/admin/teachers/<id>/reset",
                client.post(
                    f"/admin/teachers/{world['teacher:A2']}/reset", data={**token, "confirmed": "yes"}
                ),
            )
        ]
    return []


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])  # so forms render their token
@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_no_page_refers_to_another_host_and_every_post_form_has_a_token(app, client, role):
    world = build_world(app)
    viewer = make_viewer(world, role)
    client.set_cookie("lang", "en")
    if viewer.key is not None:
        login_with_csrf(client, world.usernames[viewer.key])
    allowed = channel_addresses(app)
    problems, html_pages = [], 0
    responses = [(path, response) for _rule, path, response in own_get_walk(app, client, viewer.own)]
    responses += extra_pages(client, world, role)
    responses.append(("/no-such-page", client.get("/no-such-page")))
    for path, response in responses:
        assert response.status_code < 500, path
        if response.mimetype == "text/html":
            html_pages += 1
            problems += host_problems(response.get_data(as_text=True), allowed, f"{role} {path}")
    assert not problems, "\n".join(problems)
    assert html_pages >= 8
    help_page = client.get("/help").get_data(as_text=True)
    assert any(f'href="{url}"' in help_page for url in allowed)  # the allowance is used


@pytest.mark.parametrize(
    "app_config",
    [{"WTF_CSRF_ENABLED": True, "LESSONS_DIR": str(ROOT / "lessons"), "QUIZZES_DIR": str(ROOT / "quizzes")}],
)
def test_the_shipped_curriculum_refers_to_no_other_host(app, client, make_user):
    """Every module, step, end page, quiz and teacher preview of lessons/, in both languages."""
    make_user(role=Role.TEACHER, username="reader")
    login_with_csrf(client, "reader")
    allowed = channel_addresses(app)
    with app.app_context():
        modules = [(m.slug, m.step_count) for m in get_catalog().modules]
    assert len(modules) >= 5
    problems = []
    for lang in ("ko", "en"):
        client.set_cookie("lang", lang)
        for slug, steps in modules:
            paths = [
                f"/learn/{slug}",
                f"/learn/{slug}/end",
                f"/learn/{slug}/quiz",
                f"/teach/modules/{slug}",
            ] + [f"/learn/{slug}/{n}" for n in range(1, steps + 1)]
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                problems += host_problems(response.get_data(as_text=True), allowed, f"{lang} {path}")
    assert not problems, "\n".join(problems)
