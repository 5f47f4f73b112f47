"""`python bench/run.py`: seed a 2,000-student school, serve it with gunicorn (gunicorn.conf.py) on
127.0.0.1 and measure, in one run, /healthz, a lesson step, the student's /learn, the class
dashboard, the school report and quiz submission with ten signed-in clients; then peak RSS per
worker and the time of a 1,000-row roster import (a whole grade, the row limit) through the web
pages. (`bench/roster_files.py` measures reading hostile class list files.)

Bounded: wrk with 10 connections for BENCH_SECONDS (default 10) per page, then one connection for
half as long (the latency one user sees on an idle server); it starts and stops its own server.
Needs wrk (apt-get install wrk). BENCH_DATABASE_URL measures on PostgreSQL (an empty database)
instead of SQLite; BENCH_WORKERS sets the gunicorn workers (default: gunicorn.conf.py's);
BENCH_PAGES=dashboard,report measures only the pages whose names contain one of those words
(and /healthz, which the ratios need), and skips the roster import.

wrk keeps each of its connections open, and a gunicorn gthread worker keeps every connection it
accepts: all ten may land on one worker, which then serves them on one core while the other
idles (seen: 10 and 0, at half the requests/s). BENCH_NEW_CONNECTIONS=1 opens a connection per
request instead, as behind the self-hosting guide's nginx (which speaks HTTP/1.0 to gunicorn and
closes each connection), so every request goes to whichever worker accepts it first.
"""

import http.cookiejar
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = 10
ALONE_SECONDS = max(3, SECONDS // 2)
CLIENTS = 10  # signed-in students whose sessions the load cycles through
QUIZ_SUBMISSIONS = 6000  # one-time tokens prepared: more than a run can use


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Client:
    """A signed-in browser: a cookie jar and the page's CSRF token."""

    def __init__(self, base: str, username: str, password: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/login")
        self.post("/login", {"csrf_token": csrf_token(page), "username": username, "password": password})

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path, timeout=60).read().decode()

    def post(self, path: str, fields: dict) -> str:
        return (
            self.opener.open(self.base + path, urllib.parse.urlencode(fields).encode(), timeout=120)
            .read()
            .decode()
        )

    def upload(self, path: str, fields: dict, filename: str, data: bytes) -> str:
        boundary = "----dongui-bench"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path, body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        return self.opener.open(request, timeout=120).read().decode()

    @property
    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)


def prepare() -> dict:
    from flask_migrate import upgrade

    from bench.seed import seed
    from dongui import create_app
    from dongui.extensions import db

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        info = seed()
        info["seconds"] = time.perf_counter() - started
        info["app"] = app
        db.engine.dispose()
    return info


def quiz_requests(app, clients: list[Client], users: list[int], slug: str) -> list[str]:
    """POST lines with fresh one-time tokens for each client, answers all correct."""
    from dongui.content import get_catalog
    from dongui.learn.submission import ANSWER_PREFIX, issue_token

    with app.test_request_context():
        quiz = get_catalog().module(slug).quiz
        answers = [(ANSWER_PREFIX + q.id, choice) for q in quiz.questions for choice in sorted(q.correct_ids)]
        lines = []
        for n in range(QUIZ_SUBMISSIONS):
            client, user_id = clients[n % len(clients)], users[n % len(clients)]
            fields = [("csrf_token", client.csrf), ("token", issue_token(user_id, slug)), *answers]
            lines.append(f"POST\t/learn/{slug}/quiz\t{client.cookie}\t{urllib.parse.urlencode(fields)}")
    return lines


def run_wrk(base: str, script: Path, seconds: int, connections: int = CONNECTIONS) -> str:
    threads = min(2, connections)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(ROOT / "bench" / "load.lua"),
        base,
        "--",
        str(script),
        str(threads),
    ]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def wrk_result(name: str, output: str) -> tuple:
    _label, requests, rps, p50, p95, errors, bad_status, timeouts = next(
        line for line in output.splitlines() if line.startswith("RESULT")
    ).split()
    if int(errors):
        print(f"  ({name}: {bad_status} non-2xx/3xx answers, {timeouts} over wrk's 2 s timeout)")
    return int(requests), float(rps), float(p50), float(p95), int(errors)


def measure(base: str, workdir: Path, name: str, lines: list[str]) -> tuple:
    """The page under 10 connections, then alone (one connection: what one user waits for)."""
    # Warm up first: each worker compiles its templates on first use. One-time quiz tokens are
    # split, so that every run sends each token once.
    if len(lines) > 400:
        half = (len(lines) - 200) // 2
        warm, loaded, alone = lines[-200:], lines[:half], lines[half:-200]
    else:
        warm = loaded = alone = lines
    for suffix, chosen in (("warm", warm), ("run", loaded), ("alone", alone)):
        (workdir / f"{name}-{suffix}.txt").write_text("\n".join(chosen) + "\n")
    run_wrk(base, workdir / f"{name}-warm.txt", 2)
    under_load = wrk_result(name, run_wrk(base, workdir / f"{name}-run.txt", SECONDS))
    _requests, _rps, alone_p50, alone_p95, alone_errors = wrk_result(
        name, run_wrk(base, workdir / f"{name}-alone.txt", ALONE_SECONDS, connections=1)
    )
    return (*under_load, alone_p50, alone_p95, alone_errors)


def worker_peak_rss_mb(master_pid: int) -> list[float]:
    """VmHWM (the peak resident set) of each gunicorn worker, from /proc."""
    peaks = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\s+{master_pid}$", text, re.M):
            peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", text).group(1)) / 1024)
    return peaks


IMPORT_ROWS = 1000  # DESIGN.md: a roster import of up to 1,000 rows confirms in under 10 s


def time_roster_import(teacher: Client, class_id: int) -> tuple[float, float]:
    csv = "학년,반,번호,이름\n" + "".join(
        f"2,{1 + n // 35},{1 + n % 35},가져온학생{n:04d}\n" for n in range(IMPORT_ROWS)
    )
    page = teacher.get(f"/teach/classes/{class_id}/import")
    started = time.perf_counter()
    preview = teacher.upload(
        f"/teach/classes/{class_id}/import",
        {"csrf_token": csrf_token(page)},
        "roster.csv",
        csv.encode("cp949"),
    )
    previewed = time.perf_counter()
    payload = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    cards = teacher.post(
        f"/teach/classes/{class_id}/import/confirm", {"csrf_token": csrf_token(preview), "payload": payload}
    )
    done = time.perf_counter()
    if cards.count('class="signin-card"') < IMPORT_ROWS:
        raise SystemExit(f"the roster import did not create {IMPORT_ROWS} cards")
    return previewed - started, done - previewed


def main() -> int:
    if not shutil.which("wrk"):
        print("bench needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="dongui-bench-"))
    env = dict(os.environ)
    env.setdefault("SECRET_KEY", "bench-secret-key-" + "x" * 40)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'bench.db'}"
    env["RATELIMIT_STORAGE_URI"] = "memory://"
    env["LOGIN_LIMIT_PER_ADDRESS"] = "10000 per minute"
    env["DONGUI_BIND"] = f"127.0.0.1:{free_port()}"
    if "BENCH_WORKERS" in os.environ:
        env["WEB_CONCURRENCY"] = os.environ["BENCH_WORKERS"]
    os.environ.update(env)
    info = prepare()
    engine = env["DATABASE_URL"].split(":")[0].split("+")[0]
    print(f"seeded 2,000 students in 60 classes in {info['seconds']:.1f} s ({engine})")
    base = f"http://{env['DONGUI_BIND']}"
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(workdir / "error.log"),
            "app:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        password = info["password"]
        students = [Client(base, f"bench-s{n:04d}", password) for n in range(CLIENTS)]
        teacher, admin = Client(base, info["teacher"], password), Client(base, info["admin"], password)
        slug = info["module"]
        for client in students:
            client.csrf = csrf_token(client.get(f"/learn/{slug}/quiz"))

        def gets(path, clients):
            return [f"GET\t{path}\t{c.cookie}\t" for c in clients]

        pages = [
            ("/healthz", ["GET\t/healthz\t\t"]),
            ("a lesson step", gets(f"/learn/{slug}/2", students)),
            ("the student's /learn", gets("/learn", students)),
            ("class dashboard (40 × 9)", gets(f"/teach/classes/{info['big_class']}", [teacher])),
            ("school report (2,000)", gets("/admin", [admin])),
            ("quiz submission", quiz_requests(info["app"], students, info["student_ids"], slug)),
        ]
        chosen = [word for word in os.environ.get("BENCH_PAGES", "").split(",") if word]
        if chosen:
            pages = [
                (label, lines)
                for label, lines in pages
                if label == "/healthz" or any(w in label for w in chosen)
            ]
        workers = len(worker_peak_rss_mb(server.pid))
        print(
            f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"gunicorn {workers} workers, wrk {CONNECTIONS} connections × {SECONDS} s per page"
            f"{' (a new connection per request)' if os.environ.get('BENCH_NEW_CONNECTIONS') == '1' else ''}, "
            f"{CLIENTS} signed-in students"
        )
        print(
            "| page | requests/s | p50 ms | p95 ms | errors | ÷ /healthz | alone: p50 ms | alone: p95 ms |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- |"
        )
        healthz = None
        for label, lines in pages:
            _requests, rps, p50, p95, errors, alone_p50, alone_p95, alone_errors = measure(
                base, workdir, re.sub(r"\W+", "-", label), lines
            )
            healthz = healthz or rps
            print(
                f"| {label} | {rps:,.1f} | {p50:,.1f} | {p95:,.1f} | {errors + alone_errors} | "
                f"{rps / healthz:.2f} | {alone_p50:,.1f} | {alone_p95:,.1f} |"
            )
        peaks = worker_peak_rss_mb(server.pid)
        print(f"peak RSS per worker: {min(peaks):.0f}–{max(peaks):.0f} MB ({len(peaks)} workers)")
        if not chosen:
            preview, confirm = time_roster_import(teacher, info["import_class"])
            print(
                f"{IMPORT_ROWS:,}-row roster import (CSV, CP949): preview {preview:.2f} s, "
                f"confirm {confirm:.2f} s, total {preview + confirm:.2f} s"
            )
        problems = [
            line
            for line in (workdir / "error.log").read_text().splitlines()
            if "ERROR" in line or "Error" in line or "WORKER TIMEOUT" in line
        ]
        if problems:
            print("server errors during the run:", *problems[:20], sep="\n  ")
    finally:
        server.terminate()
        server.wait(timeout=15)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
