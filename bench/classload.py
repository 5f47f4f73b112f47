"""`python bench/classload.py [N ...] [--find] [--rounds R]`: the class period. N classes of 35
students arrive at the bell; each student signs in (the form, then the POST) within a 10 s window,
opens /learn, the module page (its content note, then Continue), starts the lesson, reads seven
steps (each a GET, then the POST of Next; Finish on the last), the end page, the quiz (GET, POST)
and the attempt it made, thinking 0.5-2 s before each action; each class's teacher reloads the
class dashboard every 5 s until the class is done. For each N it prints p50/p95 per request type,
the errors, and the quiz attempts found in the database afterwards against those expected (every
student exactly one); then the largest N that holds the targets of issue 18: sign-in POST p95
<= 1 s, every other request type p95 <= 300 ms, no errors, every attempt recorded once.

Every student has a hash of a password of their own, made by the app's own hash_password (the
hashing at sign-in is the cost this measures); the hashes are made once per benchmark, in
parallel. Each N gets a fresh database (a new SQLite file, or the PostgreSQL database emptied
and migrated again) and its own gunicorn started with gunicorn.conf.py on 127.0.0.1 (access log
kept in a file: its in-worker times show how much of a wait is queueing). Every student is its
own client (its cookies, CSRF token from the page, a connection kept open between requests as a
browser keeps it with gunicorn's threaded workers; BENCH_NEW_CONNECTIONS=1 opens one per request,
as with sync workers) from its own loopback address 127.1.x.y, so the sign-in limit per
address (LOGIN_LIMIT_PER_ADDRESS) meets one student per address, as behind a school's network
that shows the server each pupil's own address; the server's settings are left as they are.
BENCH_ONE_ADDRESS=1 puts every student behind one address (127.1.0.1), as a school whose
network shows the server one public address: the limit per address then applies to the school
(counted per worker, since the benchmark's server counts limits in memory: as Redis would, only
with BENCH_WORKERS=1).
Before the bell (not counted): the teachers sign in, and a student in no class opens every page
twice per worker and the first teacher the dashboard, so the bell meets compiled templates.

Shared machines: before each bell it waits (up to BENCH_QUIET_WAIT s, default 120) for the cores
to be under 15 % busy, and it reports the CPU seconds of the server, of PostgreSQL's backends, of
itself and of everything else ("other load": near 0 % on a machine of its own; with BENCH_NICE
other work mostly fills the cores' idle time).
--rounds R rings the bell R times at each N and reports the median of the rounds' percentiles.
BENCH_NICE=-10 (root only) runs it, its server and the PostgreSQL backends of its database at
that priority, and their autogroups too (Linux shares the cores between sessions first, so a
process's own nice alone does not make other sessions' work yield); set back to 0 at the end.

Bounded: N is at most 12 (420 students); a run stops after BENCH_DEADLINE seconds (default 600;
a student not done by then counts as an error), a request after 120 s. Only 127.0.0.1 and
loopback addresses are used. Settings: BENCH_DATABASE_URL (an empty PostgreSQL database, which
it migrates, fills and empties again for each N; it refuses a database that has tables),
BENCH_WORKERS (gunicorn workers; default gunicorn.conf.py's), BENCH_SIGNIN_SECONDS (the bell's
window, default 10), BENCH_SEED (think times and answers, default 18). Without N it runs
1, 2, 4, 8, 12; --find stops at the first N that misses a target.
"""

import argparse
import asyncio
import contextlib
import io
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bell_school import (  # noqa: E402
    CLASS_SIZE,
    SEED,
    STEPS,
    count_attempts,
    empty_database,
    make_hashes,
    passwords_for,
    seed_classes,
    table_names,
)
from bench.browser import Browser, Failed  # noqa: E402
from bench.classload_report import (  # noqa: E402
    OTHER_TARGET_MS,
    SIGNIN_POST,
    SIGNIN_TARGET_MS,
    Level,
    Results,
    Run,
    describe,
    print_tables,
    timeline,
    worker_times,
)
from bench.machine import (  # noqa: E402
    NICE,
    children,
    database_cpu,
    machine_busy,
    prioritize,
    pss_mib,
    server_cpu,
    server_processes,
    wait_for_quiet,
)
from bench.run import csrf_token, free_port  # noqa: E402

LEVELS = (1, 2, 4, 8, 12)
MAX_CLASSES = max(LEVELS)
THINK = (0.5, 2.0)
DASHBOARD_EVERY = 5.0
SIGNIN_SECONDS = float(os.environ.get("BENCH_SIGNIN_SECONDS", "10"))
DEADLINE = float(os.environ.get("BENCH_DEADLINE", "600"))
ONE_ADDRESS = os.environ.get("BENCH_ONE_ADDRESS") == "1"  # the whole school behind one address


# --- the clients ---------------------------------------------------------------------------------


QUIZ_INPUT = re.compile(r'<input type="(?:radio|checkbox)"[^>]*?name="(q-[^"]+)" value="([^"]+)"')


def quiz_fields(page: str, rng: random.Random) -> list[tuple[str, str]]:
    """The quiz form filled as a student would: one of the shown choices for every question."""
    choices: dict[str, list[str]] = {}
    for name, value in QUIZ_INPUT.findall(page):
        choices.setdefault(name, []).append(value)
    if not choices:
        raise ValueError("no quiz choices on the page")
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    return [
        ("csrf_token", csrf_token(page)),
        ("token", token),
        *((name, rng.choice(values)) for name, values in choices.items()),
    ]


async def student(
    browser: Browser, username: str, password: str, slug: str, arrival: float, rng: random.Random, bell: float
) -> None:
    async def think():
        await asyncio.sleep(rng.uniform(*THINK))

    await asyncio.sleep(max(0.0, bell + arrival - time.perf_counter()))
    page = (await browser.timed("sign-in page", "GET", "/login")).body
    await think()
    await browser.submit(
        SIGNIN_POST,
        "/login",
        {"csrf_token": csrf_token(page), "next": "", "username": username, "password": password},
        "/learn",
        "/learn",
    )
    await think()
    await browser.timed("module page", "GET", f"/learn/{slug}")  # the content note first
    await think()
    page = (await browser.timed("module page", "GET", f"/learn/{slug}?note=read")).body
    await think()
    page = (
        await browser.submit(
            "start POST",
            f"/learn/{slug}/start",
            {"csrf_token": csrf_token(page)},
            f"/learn/{slug}/1",
            "lesson step",
        )
    ).body
    for step in range(1, STEPS + 1):
        await think()
        fields = {"csrf_token": csrf_token(page), "action": "next" if step < STEPS else "finish"}
        if step < STEPS:
            page = (
                await browser.submit(
                    "Next POST", f"/learn/{slug}/{step}", fields, f"/learn/{slug}/{step + 1}", "lesson step"
                )
            ).body
        else:
            page = (
                await browser.submit(
                    "Finish POST", f"/learn/{slug}/{step}", fields, f"/learn/{slug}/end", "lesson end"
                )
            ).body
    await think()
    page = (await browser.timed("quiz page", "GET", f"/learn/{slug}/quiz")).body
    await think()
    await browser.submit(
        "quiz POST", f"/learn/{slug}/quiz", quiz_fields(page, rng), f"/learn/{slug}/attempts/", "attempt page"
    )
    browser.results.finished += 1
    browser.close()


async def teacher(
    browser: Browser, class_id: int, class_done: asyncio.Event, rng: random.Random, bell: float
) -> None:
    """Reload the class dashboard every 5 s from the bell until every student is done."""
    tick = bell + rng.uniform(0, DASHBOARD_EVERY)
    while not class_done.is_set():
        try:
            await asyncio.wait_for(class_done.wait(), max(0.0, tick - time.perf_counter()))
            return
        except TimeoutError:
            pass
        await browser.timed("class dashboard", "GET", f"/teach/classes/{class_id}")
        tick = max(tick + DASHBOARD_EVERY, time.perf_counter())


def student_address(n: int) -> str:
    return "127.1.0.1" if ONE_ADDRESS else f"127.1.{n // 250}.{n % 250 + 1}"


def teacher_address(c: int) -> str:
    return f"127.2.0.{c + 1}"


async def sign_in(browser: Browser, username: str, password: str) -> None:
    page = await browser.request("GET", "/login")
    answer = await browser.request(
        "POST",
        "/login",
        {"csrf_token": csrf_token(page.body), "next": "", "username": username, "password": password},
    )
    if answer.status != 302:
        raise SystemExit(f"{username} could not sign in before the bell ({answer.status})")


async def warm_up(port: int, workers: int, slug: str, password: str, teacher: Browser, class_id: int) -> None:
    """Every page of the period twice per worker, by a student in no class and the first teacher,
    so that the bell meets compiled templates (a school's server has been up since morning)."""
    browser = Browser("127.0.0.1", port, "127.3.0.1", Results())
    await sign_in(browser, "bell-warm", password)
    quiz = await browser.request("GET", f"/learn/{slug}/quiz")
    attempt = await browser.request("POST", f"/learn/{slug}/quiz", quiz_fields(quiz.body, random.Random(0)))
    pages = [
        "/learn",
        f"/learn/{slug}",
        f"/learn/{slug}?note=read",
        *(f"/learn/{slug}/{step}" for step in range(1, STEPS + 1)),
        f"/learn/{slug}/end",
        f"/learn/{slug}/quiz",
        attempt.location,
    ]
    for _ in range(2 * workers):  # a new connection each time, so that every worker gets its share
        for path in pages:
            browser.close()
            if (await browser.request("GET", path)).status != 200:
                raise SystemExit(f"the warm-up could not open {path}")
        teacher.close()
        await teacher.request("GET", f"/teach/classes/{class_id}")
    browser.close()


async def the_bell(
    port: int,
    classes: int,
    seeded: dict,
    student_passwords: list[str],
    teacher_passwords: list[str],
    workers: int,
    ready,
    sample,
) -> Results:
    results = Results()
    rng = random.Random(f"{SEED}-{classes}")
    teachers = [Browser("127.0.0.1", port, teacher_address(c), Results()) for c in range(classes)]
    for c, browser in enumerate(teachers):  # before the bell: signed in, the dashboard open once
        await sign_in(browser, f"bell-t{c:02d}", teacher_passwords[c])
        await browser.request("GET", f"/teach/classes/{seeded['class_ids'][c]}")
        browser.results = results
    await warm_up(port, workers, seeded["module"], teacher_passwords[-1], teachers[0], seeded["class_ids"][0])
    ready()
    bell = results.bell = time.perf_counter() + 0.5
    sampler = asyncio.create_task(sample_every_second(results, sample))
    slug = seeded["module"]
    done = [asyncio.Event() for _ in range(classes)]
    students = []
    for c in range(classes):
        tasks = []
        for k in range(CLASS_SIZE):
            n = c * CLASS_SIZE + k
            browser = Browser("127.0.0.1", port, student_address(n), results)
            arrival = rng.uniform(0, SIGNIN_SECONDS - THINK[1])
            tasks.append(
                asyncio.create_task(
                    student(
                        browser,
                        f"bell-s{n:03d}",
                        student_passwords[n],
                        slug,
                        arrival,
                        random.Random(rng.random()),
                        bell,
                    )
                )
            )
        students += tasks
        group = asyncio.gather(*tasks, return_exceptions=True)
        group.add_done_callback(lambda _group, event=done[c]: event.set())
    watchers = [
        asyncio.create_task(
            teacher(teachers[c], seeded["class_ids"][c], done[c], random.Random(rng.random()), bell)
        )
        for c in range(classes)
    ]
    _finished, unfinished = await asyncio.wait(students + watchers, timeout=DEADLINE)
    for task in unfinished:
        task.cancel()
        if task in students:
            results.errors.append(("deadline", f"a student not done after {DEADLINE:.0f} s"))
    await asyncio.gather(*unfinished, return_exceptions=True)
    for task in students + watchers:
        if not task.cancelled() and task.exception() and not isinstance(task.exception(), Failed):
            results.errors.append(("client", repr(task.exception())))
    results.seconds = time.perf_counter() - bell
    sampler.cancel()
    for browser in teachers:
        browser.close()
    return results


async def sample_every_second(results: Results, sample) -> None:
    """The machine's and the server's CPU seconds so far, once a second from the bell (for the
    timeline: where in the period the cores were full)."""
    while True:
        results.samples.append((time.perf_counter() - results.bell, *sample()))
        await asyncio.sleep(1.0)


# --- the server and one run --------------------------------------------------------------------


def serve_the_bell(
    classes: int, env: dict, port: int, access_log: Path, workdir: Path, seeded: dict, passwords: tuple
):
    """Start gunicorn, warm it, ring the bell, stop it. Returns the results, the CPU seconds of
    the server, of the whole machine, of the load generator and of the PostgreSQL backends, and
    the number of workers."""
    wait_for_quiet()
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            str(access_log),
            "--error-logfile",
            str(workdir / f"error-{classes}.log"),
            "app:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise SystemExit("the server did not answer /healthz in 30 s")
        pids = server_processes(server.pid)
        for _ in range(100):  # /healthz answers as soon as one worker is up: wait for them all
            time.sleep(0.2)
            if len(now := server_processes(server.pid)) == len(pids) and children(server.pid):
                break
            pids = now
        workers = len(children(server.pid))
        for _ in range(2 * workers):  # every worker renders the sign-in page before the bell
            urllib.request.urlopen(f"{base}/login", timeout=30).read()
        before = {}

        def ready():  # warmed up: the log and the counters start at the bell
            access_log.write_text("")  # gunicorn appends: the log now holds the bell only
            before.update(
                server=server_cpu(pids),
                machine=machine_busy(),
                bench=time.process_time(),
                database=database_cpu(env["DATABASE_URL"]),
            )

        def sample():
            return machine_busy(), sum(server_cpu(server_processes(server.pid)).values())

        idle_pss = pss_mib(pids)
        results = asyncio.run(
            the_bell(port, classes, seeded, *passwords, workers=workers, ready=ready, sample=sample)
        )
        cpu_after, busy_after = server_cpu(server_processes(server.pid)), machine_busy()
        print(
            f"  PSS of the server's {len(pids)} processes ({workers} workers and what they started): "
            f"{idle_pss:.0f} MiB idle, {pss_mib(server_processes(server.pid)):.0f} MiB after the bell",
            flush=True,
        )
        bench_cpu = time.process_time() - before["bench"]
        database_after = database_cpu(env["DATABASE_URL"])
    finally:
        server.terminate()
        server.wait(timeout=30)
    cpu = sum(cpu_after[pid] - before["server"].get(pid, 0.0) for pid in cpu_after)
    database = sum(database_after[pid] - before["database"].get(pid, 0.0) for pid in database_after)
    return results, cpu, busy_after - before["machine"], bench_cpu, database, workers


def run_classes(
    classes: int, env: dict, database_url: str, passwords: tuple, hashes: tuple, workdir: Path
) -> Run:
    from flask_migrate import upgrade

    from dongui import create_app
    from dongui.extensions import db

    port = free_port()
    env = {**env, "DATABASE_URL": database_url, "DONGUI_BIND": f"127.0.0.1:{port}"}
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url})
    try:
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
                upgrade(directory=str(ROOT / "migrations"))
            seeded = seed_classes(classes, *hashes)
            db.engine.dispose()
        access_log = workdir / f"access-{classes}.log"
        results, cpu, busy, bench_cpu, database, workers = serve_the_bell(
            classes, env, port, access_log, workdir, seeded, passwords
        )
        with app.app_context():
            attempts = count_attempts(seeded["module"], seeded["student_ids"])
    finally:
        with app.app_context():
            if not database_url.startswith("sqlite"):
                empty_database(db.engine)
            db.engine.dispose()
    problems = [
        line
        for line in (workdir / f"error-{classes}.log").read_text().splitlines()
        if "ERROR" in line or "Traceback" in line or "WORKER TIMEOUT" in line
    ]
    for line in problems[:10]:
        print(f"  server: {line}")
    return Run(
        classes,
        results,
        {sid: attempts.get(sid, 0) for sid in seeded["student_ids"]},
        classes * CLASS_SIZE,
        cpu,
        busy,
        bench_cpu,
        database,
        workers,
        worker_times(access_log),
    )


# --- the machine's description and the command --------------------------------------------------


def database_version(url: str) -> str:
    if url.startswith("sqlite"):
        return f"SQLite {sqlite3.sqlite_version}"
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as connection:
        version = connection.execute(sa.text("SHOW server_version")).scalar_one()
    engine.dispose()
    return f"PostgreSQL {version}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("classes", nargs="*", type=int, help=f"numbers of classes (default {LEVELS})")
    parser.add_argument("--find", action="store_true", help="stop at the first N that misses a target")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        choices=range(1, 6),
        metavar="R",
        help="ring the bell R times at each N (1-5): percentiles are the rounds' medians",
    )
    args = parser.parse_args()
    levels = sorted(set(args.classes)) or list(LEVELS)
    if not all(1 <= n <= MAX_CLASSES for n in levels):
        parser.error(f"N is 1 to {MAX_CLASSES}")
    import flask_migrate  # noqa: F401  (bound by create_app when loaded: upgrade needs it)

    from dongui import create_app
    from dongui.school.hashing import verify

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    prioritize([os.getpid()])  # the server and the hashing processes inherit it
    workdir = Path(tempfile.mkdtemp(prefix="dongui-classload-"))
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    env["RATELIMIT_STORAGE_URI"] = "memory://"
    if "BENCH_WORKERS" in os.environ:
        env["WEB_CONCURRENCY"] = os.environ["BENCH_WORKERS"]
    os.environ.update({"SECRET_KEY": env["SECRET_KEY"], "RATELIMIT_STORAGE_URI": "memory://"})
    postgres = os.environ.get("BENCH_DATABASE_URL")
    try:
        # Seeding hashes on every core at once: the server's bound on hashes at once is not for it.
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": postgres or f"sqlite:///{workdir / 'hashing.db'}",
                "HASH_CONCURRENCY": 0,
            }
        )
        if postgres:
            from dongui.extensions import db

            with app.app_context():
                if tables := table_names(db.engine):
                    print(
                        f"BENCH_DATABASE_URL must be an empty database; it has {len(tables)} tables",
                        file=sys.stderr,
                    )
                    return 2
                db.engine.dispose()
        most = max(levels)
        student_passwords = passwords_for(most * CLASS_SIZE, "bell-s")
        teacher_passwords = passwords_for(most + 1, "bell-t")  # the last one: the warm-up student's
        started = time.perf_counter()
        hashes = make_hashes(app, student_passwords + teacher_passwords)
        made = time.perf_counter() - started
        checks = []
        for n in range(5):
            began = time.process_time()
            with app.app_context():
                matches = verify(hashes[n], student_passwords[n])
            if not matches:
                raise SystemExit("a seeded hash does not match its password")
            checks.append(time.process_time() - began)
        check_ms = 1000 * sorted(checks)[2]
        method = app.config["PASSWORD_HASH_METHOD"]
        print(
            f"{len(hashes)} password hashes ({method}) made in {made:.1f} s on {os.cpu_count()} processes; "
            f"one check at sign-in: {check_ms:.0f} ms of CPU (median of 5)"
        )
        done = []
        for classes in levels:
            level = Level([])
            for round_number in range(args.rounds):
                url = postgres or f"sqlite:///{workdir / f'classload-{classes}-{round_number}.db'}"
                run = run_classes(
                    classes,
                    env,
                    url,
                    (student_passwords, teacher_passwords),
                    (hashes[: most * CLASS_SIZE], hashes[most * CLASS_SIZE :]),
                    workdir,
                )
                level.runs.append(run)
                print(describe(run, check_ms), flush=True)
                print(timeline(run.results), flush=True)
                for label, message in run.results.errors[:5]:
                    print(f"  error ({label}): {message}")
            done.append(level)
            if args.find and level.misses():
                break
        import gunicorn

        engine = database_version(postgres or "sqlite://")
        print(
            f"\n{platform.node()}: {os.cpu_count()} cores, {platform.platform(terse=True)}, "
            f"Python {platform.python_version()}, gunicorn {gunicorn.__version__} with {done[0].runs[0].workers} "
            f"workers, {engine}; {method} hashes ({check_ms:.0f} ms a check); sign-ins spread over "
            f"{SIGNIN_SECONDS:g} s; think {THINK[0]:g}-{THINK[1]:g} s; "
            + (
                "every student behind one address"
                if ONE_ADDRESS
                else "every student from an address of their own"
            )
            + "; load generator on the same cores"
            + (f"; nice {NICE}" if NICE else "")
        )
        print_tables(done)
        held = [level.classes for level in done if not level.misses()]
        largest = max((n for n in held if all(n2 in held for n2 in levels if n2 <= n)), default=None)
        print(
            f"\nLargest N that holds the targets (sign-in POST p95 <= {SIGNIN_TARGET_MS:,.0f} ms, other "
            f"p95 <= {OTHER_TARGET_MS:,.0f} ms, 0 errors, every attempt once): "
            + (f"{largest} ({largest * CLASS_SIZE} students)" if largest else "none")
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        prioritize([os.getpid()], 0)
        if postgres:
            prioritize(database_cpu(postgres), 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
