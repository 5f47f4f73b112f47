"""`BENCH_DATABASE_URL=postgresql+psycopg://… python bench/district.py`: the district report at the
size of an education office (issue 20). Seeds, on an empty PostgreSQL database, one district of
100 schools × 1,000 students (30 classes a school, 9 modules assigned to every class, progress for
every student in every module, excusals, in-class participation, letter-home slips, staff-module
progress, and before-and-after tallies), serves it with gunicorn (gunicorn.conf.py) on 127.0.0.1,
signs in as the district admin, and measures /district and /district/export.csv with wrk: alone
(one connection: what one officer waits for) and with four connections at once, twice: as served
(figures kept for DISTRICT_REPORT_MAX_AGE_MINUTES, 10) and counted afresh at every view (0). It
also counts the report's SQL statements at 10 and at 100 schools, and prints the load average
(the machine may be shared).

PostgreSQL only: the seed is written in SQL (generate_series), seconds instead of minutes. Quiz
attempts are not seeded: the district report never reads them. Bounded: BENCH_SECONDS (default
10) per measurement; it starts and stops its own server. Needs wrk (apt-get install wrk).
BENCH_SCHOOLS and BENCH_STUDENTS (per school) change the size.
"""

import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import Client, free_port, wrk_result  # noqa: E402

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SCHOOLS = int(os.environ.get("BENCH_SCHOOLS", "100"))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "1000"))  # per school
CLASSES = 30  # per school
TEACHERS = 30  # per school, one class each
PASSWORD = "bench-password"
OFFICER = "bench-district"
BUDGET_P95_MS = 1000


def run_wrk(base: str, script: Path, seconds: int, connections: int) -> str:
    """bench/run.py's wrk, with a 30 s timeout: a report counted afresh can take seconds."""
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "30s",
        "-s",
        str(ROOT / "bench" / "load.lua"),
        base,
        "--",
        str(script),
        str(min(2, connections)),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def seed(schools: int = SCHOOLS, students: int = STUDENTS) -> dict:
    """The district, in a handful of INSERT … SELECT statements (PostgreSQL)."""
    import sqlalchemy as sa
    from werkzeug.security import generate_password_hash

    from dongui.content import get_catalog
    from dongui.extensions import db

    catalog = get_catalog()
    modules = [m.slug for m in catalog.student_modules()]
    staff_module = next(m.slug for m in catalog.modules if not m.for_students)
    survey = catalog.check_survey
    password = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    params = {
        "schools": schools,
        "students": students,
        "classes": CLASSES,
        "teachers": TEACHERS,
        "password": password,
        "modules": modules,
        "staff_module": staff_module,
        "survey": survey.id,
        "items": [i.id for i in survey.items],
        "scale": survey.scale,
    }
    statements = [
        "SELECT setseed(0.7)",
        "INSERT INTO districts (name, slug, created_at) VALUES ('벤치마크 교육지원청', 'bench', now())",
        """INSERT INTO schools (name, slug, timezone, default_locale, allow_self_signup, help_contacts, is_demo,
               created_at, question_release_hour, username_pattern, participation_completes, check_min_answers)
           SELECT '벤치마크 학교 ' || lpad(s::text, 3, '0'), 'bench-' || s, 'Asia/Seoul', 'ko', false, '[]', false,
                  now(), 0, 'class_number', s % 4 = 0, 10
           FROM generate_series(1, :schools) s""",
        """INSERT INTO district_schools (district_id, school_id)
           SELECT d.id, s.id FROM districts d, schools s WHERE d.slug = 'bench'""",
        """INSERT INTO users (district_id, username, display_name, role, password_hash, must_change_password,
               session_version, created_at)
           SELECT id, :officer, '교육청 담당자', 'district_admin', :password, false, 1, now()
           FROM districts WHERE slug = 'bench'""",
        """INSERT INTO users (school_id, username, display_name, role, password_hash, must_change_password,
               session_version, created_at, last_seen_at)
           SELECT s.id, s.slug || '-admin', '관리자', 'admin', :password, false, 1, now(), now()
           FROM schools s""",
        """INSERT INTO users (school_id, username, display_name, role, password_hash, must_change_password,
               session_version, created_at, last_seen_at)
           SELECT s.id, s.slug || '-t' || t, '교사' || t, 'teacher', :password, false, 1, now(), now()
           FROM schools s, generate_series(1, :teachers) t""",
        """INSERT INTO users (school_id, username, display_name, role, password_hash, must_change_password,
               session_version, created_at, last_seen_at, deactivated_at)
           SELECT s.id, s.slug || '-s' || n, '학생' || n, 'student', :password, false, 1, now(),
                  CASE WHEN random() < 0.05 THEN NULL ELSE now() - random() * interval '14 days' END,
                  CASE WHEN random() < 0.01 THEN now() END
           FROM schools s, generate_series(1, :students) n""",
        """INSERT INTO classrooms (school_id, name, year, join_code, created_at)
           SELECT s.id, (1 + (c - 1) / 10) || '학년 ' || (1 + (c - 1) % 10) || '반', 2026,
                  'B' || s.id || 'C' || c, now()
           FROM schools s, generate_series(1, :classes) c""",
        """INSERT INTO class_teachers (classroom_id, teacher_id)
           SELECT c.id, u.id FROM classrooms c JOIN schools s ON s.id = c.school_id
           JOIN users u ON u.username = s.slug || '-t' || split_part(c.join_code, 'C', 2)""",
        """INSERT INTO enrollments (classroom_id, student_id, number, created_at)
           SELECT c.id, u.id, (split_part(u.username, '-s', 2)::int - 1) / :classes + 1, now()
           FROM users u JOIN schools s ON s.id = u.school_id
           JOIN classrooms c ON c.school_id = s.id
                AND c.join_code = 'B' || s.id || 'C' || ((split_part(u.username, '-s', 2)::int - 1) % :classes + 1)
           WHERE u.role = 'student'""",
        """INSERT INTO assignments (classroom_id, module_slug, position, due_on, assigned_at)
           SELECT c.id, m.slug, m.position, current_date + (m.position * 7 - 40)::int, now()
           FROM classrooms c, unnest(CAST(:modules AS text[])) WITH ORDINALITY AS m(slug, position)""",
        """INSERT INTO module_progress (user_id, module_slug, started_at, last_step, lesson_done_at,
               quiz_passed_at, best_score, attempts, content_hash)
           SELECT id, slug, now(), 1 + floor(r * 4)::int, CASE WHEN r > 0.3 THEN now() END,
                  CASE WHEN r > 0.4 THEN now() END, round((0.5 + r / 2)::numeric, 2), 1, ''
           FROM (SELECT u.id, m.slug, random() AS r FROM users u, unnest(CAST(:modules AS text[])) m(slug)
                 WHERE u.role = 'student') p
           WHERE r > 0.1""",
        """INSERT INTO module_progress (user_id, module_slug, started_at, last_step, lesson_done_at,
               quiz_passed_at, best_score, attempts, content_hash)
           SELECT id, :staff_module, now(), 1, now(), now(), 1.0, 1, '' FROM users
           WHERE role IN ('teacher', 'admin') AND random() < 0.6""",
        """INSERT INTO excusals (classroom_id, student_id, module_slug, at, reason)
           SELECT e.classroom_id, e.student_id, (CAST(:modules AS text[]))[1 + floor(random() * 9)::int], now(),
                  CASE WHEN random() < 0.5 THEN 'family' END
           FROM enrollments e WHERE random() < 0.01
           ON CONFLICT DO NOTHING""",
        """INSERT INTO class_participations (classroom_id, student_id, module_slug, attended_on, paper_passed_on,
               recorded_at)
           SELECT e.classroom_id, e.student_id, m.slug, current_date - 3,
                  CASE WHEN random() < 0.7 THEN current_date - 3 END, now()
           FROM enrollments e, unnest(CAST(:modules AS text[])) m(slug)
           WHERE e.classroom_id % 5 = 0 AND m.slug IN ((CAST(:modules AS text[]))[4], (CAST(:modules AS text[]))[5])
                 AND random() < 0.9""",
        """INSERT INTO letter_slips (classroom_id, student_id, has_questions, returned_on, recorded_at)
           SELECT classroom_id, student_id, random() < 0.05, current_date - 10, now()
           FROM enrollments WHERE random() < 0.6""",
        # Tallies for the before-and-after check: most classes past k = 10 both times.
        """INSERT INTO check_tallies (classroom_id, survey_id, phase, item_id, point, count)
           SELECT c.id, :survey, p.phase, '', 0, 8 + floor(random() * 20)::int
           FROM classrooms c, (VALUES ('before'), ('after')) p(phase)""",
        """INSERT INTO check_tallies (classroom_id, survey_id, phase, item_id, point, count)
           SELECT t.classroom_id, :survey, t.phase, i.item, pt.point, 1 + floor(random() * 6)::int
           FROM check_tallies t, unnest(CAST(:items AS text[])) i(item), generate_series(0, :scale) pt(point)
           WHERE t.item_id = ''""",
    ]
    params["officer"] = OFFICER
    with db.engine.begin() as connection:
        for statement in statements:
            names = set(re.findall(r"(?<!:):(\w+)", statement))
            connection.execute(sa.text(statement), {k: v for k, v in params.items() if k in names})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum leaves a database that has settled
    return {"schools": schools, "students": schools * students, "classes": schools * CLASSES}


def count_statements(app, client, path: str) -> int:
    import sqlalchemy as sa

    from dongui.extensions import db

    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args, **kwargs: statements.append(1)  # noqa: E731
    client.get(path)
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def statements_at(app, schools: list[int]) -> int:
    """The report's statements with the district cut down to `schools` (then put back)."""
    import sqlalchemy as sa

    from bench.run import csrf_token
    from dongui.extensions import db

    app.config["DISTRICT_REPORT_MAX_AGE_MINUTES"] = 0  # count at every view: the work, not the kept copy
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE bench_kept AS SELECT * FROM district_schools"))
            connection.execute(
                sa.text("DELETE FROM district_schools WHERE school_id <> ALL(:ids)"), {"ids": schools}
            )
        try:
            client = app.test_client()
            token = csrf_token(client.get("/login").get_data(as_text=True))
            client.post("/login", data={"username": OFFICER, "password": PASSWORD, "csrf_token": token})
            count = count_statements(app, client, "/district")
        finally:
            with db.engine.begin() as connection:
                connection.execute(sa.text("DELETE FROM district_schools"))
                connection.execute(sa.text("INSERT INTO district_schools SELECT * FROM bench_kept"))
                connection.execute(sa.text("DROP TABLE bench_kept"))
            db.engine.dispose()
    return count


def measure_server(base: str, env: dict, workdir: Path, label: str, size: dict, budget: bool) -> bool:
    """Serve with `env`, measure /district and its CSV; True when something failed (or, with
    `budget`, /district alone missed p95 ≤ 1 s)."""
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(workdir / "error.log"),
            "--timeout",
            "120",
            "app:app",
        ],
        cwd=ROOT,
        env=env,
    )
    failed = False
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        officer = Client(base, OFFICER, PASSWORD)
        page = officer.get("/district")
        assert "벤치마크 학교 001" in page and not re.search(r"학생\d|교사\d|bench-\d+-s", page)
        for path in ("/district", "/district/export.csv"):
            script = workdir / f"{path.strip('/').replace('/', '-')}.txt"
            script.write_text(f"GET\t{path}\t{officer.cookie}\t\n")
            run_wrk(base, script, 2, 1)  # warm up each worker's templates
            for connections in (1, 4):
                requests, rps, p50, p95, errors = wrk_result(
                    path, run_wrk(base, script, SECONDS, connections)
                )
                print(
                    f"| {path} ({size['schools']} × {STUDENTS:,}) | {label} | {connections} | {requests} | "
                    f"{rps:,.2f} | {p50:,.0f} | {p95:,.0f} | {errors} |"
                )
                failed |= bool(errors) or (
                    budget and connections == 1 and path == "/district" and p95 > BUDGET_P95_MS
                )
        problems = [
            line
            for line in (workdir / "error.log").read_text().splitlines()
            if "ERROR" in line or "Error" in line or "WORKER TIMEOUT" in line
        ]
        if problems:
            print("server errors during the run:", *problems[:20], sep="\n  ")
            failed = True
    finally:
        server.terminate()
        server.wait(timeout=30)
    return failed


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print(
            "bench/district.py measures on PostgreSQL: set BENCH_DATABASE_URL to an empty database "
            "(scripts/pg-throwaway.sh start prints one)",
            file=sys.stderr,
        )
        return 2
    if not shutil.which("wrk"):
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="dongui-district-bench-"))
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    env.update(
        DATABASE_URL=url,
        RATELIMIT_STORAGE_URI="memory://",
        LOGIN_LIMIT_PER_ADDRESS="10000 per minute",
        DONGUI_BIND=f"127.0.0.1:{free_port()}",
    )
    os.environ.update(env)

    from flask_migrate import upgrade

    from dongui import create_app
    from dongui.extensions import db

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        if db.session.execute(db.text("SELECT count(*) FROM schools")).scalar_one():
            print("bench/district.py needs an empty database: it adds 100 schools", file=sys.stderr)
            return 2
        db.session.remove()
        started = time.perf_counter()
        size = seed()
        seeded = time.perf_counter() - started
        db.engine.dispose()
    print(
        f"seeded {size['schools']} schools, {size['students']:,} students, {size['classes']:,} classes "
        f"in {seeded:.1f} s (PostgreSQL)"
    )
    with app.app_context():
        from dongui.models import School

        ids = sorted(db.session.execute(db.select(School.id)).scalars())
        db.session.remove()
    counts = {n: statements_at(app, ids[:n]) for n in (10, len(ids))}
    print("statements behind /district: " + ", ".join(f"{n} schools: {c}" for n, c in counts.items()))

    base = f"http://{env['DONGUI_BIND']}"
    print(
        f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn.conf.py workers, wrk {SECONDS} s per row; load average {os.getloadavg()[0]:.1f}"
    )
    print(
        "| page | figures | connections | requests | requests/s | p50 ms | p95 ms | errors |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- |"
    )
    failed = False
    for label, max_age in (("kept (≤ 10 min old)", "10"), ("counted at every view", "0")):
        env["DISTRICT_REPORT_MAX_AGE_MINUTES"] = max_age
        failed |= measure_server(base, env, workdir, label, size, budget=max_age != "0")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    shutil.rmtree(workdir, ignore_errors=True)
    if counts[10] != counts[len(ids)]:
        print("the number of statements grows with the number of schools")
        failed = True
    print(
        f"budget: /district p95 ≤ {BUDGET_P95_MS} ms alone, statements constant: {'missed' if failed else 'met'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
