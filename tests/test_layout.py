"""The package's floors (DESIGN.md, "Layout"): blueprints import only downward.

- `content/` knows nothing about requests, the database or the school's records;
- `school/` never imports a blueprint, `flask.request` or the request-bound base modules;
- a blueprint never imports another blueprint; only the app factory imports blueprints.
"""

import ast
from pathlib import Path

import pytest

from dongui.config import ROOT

PACKAGE = ROOT / "dongui"
BLUEPRINTS = {"auth", "learn", "teach", "admin", "help", "district"}
REQUEST_BOUND = {"permissions", "templating", "web", "errors", "cli", "i18n", "forms"}
FORBIDDEN = {
    "content": BLUEPRINTS | REQUEST_BOUND | {"school", "models", "extensions"},
    "school": BLUEPRINTS | REQUEST_BOUND,
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path):
    """Yield (line, absolute module, imported names) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, ()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names = tuple(a.name for a in node.names)
            yield node.lineno, base, names
            for name in names:  # `from .. import school` imports a package too
                yield node.lineno, f"{base}.{name}", ()


def floor_of(module: str) -> str | None:
    """The first part under `dongui` (a package or a base module), or None outside dongui."""
    parts = module.split(".")
    return parts[1] if parts[0] == "dongui" and len(parts) > 1 else None


def violations(path: Path) -> list[str]:
    own = floor_of(module_name(path))
    found = []
    for line, module, names in imports_of(path):
        target = floor_of(module)
        where = f"{path.relative_to(ROOT)}:{line} imports {module}"
        if module == "flask" and "request" in names and own in FORBIDDEN:
            found.append(f"{where} (request): {own}/ knows nothing about requests")
        if target is None or target == own:
            continue
        if target in FORBIDDEN.get(own, ()):
            found.append(f"{where}: {own}/ never imports {target}")
        if target in BLUEPRINTS and own in BLUEPRINTS:
            found.append(f"{where}: blueprints never import each other")
        if target in BLUEPRINTS and own not in BLUEPRINTS and path != PACKAGE / "__init__.py":
            found.append(f"{where}: only the app factory imports a blueprint")
    return found


def python_files():
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_import_points_downward():
    problems = [v for path in python_files() for v in violations(path)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "floor, line, message",
    [
        ("school", "from ..teach.dashboard import build_dashboard", "school/ never imports teach"),
        ("school", "from ..permissions import get_classroom_or_404", "school/ never imports permissions"),
        ("school", "from flask import request", "school/ knows nothing about requests"),
        ("content", "from ..models import User", "content/ never imports models"),
        ("teach", "from ..learn.presenters import attempt_view", "blueprints never import each other"),
        ("teach", "from .. import learn", "blueprints never import each other"),
    ],
)
def test_an_upward_import_is_caught(tmp_path, monkeypatch, floor, line, message):
    """The walk itself: a file that imports upward, put in each floor, is reported."""
    folder = tmp_path / "dongui" / floor
    folder.mkdir(parents=True)
    (tmp_path / "dongui" / "__init__.py").write_text("")
    (folder / "__init__.py").write_text("")
    probe = folder / "probe.py"
    probe.write_text(f'"""A probe."""\n\n{line}\n')
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    monkeypatch.setattr(f"{__name__}.PACKAGE", tmp_path / "dongui")
    found = violations(probe)
    assert any(message in v and "probe.py:3" in v for v in found), found
