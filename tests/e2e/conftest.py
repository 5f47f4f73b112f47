"""Real-browser tests: Playwright driving Debian's chromium against a live local server."""

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from dongui import create_app
from dongui.demo import seed_demo
from dongui.extensions import db
from dongui.models import Role
from dongui.school.accounts import create_user
from tests.conftest import base_config

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DEMO_PASSWORD = "browser-demo"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SIZES = {"desktop": DESKTOP, "phone": PHONE}
LIVE_APPS: list = []  # the app behind live_server, once it runs
# test_accessibility: one line per page with its axe findings, printed after the run.
AXE_REPORT_KEY = pytest.StashKey[list]()


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(AXE_REPORT_KEY, [])
    if lines:
        terminalreporter.section("axe-core findings (serious and critical ones fail their test)")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app on a free 127.0.0.1 port, with the demo school; quick exit goes to /healthz."""
    db_path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    app = create_app(base_config(f"sqlite:///{db_path}", PASSWORD_HASH_METHOD="pbkdf2:sha256:1000"))
    with app.app_context():
        db.create_all()
        school = seed_demo(DEMO_PASSWORD)
        newcomer, _ = create_user(school, "e2e-newcomer", "새 학생", Role.STUDENT, DEMO_PASSWORD)
        newcomer.must_change_password = True
        # test_classroom_journey: a teacher of their own (it switches languages for screenshots)
        create_user(school, "e2e-classroom", "이교사", Role.TEACHER, DEMO_PASSWORD)
        for size in SIZES:  # test_journeys: one fresh student per screen size
            learner, _ = create_user(school, f"e2e-learner-{size}", "새 학습자", Role.STUDENT, DEMO_PASSWORD)
            learner.must_change_password = True
        db.session.commit()
    LIVE_APPS.append(app)  # tests that need the live database's ids (test_every_page)
    server = make_server("127.0.0.1", 0, whole_responses(app), threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app.config["QUICK_EXIT_URL"] = f"{base_url}/healthz"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base_url
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def whole_responses(app):
    """The app with every response read whole and closed before the server writes it.

    Werkzeug's development server leaves a file response (a static icon) open when the
    browser drops the connection mid-send, as it does when a page navigates away; the
    file is then closed by the garbage collector with a ResourceWarning, which this
    project's pytest settings make an error in whichever test is running at that moment.
    """

    def serve(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return serve


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(
            f"{CHROMIUM} is not installed (apt-get install chromium fonts-nanum): "
            "browser tests skipped; CI installs it"
        )
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=["phone", "desktop"])
def viewport(request):
    return request.param, PHONE if request.param == "phone" else DESKTOP


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=PHONE, locale="ko-KR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def forget_account_language(username: str) -> None:
    """Clear a shared demo account's own language, so that the `lang` cookie decides again: a
    test that switched it must not change the language other tests see."""
    import sqlalchemy as sa

    from dongui.models import User

    with LIVE_APPS[0].app_context():
        db.session.execute(sa.update(User).where(User.username == username).values(locale=None))
        db.session.commit()


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@pytest.fixture
def open_page(browser, live_server):
    """`open_page(size, lang)`: a page in a fresh browser context (its own cookies), closed afterwards."""
    contexts = []

    def open_(size="phone", lang="ko", **options):
        context = browser.new_context(
            base_url=live_server, viewport=SIZES[size], locale="ko-KR" if lang == "ko" else "en-US", **options
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()
