"""Names, questions, answers, settings and roster cells full of markup, template syntax and
spreadsheet formulas come out escaped on every page, in every export (issue 7).
"""

import csv
import io
import json
import re
from urllib.parse import quote

from markupsafe import escape

from dongui.extensions import db
from dongui.models import ClassQuestion, Classroom, QuizAttempt, Role, School, User
from dongui.school.accounts import create_user
from tests.conftest import PASSWORD, login, release_questions
from tests.security_walk import URL_ATTRIBUTES, Page, own_get_walk
from tests.worlds import STUDENT_MODULE

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
TEMPLATE = "zz{{7*7}}zz"
EVALUATED = "zz49zz"
FORMULA = '=HYPERLINK("http://x")'
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def payload(tag: str) -> str:
    return f"{tag}{SCRIPT}{IMG}{TEMPLATE}"  # under 80 characters for a short tag


ADMIN_NAME = payload("@adm")
TEACHER_NAME = payload("=tch")
COTEACHER_NAME = JS_URL + SCRIPT
WEB_TEACHER_NAME = payload("+wt")
STUDENT_NAME = payload("stu")
SIGNUP_NAME = payload("-sgn")
SCHOOL_NAME = FORMULA + payload("sch")
CONTACT_NAME = payload("ct")
CONTACT_NOTE = payload("note")
CLASS_NAME = FORMULA + SCRIPT + TEMPLATE
CLASS2_NAME = payload("-c2")
CLASS2_RENAMED = payload("+ren")
ROSTER_NAMES = [
    FORMULA + IMG,
    "+" + payload("r2"),
    "-" + payload("r3"),
    "@" + payload("r4"),
    JS_URL,
    payload("r6"),
]
QUESTION = payload("q") + " " + JS_URL
ANSWER = f'{SCRIPT}\n\n{IMG}\n\n[x]({JS_URL})\n\n<a href="{JS_URL}">y</a>\n\n**NmBold** `{TEMPLATE}`'
STRONG_PASSWORD = "plum-orbit-canyon-7341"


def injection_problems(body: str, where: str) -> list[str]:
    problems = []
    lower = body.lower()
    for raw in ("<script>alert", "<img src=x"):
        if raw in lower:
            problems.append(f"{where}: unescaped {raw!r}")
    if EVALUATED in body:
        problems.append(f"{where}: {{{{7*7}}}} was evaluated")
    page = Page(body)
    for tag, attributes in page.tags:
        for name, value in attributes.items():
            if name.startswith("on"):
                problems.append(f"{where}: <{tag} {name}=…> (an event handler)")
            if name in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                problems.append(f'{where}: <{tag} {name}="javascript:…">')
        if tag == "img" and attributes.get("src") == "x":
            problems.append(f"{where}: <img src=x>")
        if tag == "script" and "src" not in attributes:
            problems.append(f"{where}: an inline <script>")
    problems += [f"{where}: inline script {text[:40]!r}" for text in page.inline_scripts]
    return problems


def csv_problems(data: bytes, where: str) -> tuple[list[str], list[str]]:
    """(problems, every cell) of a CSV export."""
    cells = [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]
    problems = [f"{where}: formula cell {cell[:30]!r}" for cell in cells if cell.startswith(FORMULA_STARTS)]
    return problems, cells


class Recorder:
    """Checks every page it is given and keeps its body by a label, for the positive checks."""

    def __init__(self):
        self.problems, self.pages = [], {}

    def check(self, response, where: str):
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            self.problems += injection_problems(body, where)
            self.pages[where] = body
        return response

    def post(self, client, path, label=None, **kwargs):
        """POST and follow the redirect (flash messages show on the next page)."""
        response = client.post(path, follow_redirects=True, **kwargs)
        assert response.status_code < 500, path
        return self.check(response, label or f"POST {path}")

    def missing(self, expected: dict) -> list[str]:
        """Labels whose page does not show the value, escaped as the templates escape it."""
        return [
            f"{where}: {value[:24]!r}"
            for where, values in expected.items()
            for value in values
            if str(escape(value)) not in self.pages.get(where, "")
        ]


def make_person(app, school_id, username, display_name, role):
    with app.app_context():
        user, _ = create_user(db.session.get(School, school_id), username, display_name, role, PASSWORD)
        db.session.commit()
        return user.id


def user_id_of(app, **where) -> int:
    with app.app_context():
        return db.session.execute(db.select(User.id).filter_by(**where)).scalar_one()


def class_of(app, name) -> Classroom:
    with app.app_context():
        classroom = db.session.execute(db.select(Classroom).filter_by(name=name)).scalar_one()
        db.session.expunge(classroom)
        return classroom


def roster_csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def fill_every_field(app, clients, rec: Recorder) -> dict:
    """Put the payloads into every free-text field, through the web wherever there is a form."""
    admin, teacher, student, stranger = (clients[k] for k in ("admin", "teacher", "student", "stranger"))
    with app.app_context():
        school = School(name="XSS school", slug="xss-school")
        db.session.add(school)
        db.session.commit()
        school_id = school.id
    make_person(app, school_id, "a-xss", ADMIN_NAME, Role.ADMIN)
    make_person(app, school_id, "t-xss", TEACHER_NAME, Role.TEACHER)
    make_person(app, school_id, "c-xss", COTEACHER_NAME, Role.TEACHER)
    student_id = make_person(app, school_id, "s-xss", STUDENT_NAME, Role.STUDENT)
    for client, username in ((admin, "a-xss"), (teacher, "t-xss"), (student, "s-xss")):
        client.set_cookie("lang", "en")
        login(client, username)
    stranger.set_cookie("lang", "en")

    rec.post(
        admin,
        "/admin/settings",
        data={
            "name": SCHOOL_NAME,
            "timezone": "Asia/Seoul",
            "default_locale": "en",
            "allow_self_signup": "y",
            "help_contacts": f"{CONTACT_NAME} | {JS_URL} | {CONTACT_NOTE}",
        },
    )
    with app.app_context():
        assert db.session.get(School, school_id).name == SCHOOL_NAME
    rec.post(
        admin, "/admin/teachers", "teacher card", data={"display_name": WEB_TEACHER_NAME, "username": "w-xss"}
    )

    rec.post(teacher, "/teach/classes", "class created", data={"name": CLASS_NAME, "year": "2026"})
    rec.post(teacher, "/teach/classes", data={"name": CLASS2_NAME, "year": "2026"})
    first, second = class_of(app, CLASS_NAME), class_of(app, CLASS2_NAME)
    base = f"/teach/classes/{first.id}"
    rec.post(teacher, f"/teach/classes/{second.id}/edit", data={"name": CLASS2_RENAMED, "year": "2026"})
    rows = [["이름", "번호"]] + [[name, str(n)] for n, name in enumerate(ROSTER_NAMES, start=1)]
    preview = rec.post(
        teacher, f"{base}/import", "roster preview", data={"file": (io.BytesIO(roster_csv(rows)), "명단.csv")}
    ).get_data(as_text=True)
    payload_field = re.search(r'name="payload" value="([^"]+)"', preview).group(1)
    rec.post(teacher, f"{base}/import/confirm", "roster cards", data={"payload": payload_field})
    bad = [
        ["이름", "번호", "아이디", "비밀번호"],
        [payload("b1"), "<b>1</b>", SCRIPT, ""],
        [payload("b2"), "2", "ok-name", IMG],
    ]
    rec.post(
        teacher, f"{base}/import", "roster problems", data={"file": (io.BytesIO(roster_csv(bad)), "bad.csv")}
    )
    rec.post(teacher, f"{base}/teachers", "co-teacher added", data={"username": "c-xss"})
    rec.post(teacher, f"{base}/assignments", data={"module": STUDENT_MODULE, "due_on": "2026-12-01"})

    rec.post(student, "/join", "joined", data={"join_code": first.join_code})
    rec.post(student, f"/learn/classes/{first.id}", data={"body": QUESTION})
    release_questions(app)  # the day's release, so the teacher has the question to answer
    rec.post(
        stranger,
        "/signup",
        "signed up",
        data={
            "join_code": first.join_code,
            "display_name": SIGNUP_NAME,
            "username": "sg-xss",
            "password": STRONG_PASSWORD,
            "confirm_password": STRONG_PASSWORD,
        },
    )
    with app.app_context():
        question = db.session.execute(db.select(ClassQuestion)).scalar_one()
        question_id = question.id
        db.session.add(
            QuizAttempt(
                user_id=student_id,
                module_slug=STUDENT_MODULE,
                content_hash="h",
                score=3,
                max_score=3,
                passed=True,
                answers={"q1": ["a"]},
                submit_token="xss-attempt",
            )
        )
        db.session.commit()
        attempt_id = db.session.execute(db.select(QuizAttempt.id)).scalar_one()
    rec.post(teacher, f"{base}/questions/{question_id}/answer", data={f"q{question_id[:8]}-answer": ANSWER})
    moved = user_id_of(app, display_name=ROSTER_NAMES[5])
    removed = user_id_of(app, display_name=ROSTER_NAMES[4])
    rec.post(teacher, f"{base}/students/{moved}/move", "asked to move", data={"target": second.id})
    rec.post(
        teacher, f"{base}/students/{moved}/move", "moved", data={"target": second.id, "confirmed": "yes"}
    )
    rec.post(teacher, f"{base}/students/{removed}/remove", "asked to remove")
    rec.post(teacher, f"{base}/students/{removed}/remove", "removed", data={"confirmed": "yes"})
    rec.post(
        teacher,
        f"{base}/students/{student_id}/excuse",
        data={"module": STUDENT_MODULE, "excused": "1", "next": "student"},
    )
    return {
        "school_id": school_id,
        "first": first.id,
        "second": second.id,
        "student_id": student_id,
        "attempt_id": attempt_id,
        "question_id": question_id,
    }


def xss_own_values(made: dict) -> dict:
    return {
        "class_id": made["first"],
        "student_id": made["student_id"],
        "user_id": made["student_id"],
        "slug": STUDENT_MODULE,
        "step": 1,
        "attempt_id": made["attempt_id"],
        "question_id": made["question_id"],
        "assignment_id": 0,
        "action": "remove",
    }


def test_payloads_in_every_free_text_field_come_out_escaped(app):
    clients = {
        name: app.test_client()
        for name in ("admin", "teacher", "coteacher", "student", "stranger", "signed_out")
    }
    rec = Recorder()
    made = fill_every_field(app, clients, rec)
    clients["coteacher"].set_cookie("lang", "en")
    login(clients["coteacher"], "c-xss")
    clients["signed_out"].set_cookie("lang", "en")
    own = xss_own_values(made)
    for name in ("admin", "teacher", "coteacher", "student", "stranger", "signed_out"):
        for rule, path, response in own_get_walk(app, clients[name], own):
            assert response.status_code < 500, (name, path)
            rec.check(response, f"{name} {rule.endpoint}")

    # Query strings that pages echo (search boxes, filters, sort orders, `next`).
    reflected = quote(payload("rf"))
    for name, path in (
        ("admin", f"/admin/students?q={reflected}"),
        (
            "admin",
            f"/admin/audit?action={reflected}&actor={reflected}&target_type={reflected}"
            f"&date_from={reflected}&date_to={reflected}&page={reflected}",
        ),
        ("teacher", f"/teach/classes/{made['first']}?sort={reflected}&show={reflected}"),
        ("teacher", f"/teach/modules/{STUDENT_MODULE}?lang={reflected}"),
        ("student", f"/learn/{STUDENT_MODULE}?note={reflected}"),
        ("signed_out", f"/login?next={reflected}"),
        ("signed_out", f"/help?{reflected}={reflected}"),
    ):
        response = clients[name].get(path)
        assert response.status_code < 500, path
        rec.check(response, f"{name} GET {path.split('?')[0]}?")

    # Exports: the class CSV (teacher and admin), the school report CSV, the student's JSON.
    for name in ("teacher", "admin"):
        response = clients[name].post(f"/teach/classes/{made['first']}/export.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        problems, cells = csv_problems(response.data, f"{name} class export")
        rec.problems += problems
        for roster_name in ROSTER_NAMES[:4] + [STUDENT_NAME, SIGNUP_NAME]:
            expected = "'" + roster_name if roster_name.startswith(FORMULA_STARTS) else roster_name
            assert expected in cells, (name, roster_name)
    response = clients["admin"].post("/admin/export.csv")
    problems, cells = csv_problems(response.data, "school report")
    rec.problems += problems
    assert "'" + CLASS_NAME in cells and "'" + CLASS2_RENAMED in cells
    response = clients["admin"].post(f"/admin/users/{made['student_id']}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.data)["account"]["display_name"] == STUDENT_NAME

    # Actions whose flash messages carry names, last because they change who is where.
    signup_id = user_id_of(app, username="sg-xss")
    rec.post(clients["admin"], f"/admin/users/{signup_id}/delete", "deleted", data={"username": "sg-xss"})
    teacher_id, coteacher_id = user_id_of(app, username="t-xss"), user_id_of(app, username="c-xss")
    rec.post(
        clients["admin"],
        f"/admin/teachers/{teacher_id}/reassign",
        "reassigned",
        data={"successor": coteacher_id},
    )
    rec.post(clients["admin"], f"/admin/teachers/{teacher_id}/reset", "staff card", data={"confirmed": "yes"})
    rec.check(clients["student"].get(f"/learn/classes/{made['first']}"), "student answer")

    assert not rec.problems, "\n".join(rec.problems)
    # The payloads were really on these pages (escaped), so the checks above had something to find.
    rostered = ROSTER_NAMES[:4] + [STUDENT_NAME, SIGNUP_NAME]
    assert (
        not rec.missing(
            {
                "teacher teach.roster": rostered,
                "teacher teach.dashboard": rostered,
                "teacher teach.student": [STUDENT_NAME, CLASS_NAME],
                "teacher teach.questions": [QUESTION],
                "teacher teach.index": [CLASS_NAME, CLASS2_RENAMED, TEACHER_NAME],
                "teacher teach.class_settings": [CLASS_NAME, COTEACHER_NAME, STUDENT_NAME],
                "teacher teach.assignments": [STUDENT_NAME],
                "teacher teach.cards": [STUDENT_NAME],
                "teacher help.help_page": [CONTACT_NAME, CONTACT_NOTE],
                "coteacher teach.dashboard": rostered,
                "admin admin.teachers": [TEACHER_NAME, COTEACHER_NAME, WEB_TEACHER_NAME, ADMIN_NAME],
                "admin admin.settings": [SCHOOL_NAME],
                "admin admin.students": [STUDENT_NAME],
                "admin admin.student": [STUDENT_NAME, CLASS_NAME],
                "admin admin.index": [CLASS_NAME],
                "admin admin.audit": [TEACHER_NAME],
                "admin admin.student_delete": [STUDENT_NAME],
                "admin GET /admin/students?": [payload("rf")],
                "student learn.index": [CLASS_NAME, STUDENT_NAME],
                "student help.help_page": [CONTACT_NAME],
                "student learn.class_questions": [QUESTION, CLASS_NAME],
                "signed_out GET /login?": [payload("rf")],
                "class created": [CLASS_NAME],
                "roster preview": ROSTER_NAMES,
                "roster cards": ROSTER_NAMES,
                "roster problems": [payload("b1"), "<b>1</b>", SCRIPT],
                "co-teacher added": [COTEACHER_NAME],
                "teacher card": [WEB_TEACHER_NAME],
                "joined": [CLASS_NAME],
                "signed up": [SIGNUP_NAME],
                "asked to move": [ROSTER_NAMES[5], CLASS_NAME, CLASS2_RENAMED],
                "asked to remove": [ROSTER_NAMES[4], CLASS_NAME],
                "moved": [ROSTER_NAMES[5], CLASS2_RENAMED],
                "removed": [ROSTER_NAMES[4]],
                "deleted": [SIGNUP_NAME],
                "reassigned": [COTEACHER_NAME],
                "staff card": [TEACHER_NAME],
            }
        )
        == []
    )
    answer_page = clients["student"].get(f"/learn/classes/{made['first']}").get_data(as_text=True)
    # Markdown formatting is kept; the template syntax stays text.
    assert "<strong>NmBold</strong>" in answer_page and f"<code>{TEMPLATE}</code>" in answer_page
