"""Catalog maintenance behind `flask translate`: pybabel wrappers and a strict check."""

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

from .config import ROOT

TRANSLATIONS_DIR = ROOT / "translations"
BABEL_CFG = TRANSLATIONS_DIR / "babel.cfg"
POT_FILE = TRANSLATIONS_DIR / "messages.pot"
# msgids that are rightly the same in both languages (names, codes); one per line.
IDENTICAL_FILE = TRANSLATIONS_DIR / "identical.txt"
CATALOG_LOCALES = ("ko",)


LINE_WIDTH = 100  # the catalogue's committed wrapping; keeps diffs to what changed


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", *args], check=True, cwd=ROOT)


def extract(output: Path = POT_FILE) -> None:
    # --ignore-dirs: the default also skips `_`-folders, and templates/_macros holds strings.
    _pybabel(
        "extract",
        "-F",
        str(BABEL_CFG),
        "-k",
        "_l",
        "--add-comments=Translators:",
        "--ignore-dirs=.* node_modules",
        "--no-location",
        "--sort-output",
        "--project=Dongui",
        f"--width={LINE_WIDTH}",
        "--copyright-holder=Dongui contributors",
        "-o",
        str(output),
        ".",
    )


def update() -> None:
    _pybabel(
        "update",
        "-i",
        str(POT_FILE),
        "-d",
        str(TRANSLATIONS_DIR),
        "--ignore-obsolete",
        "--no-fuzzy-matching",
        f"--width={LINE_WIDTH}",
    )


def compile_catalogs() -> None:
    _pybabel("compile", "-d", str(TRANSLATIONS_DIR))


def catalog_path(locale: str) -> Path:
    return TRANSLATIONS_DIR / locale / "LC_MESSAGES" / "messages.po"


def identical_allowed() -> set[str]:
    if not IDENTICAL_FILE.exists():
        return set()
    lines = IDENTICAL_FILE.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def check() -> list[str]:
    """Extract afresh and return every missing, fuzzy or untranslated entry."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "messages.pot"
        extract(fresh)
        with fresh.open("rb") as handle:
            template = read_po(handle)
    allowed = identical_allowed()
    problems = []
    for locale in CATALOG_LOCALES:
        path = catalog_path(locale)
        if not path.exists():
            return [f"{path}: catalog missing"]
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in template:
            if not message.id:
                continue
            problems.extend(
                _entry_problems(path, message.id, catalog.get(message.id, message.context), allowed)
            )
    return problems


def _entry_problems(path, msgid, entry, allowed) -> list[str]:
    key = msgid[0] if isinstance(msgid, tuple) else msgid
    if entry is None:
        return [f"{path}: missing: {key!r}"]
    if entry.fuzzy:
        return [f"{path}: fuzzy: {key!r}"]
    strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
    if not all(s.strip() for s in strings):
        return [f"{path}: untranslated: {key!r}"]
    if key not in allowed and strings[0] == key:
        return [f"{path}: same as English (list it in identical.txt if intended): {key!r}"]
    return []
