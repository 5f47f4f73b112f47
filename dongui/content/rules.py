"""Course-wide rules that no single file can check: fair quizzes, statute names, characters.

Each rule reads what the loader already built (and the raw files, for exact line numbers)
and adds warnings or errors to the same Problems as the rest of the load.
"""

import re
from pathlib import Path

from .checks import LOCALES, Problems
from .schema import Module
from .shared import SharedContent

# An English statute name: capitalised words (with of/on/the/and/against/for…) ending in
# "Act", and the "Act on …" form of Korean statutes' official English names.
ACT_NAME = re.compile(
    r"\b(?!Act\b)[A-Z][A-Za-z'’-]*(?:\s+(?:(?!Act\b)[A-Z][A-Za-z'’()-]*|of|on|the|and|against|for|in|to|by))*"
    r"\s+Act\b"
    r"(?:\s+\d{4})?"
)
ACT_ON = re.compile(r"\bAct\s+(?:on|Concerning|for)\s+[^.,;:()\n*]*")
# Words that may stand before a statute name without being part of it.
LEADING_WORDS = {
    "The",
    "the",
    "Under",
    "In",
    "Since",
    "This",
    "That",
    "A",
    "An",
    "By",
    "Same",
    "same",
    "Korea's",
    "Korea’s",
    "US",
    "UK",
    "EU",
    "Both",
    "And",
    "Its",
    "Of",
    "From",
    "New",
}
# A Korean statute's short name ends in one of these. A bare "예방법" (ways to prevent) or
# "보호법" is an ordinary word, so only compound names are checked, plus the known confusions.
KO_ACT_NAME = re.compile(r"(?:([가-힣]+)\s)?([가-힣·]*(?:보호법|처벌법|특례법|예방법|방지법|소년법))")
KO_ACT_SUFFIXES = ("보호법", "처벌법", "특례법", "예방법", "방지법")
KO_CONFUSIONS = {"청소년보호법": "청소년 보호법 is a different law from 청소년성보호법"}
LONGEST_SHARE = 0.5  # warn when the right answer is the longest in more than half


def check_course(
    modules,
    lessons_dir: Path,
    quizzes_dir: Path,
    shared: SharedContent,
    problems: Problems,
    help_dir: Path | None = None,
) -> None:
    for module in modules:
        check_quiz_lengths(module, quizzes_dir / f"{module.slug}.yaml", problems)
    if shared.statutes:
        for path in content_files(modules, lessons_dir, quizzes_dir, help_dir):
            check_statute_names(path, shared, problems)
    check_characters(modules, lessons_dir, quizzes_dir, problems)


def content_files(modules, lessons_dir: Path, quizzes_dir: Path, help_dir: Path | None):
    for module in modules:
        folder = lessons_dir / module.slug
        yield from (
            p for loc in LOCALES for p in (folder / f"{loc}.md", folder / f"teacher.{loc}.md") if p.exists()
        )
        yield quizzes_dir / f"{module.slug}.yaml"
    yield from sorted((lessons_dir / "_shared").glob("*.md"))
    if help_dir is not None:
        yield from sorted(Path(help_dir).glob("*.md"))


def check_quiz_lengths(module: Module, path: Path, problems: Problems) -> None:
    """A quiz must not be passable by always picking the longest option."""
    singles = [q for q in module.quiz.questions if q.type == "single"]
    if not singles:
        return
    for locale in module.locales:
        longest = [q for q in singles if correct_is_longest(q, locale)]
        if len(longest) > LONGEST_SHARE * len(singles):
            problems.warn(
                path,
                longest[0].line,
                f"the right answer is the longest option in {len(longest)} of {len(singles)} "
                f"single-choice questions ({locale}): a student could pass by picking the "
                f"longest; make the options similar in length",
            )


def correct_is_longest(question, locale: str) -> bool:
    lengths = [(len(c.text[locale]), c.correct) for c in question.choices]
    top = max(length for length, _ in lengths)
    at_top = [correct for length, correct in lengths if length == top]
    return at_top == [True]


def check_statute_names(path: Path, shared: SharedContent, problems: Problems) -> None:
    """One name per statute (lessons/_shared/statutes.yaml), in both languages."""
    english, korean = shared.statute_names("en"), shared.statute_names("ko")
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for name in english_act_names(line):
            if unlisted(name, english):
                problems.add(
                    path,
                    number,
                    f"statute name “{name}” is not in lessons/_shared/statutes.yaml: "
                    f"use the one English name listed there",
                )
        for name, problem in korean_act_names(line, korean):
            problems.add(path, number, f"statute name “{name}”: {problem}")


def english_act_names(line: str):
    for match in ACT_NAME.finditer(line):
        words = match.group().split()
        while words and words[0] in LEADING_WORDS:
            words.pop(0)
        if len(words) > 1:
            yield " ".join(words)
    for match in ACT_ON.finditer(line):
        yield " ".join(match.group().split())


def unlisted(name: str, allowed: frozenset) -> bool:
    """An "Act on …" match runs to the end of the phrase, so a listed name may be its start."""
    return name not in allowed and not any(name.startswith(a + " ") for a in allowed if a.startswith("Act "))


def korean_act_names(line: str, allowed: frozenset):
    for match in KO_ACT_NAME.finditer(line):
        before, name = match.group(1), match.group(2)
        joined = (before or "") + name
        if joined in KO_CONFUSIONS:
            yield f"{before} {name}", KO_CONFUSIONS[joined]
        elif name not in allowed and name not in KO_ACT_SUFFIXES:
            yield name, "not in lessons/_shared/statutes.yaml: use the name listed there"


def check_characters(modules, lessons_dir: Path, quizzes_dir: Path, problems: Problems) -> None:
    """A name keeps one role and one spelling pair across the course, and is declared where used."""
    first_seen: dict[str, tuple] = {}  # ko name -> (module slug, character)
    texts = {m.slug: module_texts(m, lessons_dir, quizzes_dir) for m in modules}
    for module in modules:
        meta = lessons_dir / module.slug / "meta.yaml"
        for character in module.characters:
            ko, en = character.names["ko"], character.names["en"]
            for locale, name in character.names.items():
                if locale in texts[module.slug] and name not in texts[module.slug][locale]:
                    problems.warn(
                        meta,
                        character.line,
                        f"character {name} is declared but not named in the module's {locale} text",
                    )
            seen = first_seen.setdefault(ko, (module.slug, character))
            other_slug, other = seen
            if other is character:
                continue
            if other.role != character.role:
                problems.warn(
                    meta,
                    character.line,
                    f"{ko} is a {character.role} here but a {other.role} in {other_slug}: "
                    f"give one of them another name",
                )
            if other.names["en"] != en:
                problems.warn(
                    meta,
                    character.line,
                    f"{ko} is {en} here but {other.names['en']} in {other_slug}: one spelling",
                )
    declared = {m.slug: {c.names["en"] for c in m.characters} for m in modules}
    owners = {c.names["en"]: m.slug for m in modules for c in m.characters}
    for module in modules:
        english = texts[module.slug].get("en", "")
        for name, owner in owners.items():
            if (
                owner != module.slug
                and name not in declared[module.slug]
                and re.search(rf"\b{name}\b", english)
            ):
                problems.warn(
                    lessons_dir / module.slug / "meta.yaml",
                    1,
                    f"{name} (a character of {owner}) is named here but not in `characters`",
                )


def module_texts(module: Module, lessons_dir: Path, quizzes_dir: Path) -> dict:
    """All the words of a module per language: lesson, teacher notes, quiz."""
    folder = lessons_dir / module.slug
    texts = {}
    for locale in module.locales:
        parts = [
            p.read_text(encoding="utf-8")
            for p in (folder / f"{locale}.md", folder / f"teacher.{locale}.md")
            if p.exists()
        ]
        for question in module.quiz.questions:
            parts.append(question.prompt[locale])
            parts.extend(c.text[locale] + "\n" + c.feedback[locale] for c in question.choices)
        texts[locale] = "\n".join(parts)
    return texts
