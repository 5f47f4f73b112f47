"""A school day with 30 students active and 3 questions asked: nothing orders the questions by asker
(issue 14, "What must be shown").

The same day is lived twice. Both times the 30 students sign in at their own times from their
own addresses, open the class's question box, read a lesson and sign out; only who asks (while
on the box's page), when, and in what order differ (day A: pupils 3, 11, 24 ask questions 1, 2, 3
through the morning; day B:
pupils 7, 18, 29 ask questions 3, 1, 2, later in the day). If any of the four places below held
anything that depends on who asked or when, the two days would differ there:

- the staff pages: the question box and the class pages as a teacher watching all day sees them
  after each pupil's visit, and every class page, each student's page, the question box, the
  admin's pages and the CSV exports the morning after;
- every log line: the application's logs, and gunicorn's access log written by the production
  logger class (gunicorn.conf.py) for every request;
- the order of the rows in class_questions as stored (SQLite rowid, PostgreSQL ctid; on
  PostgreSQL one transaction id for all);
- the limiter store (the daily question counts).
"""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from dongui.extensions import db
from dongui.models import ClassQuestion
from dongui.school import questions as box
from tests.conftest import login
from tests.helpers import class_of_pupils, client_from, every_log_record, start_a_day

STUDENTS = 30
QUESTIONS = {
    1: "선배가 사진을 보내 달라고 해요. 거절해도 되나요?",
    2: "딥페이크를 신고하면 누가 알게 되나요?",
    3: "친구가 힘들어하는데 어떻게 도와야 해요?",
}
# Who asks which question (pupil n comes at minute 10n after 09:00 in Seoul, 00:00 UTC).
DAY_A = {3: 1, 11: 2, 24: 3}
DAY_B = {7: 3, 18: 1, 29: 2}


def random_values(app) -> list[str]:
    """Ids and tokens that are random by design, to be blanked before comparing."""
    with app.app_context():
        return list(db.session.execute(sa.select(ClassQuestion.id)).scalars())


def normalise(text: str, randoms: list[str]) -> str:
    for value in randoms:
        text = text.replace(value, "RANDOM-ID").replace(value[:8], "RANDOM8")
    text = re.sub(r'(name="csrf_token"[^>]*value=|data-csrf=)"[^"]+"', r'\1"TOKEN"', text)
    # Questions are listed by date, then by their random id: compare them as a set.
    articles = re.findall(r"<article.*?</article>", text, flags=re.S)
    for article in articles:
        text = text.replace(article, "")
    return text + "\n".join(sorted(articles))


def live_a_day(app, client, clock, tmp_path, askers, name) -> dict:
    """One school day and the morning after; returns what each of the four places holds."""
    log_path = tmp_path / f"access-{name}.log"
    start_a_day(app, clock, log_path)  # 09:00 in Seoul
    class_id = class_of_pupils(app, STUDENTS)

    with every_log_record() as records:
        try:
            # The day: pupil n comes at minute 10n, from their own address; askers ask on the box's page.
            # Their teacher watches all day: after each pupil, the question box and the class pages.
            start = clock.now
            watcher = client_from(app, "10.0.2.1")
            login(watcher, "teacher")
            watched = []
            for n in range(1, STUDENTS + 1):
                clock.now = start + timedelta(minutes=10 * n)
                pupil = client_from(app, f"10.0.0.{n}")
                login(pupil, f"pupil{n:02d}")
                pupil.get("/learn")
                pupil.get(f"/learn/classes/{class_id}")
                if n in askers:
                    response = pupil.post(f"/learn/classes/{class_id}", data={"body": QUESTIONS[askers[n]]})
                    assert response.status_code == 302
                    pupil.get(response.headers["Location"])  # the page with "your question was sent"
                pupil.get("/learn/sample/1")
                pupil.get("/learn")
                pupil.post("/logout")
                clock.now += timedelta(minutes=1)
                for path in (
                    f"/teach/classes/{class_id}/questions",
                    f"/teach/classes/{class_id}",
                    f"/teach/classes/{class_id}/roster",
                ):
                    watched.append(watcher.get(path).get_data(as_text=True))

            store = app.extensions["question_limit"]["memory"]
            limit_store = {
                "keys in stored order": list(store.counts),
                "counts": sorted(store.counts.values()),
                "day": store.day,
            }

            # The morning after: staff open every page (the first request runs the release).
            clock.now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 08:30 on the 26th in Seoul
            pages = {}
            staff = client_from(app, "10.0.1.1")
            login(staff, "teacher")
            with app.app_context():
                student_ids = list(
                    db.session.execute(
                        sa.select(sa.text("id"))
                        .select_from(sa.table("users"))
                        .where(sa.text("role = 'student'"))
                    ).scalars()
                )
            paths = [
                f"/teach/classes/{class_id}",
                f"/teach/classes/{class_id}/roster",
                f"/teach/classes/{class_id}/questions",
                f"/teach/classes/{class_id}/modules/sample",
            ]
            paths += [f"/teach/classes/{class_id}/students/{s}" for s in student_ids]
            for path in paths:
                pages[f"teacher {path}"] = staff.get(path).get_data(as_text=True)
            pages["teacher export"] = staff.post(f"/teach/classes/{class_id}/export.csv").get_data(
                as_text=True
            )
            staff.post("/logout")
            login(staff, "boss")
            for path in ["/admin", "/admin/students", "/admin/teachers", "/admin/audit"] + [
                f"/admin/users/{s}" for s in student_ids
            ]:
                pages[f"admin {path}"] = staff.get(path).get_data(as_text=True)
            pages["admin export"] = staff.post("/admin/export.csv").get_data(as_text=True)
            pages["admin student export"] = staff.post(f"/admin/users/{student_ids[0]}/export").get_data(
                as_text=True
            )
        finally:
            app.wsgi_app.close()

    with app.app_context():
        order = "rowid" if db.engine.dialect.name == "sqlite" else "ctid"
        stored = list(
            db.session.execute(sa.text(f"SELECT body FROM class_questions ORDER BY {order}")).scalars()
        )
        xmins = (
            list(db.session.execute(sa.text("SELECT DISTINCT xmin::text FROM class_questions")).scalars())
            if order == "ctid"
            else []
        )
    randoms = random_values(app)
    return {
        "pages": {key: normalise(page, randoms) for key, page in pages.items()},
        "watched all day": [normalise(page, randoms) for page in watched],
        "log lines": sorted(records),
        "access log": log_path.read_text().splitlines(),
        "stored order": stored,
        "transactions": len(xmins) if xmins else None,
        "limit store": limit_store,
    }


@pytest.fixture
def canonical_shuffle(monkeypatch):
    """Make the release's shuffle a fixed order (by text): the stored order is then the same two
    days running exactly when it owes nothing to the order of arrival."""
    monkeypatch.setattr(box, "shuffle", lambda rows: rows.sort(key=lambda row: row["body"]))


def test_a_day_of_30_students_and_3_questions_cannot_be_ordered_by_asker(
    app, client, clock, tmp_path, canonical_shuffle
):
    day_a = live_a_day(app, client, clock, tmp_path, DAY_A, "a")
    day_b = live_a_day(app, client, clock, tmp_path, DAY_B, "b")

    # The staff pages: the same all day long to a teacher watching them after every pupil's
    # visit (today a question appeared the minute it was asked, beside that minute's "last
    # active"), and the same, page by page, the morning after.
    assert len(day_a["watched all day"]) == 3 * STUDENTS
    for minute, (seen_a, seen_b) in enumerate(
        zip(day_a["watched all day"], day_b["watched all day"], strict=True)
    ):
        assert seen_a == seen_b, f"the teacher's page after pupil {minute // 3 + 1} differs"
    assert day_a["pages"].keys() == day_b["pages"].keys()
    for key in day_a["pages"]:
        assert day_a["pages"][key] == day_b["pages"][key], key
    questions_page = next(page for key, page in day_a["pages"].items() if key.endswith("/questions"))
    assert all(question in questions_page for question in QUESTIONS.values())
    assert questions_page.count("2026년 11월 25일") == 3  # one date, the day's, for each

    # Every log line: the application's, and gunicorn's access log, line for line.
    assert day_a["log lines"] == day_b["log lines"]
    assert day_a["access log"] == day_b["access log"]
    assert len(day_a["access log"]) > 5 * STUDENTS  # the log is on: everything else is there
    assert not [line for line in day_a["access log"] if "/learn/classes" in line]

    # The table's own order: the release's, not the order of asking.
    assert day_a["stored order"] == day_b["stored order"] == sorted(QUESTIONS.values())
    assert day_a["transactions"] in (None, 1)

    # The limiter store: three counts of one, in an order that is not the order of asking.
    for day in (day_a, day_b):
        store = day["limit store"]
        assert store["counts"] == [1, 1, 1]
        assert store["keys in stored order"] == sorted(store["keys in stored order"])
    assert not set(day_a["limit store"]["keys in stored order"]) & set(
        day_b["limit store"]["keys in stored order"]
    )
