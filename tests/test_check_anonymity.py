"""A school day with 30 students, six of whom answer the before-and-after check and two skip it:
nothing ties an answer to a student (issue 20, "What must be shown").

The day is lived twice, as tests/test_anonymity_day.py lives the question box's: every student
signs in at their own time from their own address and opens the check, and the same eight finish
it; only which of them answer (with which of six answer patterns) and which skip differ. Whatever
depends on who answered what, or on who skipped, would differ between the two days in one of
these places:

- the staff pages the morning after (the class's results, its dashboard and students, the
  school's pages and exports);
- every log line: the application's and gunicorn's access log (the production logger class);
- what the database holds about the answers, in its stored order (SQLite rowid, PostgreSQL ctid;
  on PostgreSQL, one transaction for all of it);
- the limiter stores.

The marks say who is done with the check, the same eight both days: never what, when, or
whether they answered or skipped.
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from dongui.extensions import db, limiter
from dongui.models import CheckMark, Enrollment, PendingCheckAnswers
from tests.conftest import login
from tests.helpers import class_of_pupils, client_from, every_log_record, start_a_day

STUDENTS = 30
PATTERNS = {
    1: (4, 4, 3, 1, 2, 4),
    2: (1, 2, 2, 4, 3, 3),
    3: (3, 3, "", 2, 4, 1),
    4: (2, 1, 4, 3, 1, 2),
    5: (4, 3, 3, 3, "", ""),
    6: (1, 1, 1, 1, 1, 1),
}
# Who answers with which pattern, and who skips: the same eight students finish on both days.
DAY_A = ({3: 1, 11: 2, 24: 3, 5: 4, 17: 5, 28: 6}, {8, 20})
DAY_B = ({8: 3, 20: 1, 28: 2, 3: 6, 24: 4, 17: 5}, {5, 11})


def live_a_day(app, clock, tmp_path, answerers, skippers, name) -> dict:
    log_path = tmp_path / f"access-{name}.log"
    start_a_day(app, clock, log_path)  # 09:00 in Seoul
    class_id = class_of_pupils(app, STUDENTS, check_min_answers=5)

    with every_log_record() as records:
        try:
            start = clock.now
            for n in range(1, STUDENTS + 1):
                clock.now = start + timedelta(minutes=10 * n)
                pupil = client_from(app, f"10.0.0.{n}")
                login(pupil, f"pupil{n:02d}")
                pupil.get("/learn")
                pupil.get(f"/learn/checks/{class_id}")
                if n in answerers:
                    points = PATTERNS[answerers[n]]
                    data = {f"item-s{i}": str(p) for i, p in enumerate(points, start=1)}
                    assert pupil.post(f"/learn/checks/{class_id}", data=data).status_code == 302
                elif n in skippers:
                    assert pupil.post(f"/learn/checks/{class_id}", data={"action": "skip"}).status_code == 302
                pupil.get("/learn")
                pupil.post("/logout")
            with app.app_context():
                pending = db.session.execute(sa.select(PendingCheckAnswers.entries)).scalar_one()
                assert len(pending) == 6  # waiting for the release, no one's name on them

            clock.now = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 08:30 on the 26th in Seoul
            pages = {}
            staff = client_from(app, "10.0.1.1")
            login(staff, "teacher")
            with app.app_context():
                student_ids = list(db.session.execute(sa.select(Enrollment.student_id)).scalars())
            for path in [
                f"/teach/classes/{class_id}/checks",
                f"/teach/classes/{class_id}",
                f"/teach/classes/{class_id}/roster",
            ] + [f"/teach/classes/{class_id}/students/{s}" for s in student_ids]:
                pages[f"teacher {path}"] = staff.get(path).get_data(as_text=True)
            pages["teacher csv"] = staff.get(f"/teach/classes/{class_id}/checks/export.csv").get_data(
                as_text=True
            )
            staff.post("/logout")
            login(staff, "boss")
            for path in ["/admin", "/admin/checks", "/admin/students", "/admin/audit"] + [
                f"/admin/users/{s}" for s in student_ids
            ]:
                pages[f"admin {path}"] = staff.get(path).get_data(as_text=True)
        finally:
            for log in (app.wsgi_app.logger.access_log, app.wsgi_app.logger.error_log):
                for log_handler in log.handlers:
                    log_handler.close()

    with app.app_context():
        order = "rowid" if db.engine.dialect.name == "sqlite" else "ctid"
        stored = [
            tuple(row)
            for row in db.session.execute(
                sa.text(f"SELECT phase, item_id, point, count FROM check_tallies ORDER BY {order}")
            )
        ]
        xmins = (
            list(db.session.execute(sa.text("SELECT DISTINCT xmin::text FROM check_tallies")).scalars())
            if order == "ctid"
            else []
        )
        left = db.session.execute(sa.select(sa.func.count()).select_from(PendingCheckAnswers)).scalar_one()
        marks = db.session.execute(sa.select(sa.func.count()).select_from(CheckMark)).scalar_one()
    store = app.extensions.get("question_limit", {}).get("memory")
    return {
        "pages": {key: normalise(page) for key, page in pages.items()},
        "log lines": sorted(records),
        "access log": log_path.read_text().splitlines(),
        "stored tallies": stored,
        "transactions": len(xmins) if xmins else None,
        "pending left": left,
        "marks": marks,
        "limit store": sorted(store.counts.items()) if store else [],
        "limiter keys": sorted(str(k) for k in getattr(limiter.storage, "storage", {}) or {}),
    }


def normalise(text: str) -> str:
    import re

    return re.sub(r'(name="csrf_token"[^>]*value=|data-csrf=)"[^"]+"', r'\1"TOKEN"', text)


def test_a_day_of_30_students_and_6_answers_cannot_tie_an_answer_to_anyone(app, clock, tmp_path):
    day_a = live_a_day(app, clock, tmp_path, *DAY_A, "a")
    day_b = live_a_day(app, clock, tmp_path, *DAY_B, "b")

    assert day_a["pages"].keys() == day_b["pages"].keys()
    for key in day_a["pages"]:
        assert day_a["pages"][key] == day_b["pages"][key], key
    results = day_a["pages"][next(k for k in day_a["pages"] if k.endswith("/checks") and "teacher" in k)]
    assert "수업 전: 지금까지 6명" in results  # released: six answers, k = 5; the after has none yet

    assert day_a["log lines"] == day_b["log lines"]
    assert day_a["access log"] == day_b["access log"]
    assert len(day_a["access log"]) > 4 * STUDENTS
    assert not [line for line in day_a["access log"] if "/learn/checks" in line]

    assert day_a["stored tallies"] == day_b["stored tallies"]
    assert ("before", "", 0, 6) in day_a["stored tallies"]
    assert day_a["transactions"] in (None, 1)
    assert day_a["pending left"] == day_b["pending left"] == 0
    assert day_a["marks"] == day_b["marks"] == 8  # six answered and two skipped: the same mark

    assert day_a["limit store"] == day_b["limit store"] == []
    assert day_a["limiter keys"] == day_b["limiter keys"]
    assert not [key for key in day_a["limiter keys"] if "check" in key]
