"""surveys/<id>/: the before-and-after checks, statements students agree or disagree with.

A folder holds `meta.yaml` (the facts: the scale's number of points, and each statement's id, the
module whose learning goal it is tied to and which answer that goal aims at) and one file per
language, `ko.yaml` and `en.yaml` (title, introduction, the scale's words, the statements by id
and the notes for staff). Checked when content loads (`flask content check`): both languages,
6 to 10 statements, a 4- or 5-point scale, the same ids everywhere, and no statement that asks
about a student's own experience (CONTENT-GUIDE.md).

Without `sources` in meta.yaml a check is the school's classroom check, not a validated research
scale, and every page that shows its results says so.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from .checks import LOCALES, Problems
from .lessons import read_sources
from .schema import Source
from .yamlsrc import LineDict

SCHEMA_VERSION = 1
META_REQUIRED = ("schema_version", "order", "scale", "items")
META_OPTIONAL = ("sources",)
ITEM_KEYS = ("id", "module", "aim")
TEXT_REQUIRED = ("title", "intro", "scale", "items", "notes")
SCALES = (4, 5)
MIN_ITEMS, MAX_ITEMS = 6, 10
AIMS = ("agree", "disagree")  # what the module's learning goal hopes students answer
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# A statement about the student's own life ("Have you ever…", "…한 적이 있다"): never asked.
OWN_EXPERIENCE = re.compile(
    r"\b(have you|did you|has anyone|happened to you|your own experience|ever been)\b"
    r"|적이\s*있|당한\s*적|당해\s*본|해\s*본\s*적|겪은\s*적|경험이\s*있",
    re.I,
)


@dataclass(frozen=True)
class SurveyItem:
    id: str
    module: str  # the module whose learning goal the statement is tied to
    aim: str  # agree | disagree: the answer that goal aims at
    text: dict  # locale -> the statement


@dataclass(frozen=True)
class Survey:
    id: str
    order: int
    scale: int  # points, 1 = strongly disagree ... scale = strongly agree
    items: tuple[SurveyItem, ...]
    title: dict  # locale -> text
    intro: dict
    labels: dict  # locale -> the scale's words, one per point
    notes: dict  # locale -> for staff: what the check is and is not
    sources: tuple[Source, ...] = ()

    @property
    def is_validated_scale(self) -> bool:
        return bool(self.sources)

    @property
    def agree_points(self) -> frozenset[int]:
        """The points that mean "agree": the top two (4 and 5 of five, 3 and 4 of four)."""
        return frozenset({self.scale - 1, self.scale})

    def item(self, item_id: str) -> SurveyItem | None:
        return next((i for i in self.items if i.id == item_id), None)


def load_surveys(surveys_dir, module_slugs: set[str], problems: Problems) -> tuple[Survey, ...]:
    """Every survey folder under `surveys_dir` (none when it does not exist), by order."""
    folder = Path(surveys_dir)
    if not folder.is_dir():
        return ()
    folders = sorted(p for p in folder.iterdir() if p.is_dir() and p.name[0] not in "._")
    surveys = [load_survey(f, module_slugs, problems) for f in folders]
    return tuple(sorted((s for s in surveys if s), key=lambda s: (s.order, s.id)))


def load_survey(folder: Path, module_slugs: set[str], problems: Problems) -> Survey | None:
    before = problems.count()
    if not ID_PATTERN.match(folder.name) or len(folder.name) > 64:
        problems.add(folder, 0, "a survey folder name (its id) may use only a-z, 0-9 and -")
        return None
    meta = read_survey_meta(folder / "meta.yaml", module_slugs, problems)
    texts = {loc: read_survey_text(folder / f"{loc}.yaml", meta, problems) for loc in LOCALES}
    if meta is None or problems.count() > before:
        return None
    items = tuple(
        SurveyItem(i["id"], i["module"], i["aim"], {loc: texts[loc]["items"][i["id"]] for loc in LOCALES})
        for i in meta["items"]
    )
    return Survey(
        id=folder.name,
        order=meta["order"],
        scale=meta["scale"],
        items=items,
        title={loc: texts[loc]["title"] for loc in LOCALES},
        intro={loc: texts[loc]["intro"] for loc in LOCALES},
        labels={loc: texts[loc]["scale"] for loc in LOCALES},
        notes={loc: texts[loc]["notes"] for loc in LOCALES},
        sources=read_sources(meta, folder / "meta.yaml", problems),
    )


def read_survey_meta(path: Path, module_slugs: set[str], problems: Problems) -> LineDict | None:
    meta = problems.read_mapping(path, "meta.yaml")
    if meta is None:
        return None
    before = problems.count()
    if not problems.check_keys(meta, path, META_REQUIRED, META_OPTIONAL):
        return None
    problems.check_schema_version(meta, path, SCHEMA_VERSION)
    problems.integer(meta, "order", path, minimum=0)
    problems.choice(meta, "scale", path, SCALES)
    items = meta["items"]
    if not isinstance(items, list) or not MIN_ITEMS <= len(items) <= MAX_ITEMS:
        problems.add(
            path,
            meta.line_of("items"),
            f"`items` must list {MIN_ITEMS} to {MAX_ITEMS} statements (a short check)",
        )
        return None
    seen: dict[str, int] = {}
    for item in items:
        if not isinstance(item, LineDict):
            problems.add(
                path, meta.line_of("items"), "each item must be a mapping with `id`, `module` and `aim`"
            )
            continue
        if not problems.check_keys(item, path, ITEM_KEYS):
            continue
        item_id = problems.text(item, "id", path)
        if item_id and not ID_PATTERN.match(item_id):
            problems.add(path, item.line_of("id"), f"item id `{item_id}` may use only a-z, 0-9 and -")
        elif item_id in seen:
            problems.add(
                path, item.line_of("id"), f"duplicate item id `{item_id}` (first on line {seen[item_id]})"
            )
        elif item_id:
            seen[item_id] = item.line_of("id")
        module = problems.text(item, "module", path)
        if module and module not in module_slugs:
            problems.warn(
                path,
                item.line_of("module"),
                f"item `{item_id}` is tied to `{module}`, which is not a module of the curriculum",
            )
        problems.choice(item, "aim", path, AIMS)
    return meta if problems.count() == before else None


def read_survey_text(path: Path, meta: LineDict | None, problems: Problems) -> dict | None:
    """One language's words; the statements must be exactly meta.yaml's ids."""
    text = problems.read_mapping(path, f"{path.name}")
    if text is None or not problems.check_keys(text, path, TEXT_REQUIRED):
        return None
    before = problems.count()
    words = {key: problems.text(text, key, path) for key in ("title", "intro", "notes")}
    labels = problems.text_list(text, "scale", path)
    if (
        labels is not None
        and meta is not None
        and isinstance(meta.get("scale"), int)
        and len(labels) != meta["scale"]
    ):
        problems.add(
            path,
            text.line_of("scale"),
            f"`scale` must name all {meta['scale']} points, from disagree to agree",
        )
    items = text.get("items")
    if not isinstance(items, LineDict):
        problems.add(path, text.line_of("items"), "`items` must map each item id to its statement")
        return None
    wanted = (
        [i.get("id") for i in meta["items"] if isinstance(i, LineDict)] if meta is not None else list(items)
    )
    for missing in (i for i in wanted if i not in items):
        problems.add(path, items.line, f"no statement for item `{missing}` (in meta.yaml)")
    for extra in (i for i in items if i not in wanted):
        problems.add(path, items.line_of(extra), f"item `{extra}` is not in meta.yaml")
    statements = {}
    for item_id in wanted:
        if item_id in items:
            statement = problems.text(items, item_id, path)
            if statement and OWN_EXPERIENCE.search(statement):
                problems.add(
                    path,
                    items.line_of(item_id),
                    f"item `{item_id}` asks about the student's own experience: "
                    "the check asks what students think, never what happened to them",
                )
            statements[item_id] = statement
    if problems.count() > before:
        return None
    return {**words, "scale": labels, "items": statements}
