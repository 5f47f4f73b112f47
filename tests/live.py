"""A live gunicorn (with the production gunicorn.conf.py) and a cookie-keeping HTTP client, for
tests that need real processes: logs, limits across workers, concurrent submissions."""

import contextlib
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, log_path: Path, workers: int = 2, extra_args=(), **settings):
    """Serve app:app on a free 127.0.0.1 port; yields the base URL; always stops the server."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": TEST_SECRET_KEY,
        "DONGUI_BIND": f"127.0.0.1:{free_port()}",
        "WEB_CONCURRENCY": str(workers),
        "RATELIMIT_STORAGE_URI": "memory://",
        "DONGUI_ENV": "development",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        **settings,
    }
    base = f"http://{env['DONGUI_BIND']}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(GUNICORN), "-c", str(ROOT / "gunicorn.conf.py"), *extra_args, "app:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError(f"gunicorn exited: {log_path.read_text()[-2000:]}") from None
                    time.sleep(0.1)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=20)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """A browser stand-in: cookies, CSRF tokens from pages, status codes instead of exceptions."""

    def __init__(self, base: str, follow_redirects: bool = True):
        self.base = base
        handlers = [urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())]
        if not follow_redirects:
            handlers.append(NoRedirect())
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, path: str, fields=None) -> tuple[int, str]:
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        try:
            with self.opener.open(self.base + path, data, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str, password: str) -> int:
        _status, page = self.request("/login")
        status, _body = self.request(
            "/login", {"csrf_token": csrf_token(page), "username": username, "password": password}
        )
        return status


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', html).group(1)
