"""YAML that remembers line numbers, so content errors can say `file:line: problem`.

PyYAML is imported on first use: a start with the curriculum cached reads no YAML."""

import functools

from .errors import ContentError


class LineDict(dict):
    """A mapping from YAML that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0


def _construct_mapping(loader, node):
    loader.flatten_mapping(node)
    data = LineDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in data.key_lines:
            from yaml.constructor import ConstructorError  # loaded already: the loader is PyYAML's

            raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)
    return data


def _construct_sequence(loader, node):
    data = LineList(loader.construct_object(child, deep=True) for child in node.value)
    data.line = node.start_mark.line + 1
    return data


@functools.cache
def _line_loader():
    import yaml

    class LineLoader(yaml.SafeLoader):
        pass

    LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
    LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)
    return LineLoader


def load_yaml(text: str, path, first_line: int = 1):
    """Parse YAML text; line numbers count from first_line (for front matter).

    :raises ContentError: with the file and line of a syntax error.
    """
    import yaml

    try:
        data = yaml.load(text, Loader=_line_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context_mark", None)
        opened = str(getattr(exc, "context", "") or "")
        if context is not None and ("flow" in opened or "quoted" in opened or "end of stream" in problem):
            # An unclosed quote or bracket: point at where it was opened, not where YAML gave up.
            mark, problem = context, f"{opened}: {problem}"
        line = mark.line + first_line if mark else first_line
        raise ContentError(path, line, f"YAML error: {problem}") from exc
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def _shift_lines(data, offset):
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, LineList):
        data.line += offset
        for value in data:
            _shift_lines(value, offset)
