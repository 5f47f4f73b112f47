"""Small validators that collect ContentErrors instead of stopping at the first."""

import datetime as dt

from .errors import ContentError
from .yamlsrc import LineDict, load_yaml

LOCALES = ("ko", "en")


class Problems:
    """Collects every problem found in one load, so a report lists them all."""

    def __init__(self):
        self.errors: list[ContentError] = []
        self.warnings: list[ContentError] = []

    def add(self, path, line, message):
        self.errors.append(ContentError(path, line, message))

    def warn(self, path, line, message):
        self.warnings.append(ContentError(path, line, message))

    def count(self) -> int:
        return len(self.errors)

    def read_mapping(self, path, what: str) -> LineDict | None:
        """Read a YAML file that must be a mapping; note a missing file or a YAML error."""
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), path)
        except FileNotFoundError:
            self.add(path, 0, "file not found")
            return None
        except ContentError as error:
            self.errors.append(error)
            return None
        if not isinstance(data, LineDict):
            self.add(path, 1, f"{what} must be a mapping of keys to values")
            return None
        return data

    def check_schema_version(self, mapping: LineDict, path, expected: int) -> None:
        if "schema_version" in mapping and mapping["schema_version"] != expected:
            self.add(
                path,
                mapping.line_of("schema_version"),
                f"unknown schema_version {mapping['schema_version']!r} (expected {expected})",
            )

    def check_keys(self, mapping: LineDict, path, required, optional=()) -> bool:
        ok = True
        for key in required:
            if key not in mapping:
                self.add(path, mapping.line, f"missing key `{key}`")
                ok = False
        for key in mapping:
            if key not in required and key not in optional:
                self.add(path, mapping.line_of(key), f"unknown key `{key}`")
                ok = False
        return ok

    def localized(self, mapping: LineDict, key, path, locales=LOCALES):
        """A {ko: ..., en: ...} map of non-empty strings, or None after noting the problem."""
        value = mapping.get(key)
        line = mapping.line_of(key)
        wanted = " and ".join(f"`{loc}`" for loc in locales)
        if not isinstance(value, dict):
            self.add(path, line, f"`{key}` must be a mapping with {wanted} text")
            return None
        if set(value) != set(locales) or not all(
            isinstance(value[loc], str) and value[loc].strip() for loc in locales
        ):
            self.add(path, line, f"`{key}` must have exactly {wanted}, each non-empty text")
            return None
        return {loc: value[loc].strip() for loc in locales}

    def integer(self, mapping: LineDict, key, path, minimum=None):
        value = mapping.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or (minimum is not None and value < minimum):
            bound = f" of at least {minimum}" if minimum is not None else ""
            self.add(path, mapping.line_of(key), f"`{key}` must be a whole number{bound}")
            return None
        return value

    def choice(self, mapping: LineDict, key, path, allowed):
        value = mapping.get(key)
        if value not in allowed:
            options = ", ".join(f"`{a}`" for a in allowed)
            self.add(path, mapping.line_of(key), f"`{key}` must be one of {options}, not {value!r}")
            return None
        return value

    def text_list(self, mapping: LineDict, key, path):
        value = mapping.get(key)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(item, str) and item.strip() for item in value)
        ):
            self.add(path, mapping.line_of(key), f"`{key}` must be a non-empty list of texts")
            return None
        return tuple(item.strip() for item in value)

    def text(self, mapping: LineDict, key, path, required=True):
        value = mapping.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.add(path, mapping.line_of(key), f"`{key}` must be non-empty text (quote numbers)")
            return None
        return value.strip()

    def boolean(self, mapping: LineDict, key, path):
        value = mapping.get(key, False)
        if not isinstance(value, bool):
            self.add(path, mapping.line_of(key), f"`{key}` must be true or false")
            return False
        return value

    def date(self, mapping: LineDict, key, path):
        value = mapping.get(key)
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            self.add(path, mapping.line_of(key), f"`{key}` must be a date like 2026-11-25")
            return None
        return value
