"""The district (교육청) view: the commands that build a district, the report's figures (the same
as each school's own report), its CSV, a fixed number of statements whatever the number of
schools, and a district admin who reaches no school's pages and no student (issue 20)."""

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from dongui.admin.presenters import build_school_report
from dongui.content import get_catalog
from dongui.district.presenters import build_district_report
from dongui.extensions import db
from dongui.models import (
    Assignment,
    ClassParticipation,
    District,
    DistrictSchool,
    Excusal,
    LetterSlip,
    ModuleProgress,
    Role,
    School,
    User,
)
from dongui.school.districts import add_school, create_district, create_district_admin
from tests.conftest import PASSWORD, login
from tests.helpers import count_statements, make_random_school, statements_counted

DONE = datetime(2026, 11, 20, tzinfo=UTC)


def completed_sample(user_id) -> ModuleProgress:
    """The fixture module "sample", read and passed."""
    return ModuleProgress(
        user_id=user_id,
        module_slug="sample",
        last_step=3,
        lesson_done_at=DONE,
        quiz_passed_at=DONE,
        attempts=1,
    )


def make_district(app, slug="east", schools=(), admin="east-admin") -> int:
    with app.app_context():
        district = create_district(f"District {slug}", slug)
        for school_id in schools:
            add_school(district, db.session.get(School, school_id))
        if admin:
            create_district_admin(district, admin, "교육청 담당자", PASSWORD)
        db.session.commit()
        return district.id


def page_text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_commands_create_a_district_its_schools_and_its_admin(app, runner, make_school):
    make_school(name="한빛중학교", slug="hanbit")
    make_school(name="누리고등학교", slug="nuri")
    result = runner.invoke(args=["district", "create", "서울동부교육지원청", "--slug", "seoul-east"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["district", "add-school", "seoul-east", "hanbit", "nuri"])
    assert result.exit_code == 0 and "added 2 school(s)" in result.output, result.output
    again = runner.invoke(args=["district", "add-school", "seoul-east", "hanbit"])
    assert again.exit_code == 0 and "1 already a member" in again.output, again.output
    result = runner.invoke(
        args=[
            "users",
            "create-district-admin",
            "east.officer",
            "--district",
            "seoul-east",
            "--password",
            "plum-orbit-canyon-7341",
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        district = db.session.execute(sa.select(District).filter_by(slug="seoul-east")).scalar_one()
        assert district.name == "서울동부교육지원청"
        assert db.session.execute(sa.select(sa.func.count()).select_from(DistrictSchool)).scalar_one() == 2
        officer = db.session.execute(sa.select(User).filter_by(username="east.officer")).scalar_one()
        assert (officer.role, officer.school_id, officer.district_id) == (
            Role.DISTRICT_ADMIN,
            None,
            district.id,
        )
    generated = runner.invoke(args=["users", "create-district-admin", "east.two", "--district", "seoul-east"])
    assert generated.exit_code == 0 and "One-time password" in generated.output


def test_commands_refuse_what_they_cannot_do(app, runner, make_school):
    make_school(slug="hanbit")
    assert runner.invoke(args=["district", "create", "X", "--slug", "Bad Slug"]).exit_code == 1
    assert runner.invoke(args=["district", "create", "East", "--slug", "east"]).exit_code == 0
    taken = runner.invoke(args=["district", "create", "East again", "--slug", "east"])
    assert taken.exit_code == 1 and "already exists" in taken.output
    assert runner.invoke(args=["district", "add-school", "west", "hanbit"]).exit_code == 1
    assert runner.invoke(args=["district", "add-school", "east", "no-such-school"]).exit_code == 1
    nobody = runner.invoke(args=["users", "create-district-admin", "x.y", "--district", "west"])
    assert nobody.exit_code == 1 and "No district" in nobody.output
    short = runner.invoke(
        args=["users", "create-district-admin", "x.y", "--district", "east", "--password", "short-pw1"]
    )
    assert short.exit_code == 1 and "Password not accepted" in short.output  # staff length: 12


def test_a_district_admin_has_no_school_and_the_database_says_so(app, make_school):
    district_id = make_district(app, admin="east-admin")
    school_id = make_school()
    with app.app_context():
        both = User(
            school_id=school_id,
            district_id=district_id,
            username="both",
            display_name="x",
            role=Role.DISTRICT_ADMIN,
            password_hash="x",
        )
        db.session.add(both)
        try:
            db.session.flush()
            raise AssertionError("a user with a school and a district was stored")
        except sa.exc.IntegrityError:
            db.session.rollback()


def two_schools_with_progress(app, make_user, make_school, make_classroom):
    """School 1 (3 students, one excused, one overdue module) and school 2 (2 students)."""
    first = make_school(name="NmSchoolOne", slug="one")
    second = make_school(name="NmSchoolTwo", slug="two")
    outside = make_school(name="NmSchoolOutside", slug="outside")
    ids = {}
    for school, names in (
        (first, ("NmKidA", "NmKidB", "NmKidC")),
        (second, ("NmKidD", "NmKidE")),
        (outside, ("NmKidF",)),
    ):
        teacher = make_user(role=Role.TEACHER, school_id=school, display_name=f"NmTeacher{school}")
        students = [make_user(school_id=school, display_name=name) for name in names]
        ids[school] = (teacher, students, make_classroom(teacher, students=students, name=f"NmClass{school}"))
    with app.app_context():
        for _teacher, students, class_id in ids.values():
            db.session.add(
                Assignment(classroom_id=class_id, module_slug="sample", position=1, due_on=date(2026, 11, 1))
            )  # past: the fake clock is 25 Nov
            db.session.add(completed_sample(students[0]))
        db.session.add(Excusal(classroom_id=ids[first][2], student_id=ids[first][1][2], module_slug="sample"))
        # Taught in class in school two (where taking part completes a module), and two slips.
        db.session.get(School, second).participation_completes = True
        db.session.add(
            ClassParticipation(
                classroom_id=ids[second][2],
                student_id=ids[second][1][1],
                module_slug="sample",
                attended_on=date(2026, 11, 3),
            )
        )
        for student in ids[first][1][:2]:
            db.session.add(
                LetterSlip(
                    classroom_id=ids[first][2],
                    student_id=student,
                    has_questions=True,
                    returned_on=date(2026, 11, 2),
                )
            )
        db.session.commit()
    return first, second, outside, ids


def test_the_district_report_counts_each_school_as_its_own_report_does(
    app, make_user, make_school, make_classroom
):
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    for seed in (5, 6):
        make_random_school(app, make_user, make_school, make_classroom, seed)
    with app.app_context():
        randoms = [
            s.id for s in db.session.execute(sa.select(School).where(School.slug.like("random-%"))).scalars()
        ]
    district_id = make_district(app, schools=(first, second, *randoms))
    with app.app_context():
        catalog = get_catalog()
        report = build_district_report(db.session.get(District, district_id), catalog, "ko")
        assert [s.name for s in report.schools] == sorted(s.name for s in report.schools)
        assert outside not in {s.id for s in report.schools}
        for line in report.schools:
            school = db.session.get(School, line.id)
            own = build_school_report(school, 0, catalog, "ko")
            assert (line.tally.completed, line.tally.assigned, line.tally.overdue) == (
                own.total.completed,
                own.total.assigned,
                own.total.overdue,
            ), school.slug
            assert line.classes == len(own.classes)
            assert (
                line.students
                == db.session.execute(
                    sa.select(sa.func.count())
                    .select_from(User)
                    .where(
                        User.school_id == school.id, User.role == Role.STUDENT, User.deactivated_at.is_(None)
                    )
                ).scalar_one()
            )
            assert (line.staff, line.staff_done) == (
                len(own.staff_module),
                sum(d for _n, d in own.staff_module),
            )
            assert line.tally.took_part == own.total.took_part
            assert line.slips == tuple(sum(c.slips[i] for c in own.classes) for i in range(3))
            for module in own.modules:
                cell = report.cells[(line.id, module.slug)]
                assert (cell.completed, cell.assigned, cell.overdue) == (
                    module.tally.completed,
                    module.tally.assigned,
                    module.tally.overdue,
                )
        one = next(s for s in report.schools if s.id == first)
        assert (one.tally.completed, one.tally.assigned, one.tally.overdue) == (1, 2, 1)
        assert one.slips == (2, 2, 0)
        two = next(s for s in report.schools if s.id == second)
        assert (two.tally.completed, two.tally.took_part) == (2, 1)  # taking part completed it
        sample = next(m for m in report.modules if m.slug == "sample")
        assert sample.tally.assigned == sum(
            report.cells[(s.id, "sample")].assigned
            for s in report.schools
            if (s.id, "sample") in report.cells
        )


def test_the_district_admin_sees_counts_of_their_schools_and_no_one(
    app, client, make_user, make_school, make_classroom
):
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    make_district(app, schools=(first, second))
    make_district(app, slug="west", schools=(outside,), admin=None)
    response = login(client, "east-admin")
    assert response.status_code == 302 and response.headers["Location"].endswith("/district")
    page = client.get("/district")
    assert page.status_code == 200
    text = page_text(page)
    assert "NmSchoolOne" in text and "NmSchoolTwo" in text and "NmSchoolOutside" not in text
    assert "50% (1/2)" in text  # school one: the excused student is left out
    assert not re.search(r"NmKid|NmTeacher|NmClass", page.get_data(as_text=True))
    exported = client.get("/district/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    body = exported.get_data().decode("utf-8-sig")
    assert not re.search(r"NmKid|NmTeacher|NmClass|NmSchoolOutside", body)
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["구분", "학교", "단원"]
    school_one = next(r for r in rows if r[1] == "NmSchoolOne" and r[2] == "")
    assert school_one[5:9] == ["1", "2", "50", "1"]
    # No school's own pages: not the school report, a class, a student or a lesson.
    class_id = ids[first][2]
    for path in (
        "/admin",
        "/admin/students",
        f"/teach/classes/{class_id}",
        "/teach",
        "/learn",
        f"/learn/classes/{class_id}",
    ):
        assert client.get(path).status_code == 403, path


def test_other_roles_cannot_open_the_district_report(app, client, make_user, make_school):
    school = make_school()
    make_district(app, schools=(school,))
    for role in (Role.STUDENT, Role.TEACHER, Role.ADMIN):
        user = make_user(role=role, school_id=school, username=f"r-{role}")
        with app.app_context():
            username = db.session.get(User, user).username
        other = app.test_client()
        login(other, username)
        assert other.get("/district").status_code == 403
        assert other.get("/district/export.csv").status_code == 403
    assert client.get("/district").status_code == 302  # signed out: to sign in


def test_an_empty_district_says_how_schools_join(app, client):
    make_district(app)
    login(client, "east-admin")
    client.set_cookie("lang", "en")
    assert "flask district add-school" in page_text(client.get("/district"))


def add_schools(app, make_user, make_school, make_classroom, district_id, count, start):
    """`count` schools, each with 2 teachers, 2 classes of 3 students, progress and an excusal."""
    for n in range(start, start + count):
        school = make_school(slug=f"bulk-{n}")
        with app.app_context():
            add_school(db.session.get(District, district_id), db.session.get(School, school))
            db.session.commit()
        for c in range(2):
            teacher = make_user(role=Role.TEACHER, school_id=school)
            students = [make_user(school_id=school) for _ in range(3)]
            class_id = make_classroom(teacher, students=students, name=f"{c + 1}반")
            with app.app_context():
                db.session.add(
                    Assignment(
                        classroom_id=class_id, module_slug="sample", position=1, due_on=date(2026, 11, 1)
                    )
                )
                db.session.add(completed_sample(students[0]))
                db.session.add(Excusal(classroom_id=class_id, student_id=students[1], module_slug="sample"))
                db.session.commit()


@pytest.mark.parametrize("app_config", [{"DISTRICT_REPORT_MAX_AGE_MINUTES": 0}])  # count at every view
def test_the_report_takes_the_same_statements_for_2_or_8_schools(app, make_user, make_school, make_classroom):
    district_id = make_district(app)
    client = app.test_client()
    login(client, "east-admin")
    counts = {}
    for total, added in ((2, 2), (8, 6)):
        add_schools(app, make_user, make_school, make_classroom, district_id, added, start=total - added)
        counts[total] = (
            count_statements(app, client, "/district"),
            count_statements(app, client, "/district/export.csv"),
        )
    assert counts[2] == counts[8], counts


def test_the_figures_are_kept_and_counted_again_when_old_or_asked(
    app, client, make_user, make_school, make_classroom, clock
):
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    make_district(app, schools=(first, second))
    login(client, "east-admin")
    assert "50% (1/2)" in page_text(client.get("/district"))
    with app.app_context():  # the excused student's module is done: the kept figures don't know yet
        db.session.add(completed_sample(ids[first][1][1]))
        db.session.commit()
    assert "50% (1/2)" in page_text(client.get("/district"))
    recounted = client.post("/district/recount")
    assert recounted.status_code == 302
    assert "50% (1/2)" in page_text(client.get("/district"))  # counted a moment ago: not again yet
    clock.advance(minutes=2)
    client.post("/district/recount")
    assert "100% (2/2)" in page_text(client.get("/district"))
    with app.app_context():
        db.session.add(completed_sample(ids[second][1][1]))
        db.session.commit()
    clock.advance(minutes=11)  # older than DISTRICT_REPORT_MAX_AGE_MINUTES: a view counts again
    text = page_text(client.get("/district"))
    assert "100% (2/2)" in text and "100% (2/2)" in text.split("NmSchoolTwo")[1]


def test_kept_figures_read_back_as_counted(app, make_user, make_school, make_classroom):
    from dongui.district.presenters import report_data, report_from_data

    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    district_id = make_district(app, schools=(first, second, outside))
    with app.app_context():
        district = db.session.get(District, district_id)
        report = build_district_report(district, get_catalog(), "ko")
        import json

        again = report_from_data(
            district, json.loads(json.dumps(report_data(report))), DONE, get_catalog(), "ko"
        )
        assert (
            again.schools == report.schools
            and again.modules == report.modules
            and again.cells == report.cells
        )


def add_tallies(app, class_id, before: int, after: int, survey_id="class-check"):
    """`before` and `after` answer sets for a class: all agree ("3") on s1 before, all disagree after."""
    from dongui.models import CheckPhase
    from dongui.school.checks.release import add_to_tallies

    added = {}
    for phase, n, point in ((CheckPhase.BEFORE, before, 3), (CheckPhase.AFTER, after, 1)):
        if n:
            added[(class_id, survey_id, phase, "", 0)] = n
            added[(class_id, survey_id, phase, "s1", point)] = n
    with app.app_context():
        with db.engine.begin() as connection:
            add_to_tallies(connection, added)


def test_the_district_adds_the_checks_of_schools_that_pass_and_says_so(
    app, client, make_user, make_school, make_classroom
):
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    make_district(app, schools=(first, second, outside))
    add_tallies(app, ids[first][2], 12, 10)  # passes k = 10
    add_tallies(app, ids[second][2], 12, 7)  # the after is short: nothing of it counts
    add_tallies(app, ids[outside][2], 40, 40, survey_id="another-check")  # another survey: not this one
    login(client, "east-admin")
    client.set_cookie("lang", "en")
    text = page_text(client.get("/district"))
    assert "Before the lessons: 12 answers. After the lessons: 10 answers." in text
    assert "1 class" in text.split("NmSchoolOne")[1].split("NmSchoolTwo")[0]
    assert "Not enough answers yet" in text.split("NmSchoolTwo")[1]
    assert "+0 percentage points" not in text and "-100 percentage points" in text
    rows = list(csv.reader(io.StringIO(client.get("/district/export.csv").get_data().decode("utf-8-sig"))))
    groups = {row[0] for row in rows if len(row) > 4 and row[2] in ("Before", "After")}
    assert groups == {"District east", "NmSchoolOne"}  # the district's, and the one school that passes


def test_a_district_with_no_passing_school_shows_no_check(
    app, client, make_user, make_school, make_classroom
):
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    make_district(app, schools=(first, second))
    add_tallies(app, ids[first][2], 9, 9)
    login(client, "east-admin")
    client.set_cookie("lang", "en")
    text = page_text(client.get("/district"))
    assert "No school has enough answers before and after the lessons yet" in text
    assert "Statement" not in text and "percentage points" not in text


def test_counting_takes_fourteen_statements_whatever_the_data(app, make_user, make_school, make_classroom):
    """The docstring's count, with and without check results, participation or slips."""
    first, second, outside, ids = two_schools_with_progress(app, make_user, make_school, make_classroom)
    district_id = make_district(app, schools=(first, second, outside))
    counts = []
    for passing in (False, True):
        if passing:
            add_tallies(app, ids[first][2], 12, 12)
        with app.test_request_context():
            district = db.session.get(District, district_id)
            with statements_counted(db.engine) as statements:
                build_district_report(district, get_catalog(), "ko")
            counts.append(len(statements))
    assert counts == [14, 14]
