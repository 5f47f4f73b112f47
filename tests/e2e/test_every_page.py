"""Every GET page of every role, in both languages, at 360, 390, 768 and 1366 px: no sideways
scroll (a wide table scrolls inside its own box), and no form control under 44 px tall.

The pages come from the url map, as the security walk classifies them, so a new page is
checked without being listed here; ids come from the live demo school.
"""

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import Assignment, ClassTeacher, Enrollment, QuizAttempt, Role, User
from tests.e2e.conftest import DEMO_PASSWORD, LIVE_APPS
from tests.security_walk import may_use, walk_rules

WIDTHS = (360, 390, 768, 1366)
USERS = {Role.STUDENT: "demo-student01", Role.TEACHER: "demo-teacher", Role.ADMIN: "demo-admin"}
# Downloads and machine answers are not pages.
NOT_PAGES = ("export", ".csv", ".json", "healthz", "/state")
MEASURE = """() => {
  const small = [];
  const controls = document.querySelectorAll(
    "button, select, textarea, summary, .button, input:not([type=hidden]):not([type=checkbox]):not([type=radio])");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (box.width === 0 || style.visibility === "hidden" || el.closest("[hidden], details:not([open]) > :not(summary)")) continue;
    if (box.height < 43.5) small.push(`${el.tagName.toLowerCase()} "${(el.innerText || el.value || el.name || "").trim().slice(0, 30)}" ${Math.round(box.height)}px`);
  }
  return {wide: document.documentElement.scrollWidth, inner: window.innerWidth, small};
}"""


def ids_for(username: str) -> dict:
    """Values for the url map's arguments, as this user can use them in the demo school."""
    app = LIVE_APPS[0]
    with app.app_context():
        user = db.session.execute(sa.select(User).filter_by(username=username)).scalar_one()
        values = {"step": 1}
        if user.role == Role.STUDENT:
            enrollment = (
                db.session.execute(sa.select(Enrollment).filter_by(student_id=user.id)).scalars().first()
            )
            values["class_id"] = enrollment.classroom_id
            attempt = db.session.execute(sa.select(QuizAttempt).filter_by(user_id=user.id)).scalars().first()
            if attempt:
                values.update(attempt_id=attempt.id, slug=attempt.module_slug)
        else:
            teaching = (
                db.session.execute(sa.select(ClassTeacher).filter_by(teacher_id=user.id)).scalars().first()
            )
            class_id = (
                teaching.classroom_id
                if teaching
                else db.session.execute(
                    sa.select(Enrollment.classroom_id)
                    .join(User, User.id == Enrollment.student_id)
                    .where(User.school_id == user.school_id)
                )
                .scalars()
                .first()
            )
            values["class_id"] = class_id
            values["student_id"] = (
                db.session.execute(sa.select(Enrollment.student_id).filter_by(classroom_id=class_id))
                .scalars()
                .first()
            )
            values["user_id"] = values["student_id"]
        assigned = (
            db.session.execute(sa.select(Assignment.module_slug).filter_by(classroom_id=values["class_id"]))
            .scalars()
            .first()
        )
        values.setdefault("slug", assigned or app.extensions["dongui.catalog"].student_modules()[0].slug)
        return values


def pages_for(role: Role, values: dict) -> list[str]:
    app = LIVE_APPS[0]
    adapter = app.url_map.bind("localhost")
    paths = []
    for rule in walk_rules(app):
        if "GET" not in rule.methods or not may_use(role, rule.endpoint):
            continue
        if any(word in rule.rule or word in rule.endpoint for word in NOT_PAGES):
            continue
        if set(rule.arguments) - set(values):
            continue  # e.g. an anonymous question's id: no such page in the demo
        paths.append(adapter.build(rule.endpoint, {a: values[a] for a in rule.arguments}))
    return sorted(set(paths))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("role", list(USERS), ids=str)
def test_no_page_scrolls_sideways_or_has_small_controls(browser, live_server, role, lang, width):
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": width, "height": 900},
        locale="ko-KR" if lang == "ko" else "en-US",
    )
    context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    # The tab icon would load after each page and be cut off by the next: it is not what we measure.
    context.route("**/icons/*", lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto("/login")
        page.fill("input[name=username]", USERS[role])
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.locator("main form [type=submit]").click()
        page.wait_for_load_state()
        problems, visited = [], 0
        for path in pages_for(role, ids_for(USERS[role])):
            response = page.goto(path)
            if response is None or "text/html" not in (response.headers.get("content-type") or ""):
                continue
            if response.status >= 500:
                problems.append(f"{path}: answered {response.status}")
            if response.status >= 400:
                continue  # not a page for these ids (e.g. a module this class was not given)
            visited += 1
            found = page.evaluate(MEASURE)
            if found["wide"] > found["inner"]:
                problems.append(f"{path}: {found['wide']} px wide in a {found['inner']} px window")
            problems += [f"{path}: {control}" for control in found["small"]]
        assert visited >= 5, f"only {visited} pages visited for {role}"
        assert problems == [], "\n".join(problems)
    finally:
        context.close()
