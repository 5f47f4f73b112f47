"""The letter home's read model: the standing text (letters/) with the class's own facts — its
school, its modules with a line each and their due dates, the school's "why" text and contacts,
its teachers — in one language, for the print view and the plain-text version."""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..content import Catalog
from ..content.letters import LetterSection, LetterText, html_to_text
from ..content.markdown import render_markdown
from ..formats import format_date
from ..models import Classroom
from ..school.assignments import list_assignments
from ..school.contacts import school_contacts

LANGUAGE_CHOICES = {"ko": ("ko",), "en": ("en",), "both": ("ko", "en")}
LAYOUTS = ("each", "list")


@dataclass(frozen=True)
class LetterModule:
    slug: str
    title: str
    line: str  # written for families (the lesson's `family` line, else its summary)
    due: str  # the due date, written out in the letter's language ("" when none)


@dataclass(frozen=True)
class LetterFacts:
    """What the letter says about this class, in one language."""

    text: LetterText
    school: str
    class_name: str
    dated: str
    modules: tuple[LetterModule, ...]
    why: LetterSection
    teachers: tuple[str, ...]
    contacts: tuple[dict, ...]


def build_letter(
    classroom: Classroom, catalog: Catalog, locale: str, teachers: list[str], today: date
) -> LetterFacts:
    """The letter in `locale`; call it inside `force_locale(locale)` so dates read in that language."""
    text = catalog.letter.text(locale)
    modules = []
    for assignment in list_assignments(classroom.id):
        module = catalog.module(assignment.module_slug)
        if module is None or not module.for_students:
            continue
        lesson = module.text(locale)
        modules.append(
            LetterModule(
                module.slug,
                lesson.title,
                lesson.family or lesson.summary,
                format_date(assignment.due_on) if assignment.due_on else "",
            )
        )
    return LetterFacts(
        text=text,
        school=classroom.school.name,
        class_name=classroom.name,
        dated=format_date(today),
        modules=tuple(modules),
        why=school_why(classroom.school.letter_why, text, locale),
        teachers=tuple(teachers),
        contacts=tuple(school_contacts(classroom.school, locale)),
    )


def school_why(written: dict | None, text: LetterText, locale: str) -> LetterSection:
    """The school's own "why we teach this" in `locale` when the admin wrote one, else the standard."""
    standard = text.section("why")
    own = (written or {}).get(locale, "").strip()
    if not own:
        return standard
    html = render_markdown(own, None, locale, part="letter-why")
    return LetterSection("why", standard.heading, html, html_to_text(html))


def letter_as_text(facts: LetterFacts) -> str:
    """The letter as plain text for a messaging app (no slip: the reply line says how to answer)."""
    text = facts.text
    kind = _("Letter home")
    parts = [
        f"[{kind}] {text.title}",
        f"{facts.school} {facts.class_name} · {facts.dated}",
        text.section("intro").heading,
        text.section("intro").text,
    ]
    for name in ("modules", "why", "home", "help", "school"):
        section = facts.why if name == "why" else text.section(name)
        body = [section.text] if section.text else []
        if name == "modules":
            body += [module_line(m) for m in facts.modules]
        elif name == "school":
            body += contact_lines(facts)
        parts.append(f"■ {section.heading}\n" + "\n".join(body))
    parts += [text.closing, text.reply]
    return "\n\n".join(part.strip() for part in parts if part.strip()) + "\n"


def module_line(module: LetterModule) -> str:
    due = _("due %(date)s", date=module.due) if module.due else ""
    return f"- {module.title}" + (f" ({due})" if due else "") + f": {module.line}"


def contact_lines(facts: LetterFacts) -> list[str]:
    teacher = _("Class teacher")
    lines = [f"- {teacher}: {', '.join(facts.teachers)}"] if facts.teachers else []
    for contact in facts.contacts:
        line = f"- {contact['name']}"
        if contact.get("phone"):
            line += f": {contact['phone']}"
        if contact.get("note"):
            line += f" ({contact['note']})"
        lines.append(line)
    return lines
