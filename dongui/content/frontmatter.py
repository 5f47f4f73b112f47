"""Markdown files that open with a YAML front matter block between `---` lines."""

from .errors import ContentError
from .yamlsrc import LineDict, load_yaml

FENCE = "---"


def split_front_matter(text: str, path) -> tuple[LineDict, str, int]:
    """Return (front matter, Markdown body, line number where the body starts).

    :raises ContentError: when the block is missing, unclosed, or not a mapping.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != FENCE:
        raise ContentError(path, 1, "the file must start with a `---` front matter block")
    index = next((i for i, line in enumerate(lines[1:], start=1) if line.strip() == FENCE), None)
    if index is None:
        raise ContentError(path, 1, "the front matter block is not closed with `---`")
    meta = load_yaml("\n".join(lines[1:index]), path, first_line=2)
    if not isinstance(meta, LineDict):
        raise ContentError(path, 2, "the front matter must be a mapping of keys to values")
    return meta, "\n".join(lines[index + 1 :]), index + 2
