"""Staff-only content never reaches the projector (issue 19): every screen of every module of the
shipped curriculum, in both languages, is rendered in the projector view of a class with real
students, and none of the teacher notes, the disclosure protocol, the quiz (its questions,
answers or feedback) or a student's name is on it."""

import re
from html import unescape

import pytest

from dongui.config import ROOT
from dongui.content import get_catalog
from dongui.extensions import db
from dongui.models import Assignment, Role
from tests.conftest import login

STUDENT_NAMES = ("NmProjectorPupil", "NmProjectorMate")


@pytest.fixture
def app_config():
    return {"LESSONS_DIR": str(ROOT / "lessons"), "QUIZZES_DIR": str(ROOT / "quizzes"), "SURVEYS_DIR": None}


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", str(html)))).strip()


def fragments(html) -> set[str]:
    """The teacher-only text as sentences long enough to be unmistakable."""
    pieces = re.split(r"(?<=[.!?。다요])\s+|<[^>]+>", str(html))
    return {plain(p) for p in pieces if len(plain(p)) >= 25}


def staff_only_texts(module, locale: str, public: str) -> set[str]:
    text = module.text(locale)
    lesson = plain(" ".join(str(step.html) for step in text.steps)) + " " + " ".join(text.key_points) + public
    secret = fragments(text.teacher_notes)
    for question in module.quiz.questions:
        secret.add(question.prompt[locale])
        for choice in question.choices:
            secret |= {choice.text[locale], choice.feedback[locale]}
    # A sentence the lesson itself says is not a leak (a note may quote the lesson), nor the name
    # of a help line (a quiz may name one, and the last screen lists them).
    return {s for s in secret if len(s) >= 12 and s not in lesson}


@pytest.mark.parametrize("locale", ["ko", "en"])
def test_no_staff_only_content_or_name_reaches_the_projector(
    app, client, make_user, make_school, make_classroom, locale
):
    school = make_school(slug="projector")
    make_user(role=Role.TEACHER, username="projector-teacher", school_id=school)
    students = [
        make_user(username=f"pp{n}", school_id=school, display_name=name)
        for n, name in enumerate(STUDENT_NAMES)
    ]
    with app.app_context():
        from dongui.models import User

        teacher_id = db.session.execute(
            db.select(User.id).filter_by(username="projector-teacher")
        ).scalar_one()
        catalog = get_catalog()
        modules = catalog.student_modules()
        staff_modules = [m for m in catalog.modules if not m.for_students]
        public = " ".join(
            name for c in catalog.help.channels for name in (c.name[locale], c.panel_name[locale])
        )
    class_id = make_classroom(teacher_id, students=students)
    with app.app_context():
        db.session.add_all(
            [
                Assignment(classroom_id=class_id, module_slug=m.slug, position=i)
                for i, m in enumerate(modules, start=1)
            ]
        )
        db.session.commit()
    client.set_cookie("lang", locale)
    login(client, "projector-teacher")
    base = f"/teach/classes/{class_id}/present"
    screens = 0
    for module in modules:
        secret = staff_only_texts(module, locale, public)
        assert secret, module.slug  # the check has something to look for
        for position in range(module.step_count + 2):
            for show in ("", "1"):
                assert (
                    client.post(
                        f"{base}/{module.slug}", data={"position": position, "show": show}
                    ).status_code
                    == 302
                )
                page = client.get(f"{base}/{module.slug}").get_data(as_text=True)
                where = f"{module.slug} {locale} screen {position} show={show!r}"
                assert "protocol-disclosure" not in page and "teacher-notes" not in page, where
                text = plain(page)
                leaked = [s for s in secret if s in text]
                assert not leaked, (where, leaked[:3])
                assert not any(name in page for name in STUDENT_NAMES), where
                screens += 1
    assert screens == 2 * sum(m.step_count + 2 for m in modules)
    for module in staff_modules:  # a staff module is never assigned, so never projected
        assert client.get(f"{base}/{module.slug}").status_code == 404
