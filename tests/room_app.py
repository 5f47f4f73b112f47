"""A WSGI app for tests/test_serving.py, served by gunicorn with dongui.serving.RoomWorker: one
running place per worker; /hold/<name> runs (holding its place) until the file <name> appears
in ROOM_TEST_DIR, /aside/<name> waits for it stepped aside, /release/<name> makes the file.
Each request first writes "started-<action>-<name>" with its worker's pid (before it takes a
place). Waits end after 20 s."""

import os
import time
from pathlib import Path

from dongui import gate

gate.set_places(1)
FOLDER = Path(os.environ["ROOM_TEST_DIR"])


def wait_for(path: Path) -> str:
    deadline = time.monotonic() + 20
    while not path.exists():
        if time.monotonic() > deadline:
            return "timed out"
        time.sleep(0.01)
    return "released"


def app(environ, start_response):
    _empty, action, name = environ["PATH_INFO"].split("/", 2)
    (FOLDER / f"started-{action}-{name}").write_text(str(os.getpid()))  # before it takes a place
    with gate.running():
        if action == "hold":
            answer = wait_for(FOLDER / name)
        elif action == "aside":
            with gate.stepped_aside():
                answer = wait_for(FOLDER / name)
        else:
            (FOLDER / name).touch()
            answer = "made"
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [answer.encode()]
