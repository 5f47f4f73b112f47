"""`python bench/run.py`: seed a 2,000-student school, serve it with gunicorn on 127.0.0.1 and
measure /healthz, a lesson step, the class dashboard and the school report in one run.

Bounded: fixed concurrency (10 connections) and duration (BENCH_SECONDS, default 10 s per
page); it starts and stops its own server. Needs wrk (apt-get install wrk).
Set BENCH_DATABASE_URL to measure on PostgreSQL (an empty database) instead of SQLite.
"""

import http.cookiejar
import os
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
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict) -> dict:
    from flask_migrate import upgrade

    from bench.seed import seed
    from dongui import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        info = seed()
        info["seconds"] = time.perf_counter() - started
        from dongui.extensions import db
        db.engine.dispose()
    return info


def sign_in(base: str, username: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": password})
    opener.open(f"{base}/login", data.encode())
    return next(c.value for c in jar if c.name == "dongui_session")


def measure(base: str, path: str, cookie: str | None) -> tuple:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency",
               "-s", str(ROOT / "bench" / "percentiles.lua")]
    if cookie:
        command += ["-H", f"Cookie: dongui_session={cookie}"]
    output = subprocess.run(command + [base + path], capture_output=True, text=True, check=True).stdout
    _label, requests, rps, p50, p95, errors = next(
        line for line in output.splitlines() if line.startswith("RESULT")).split()
    return int(requests), float(rps), float(p50), float(p95), int(errors)


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
    os.environ.update(env)
    info = prepare(env)
    print(f"seeded 2,000 students in 60 classes in {info['seconds']:.1f} s "
          f"({env['DATABASE_URL'].split(':')[0]})")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(WORKERS), "-b",
                               f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "app:app"],
                              cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        teacher = sign_in(base, info["teacher"], info["password"])
        admin = sign_in(base, info["admin"], info["password"])
        student = sign_in(base, info["student"], info["password"])
        pages = [
            ("/healthz", "/healthz", None),
            ("lesson step", f"/learn/{info['module']}/2", student),
            ("class dashboard (40 students)", f"/teach/classes/{info['big_class']}", teacher),
            ("school report (2,000 students)", "/admin", admin),
        ]
        print(f"gunicorn -w {WORKERS}, wrk {CONNECTIONS} connections, {SECONDS} s each, 127.0.0.1")
        print(f"{'page':34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        results = {}
        for label, path, cookie in pages:
            requests, rps, p50, p95, errors = measure(base, path, cookie)
            results[label] = rps
            print(f"{label:34} {rps:8.1f} {p50:8.1f} {p95:8.1f} {errors:7d}")
        ratio = results["lesson step"] / results["/healthz"]
        print(f"lesson step / healthz requests per second: {ratio:.2f}")
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
