"""The worker class (dongui/serving.py): a worker takes a new connection only while it has a
running place free, not counting requests that wait aside for a password hash. Served live by
gunicorn, with tests/room_app.py (one running place per worker)."""

import contextlib
import os
import subprocess
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.live import GUNICORN, ROOT, free_port

pytestmark = pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed")


def appears(path, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


@contextlib.contextmanager
def room_server(folder, workers: int):
    """gunicorn with RoomWorker serving tests/room_app.py; yields get(path) -> the answer's text."""
    base = f"http://127.0.0.1:{free_port()}"
    with (folder / "gunicorn.log").open("w") as log:
        server = subprocess.Popen(
            [
                str(GUNICORN),
                f"--config={os.devnull}",  # not the repository's gunicorn.conf.py, read by default
                "--worker-class=dongui.serving.RoomWorker",
                f"--workers={workers}",
                "--threads=4",
                f"--bind={base.removeprefix('http://')}",
                "tests.room_app:app",
            ],
            cwd=ROOT,
            env={**os.environ, "ROOM_TEST_DIR": str(folder)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def get(path: str) -> str:
        with urllib.request.urlopen(base + path, timeout=60) as response:
            return response.read().decode()

    try:
        for attempt in range(300):
            try:
                get(f"/release/ready-{attempt}")
                break
            except OSError:
                assert server.poll() is None, (folder / "gunicorn.log").read_text()
                time.sleep(0.1)
        yield get
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_worker_with_no_free_place_leaves_a_new_connection_to_another(tmp_path):
    with room_server(tmp_path, workers=2) as get, ThreadPoolExecutor(2) as pool:
        first = pool.submit(get, "/hold/a")
        assert appears(tmp_path / "started-hold-a")
        second = pool.submit(get, "/hold/b")  # its worker's one place is taken: the other takes it
        assert appears(tmp_path / "started-hold-b")
        (tmp_path / "a").touch()
        (tmp_path / "b").touch()
        assert first.result(60) == second.result(60) == "released"
    assert (tmp_path / "started-hold-a").read_text() != (tmp_path / "started-hold-b").read_text()


def test_a_request_waiting_aside_leaves_room_for_a_new_connection(tmp_path):
    with room_server(tmp_path, workers=1) as get, ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(get, "/aside/c")  # as a sign-in waits for its password hash
        assert appears(tmp_path / "started-aside-c")
        assert get("/release/c") == "made"  # served meanwhile, by the same worker
        assert waiting.result(60) == "released"


def test_a_new_connection_is_not_kept_waiting_behind_a_full_worker_for_long(tmp_path):
    """Requests of connections a worker already holds could keep it full for as long as they
    come: after a moment it takes a new connection anyway."""
    with room_server(tmp_path, workers=1) as get, ThreadPoolExecutor(2) as pool:
        holding = pool.submit(get, "/hold/f")
        assert appears(tmp_path / "started-hold-f")
        waiting = pool.submit(get, "/release/g")
        assert appears(tmp_path / "started-release-g")  # taken while the one place is still held
        (tmp_path / "f").touch()
        assert holding.result(60) == "released"
        assert waiting.result(60) == "made"


def test_a_worker_takes_connections_again_once_a_place_is_free(tmp_path):
    with room_server(tmp_path, workers=1) as get, ThreadPoolExecutor(2) as pool:
        first = pool.submit(get, "/hold/d")
        assert appears(tmp_path / "started-hold-d")
        second = pool.submit(get, "/release/e")  # waits in the queue: the one place is taken
        (tmp_path / "d").touch()
        assert first.result(60) == "released"
        assert second.result(60) == "made"
