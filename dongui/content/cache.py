"""A validated curriculum kept on disk, so an unchanged curriculum is not parsed and rendered
again at every start of the server and of every `flask` command.

The key is a hash of every content file, of the loader's own code, of the libraries that render
it and of today's date (a legal lesson's age warning changes with the date). Only a load with no
errors is kept: broken content is refused at every start, and `flask content check` never reads
the cache. The folder holds our own files, like the secret key beside it; a file that cannot be
read is ignored and the content loaded afresh.
"""

import hashlib
import os
import pickle
import sys
import tempfile
from datetime import date
from importlib.metadata import version
from pathlib import Path

CODE_DIR = Path(__file__).resolve().parent
RENDERERS = ("markdown", "nh3", "pyyaml", "markupsafe")
KEEP = 3  # cache files kept: a few, for switching between branches or dates


def content_key(config, today: date) -> str:
    digest = hashlib.sha256()
    digest.update(f"{sys.version}|{today.isoformat()}|".encode())
    digest.update("|".join(version(name) for name in RENDERERS).encode())
    for code in sorted(CODE_DIR.glob("*.py")):
        digest.update(code.read_bytes())
    for setting in ("LESSONS_DIR", "QUIZZES_DIR", "HELP_DIR", "LETTERS_DIR", "SURVEYS_DIR"):
        if not config.get(setting):
            continue
        folder = Path(config[setting])
        digest.update(f"|{setting}={folder}|".encode())
        for path in sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else ():
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def read_cached(cache_dir: str | os.PathLike, key: str):
    """The LoadReport kept under `key`, or None."""
    try:
        with open(Path(cache_dir) / f"content-{key}.pickle", "rb") as file:
            return pickle.load(file)  # noqa: S301 - our own file, in the instance folder
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def store(cache_dir: str | os.PathLike, key: str, report) -> None:
    """Keep `report` under `key` (written whole, then renamed); never fails the start."""
    folder = Path(cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as file:
            pickle.dump(report, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(file.name, folder / f"content-{key}.pickle")
        old = sorted(folder.glob("content-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in old[KEEP:]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
