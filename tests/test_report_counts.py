"""The school report and the class dashboard count in SQL; here a random school is counted again
in plain Python, row by row, and the figures must agree (both databases)."""

from dongui.content import get_catalog
from dongui.extensions import db
from dongui.models import Assignment, Classroom, Enrollment, Excusal, ModuleProgress, User
from dongui.school.completion import assignment_counts
from dongui.school.status import Status
from dongui.teach.dashboard import build_dashboard
from tests.helpers import make_random_school


def counted_by_hand(class_ids):
    """{(class, module): (assigned, completed)} from the raw rows, one student at a time."""
    enrolled = {}
    for class_id, student_id in db.session.execute(db.select(Enrollment.classroom_id, Enrollment.student_id)):
        enrolled.setdefault(class_id, []).append(student_id)
    active = {
        user.id for user in db.session.execute(db.select(User)).scalars() if user.deactivated_at is None
    }
    completed = {
        (p.user_id, p.module_slug)
        for p in db.session.execute(db.select(ModuleProgress)).scalars()
        if p.lesson_done_at is not None and p.quiz_passed_at is not None
    }
    excused = {
        (e.classroom_id, e.student_id, e.module_slug)
        for e in db.session.execute(db.select(Excusal)).scalars()
    }
    result = {}
    for a in db.session.execute(
        db.select(Assignment).where(Assignment.classroom_id.in_(class_ids))
    ).scalars():
        counted = [
            s
            for s in enrolled.get(a.classroom_id, [])
            if s in active and (a.classroom_id, s, a.module_slug) not in excused
        ]
        result[(a.classroom_id, a.module_slug)] = (
            len(counted),
            sum((s, a.module_slug) in completed for s in counted),
        )
    return result


def test_report_counts_agree_with_counting_by_hand(app, make_user, make_school, make_classroom):
    for seed in (1, 2, 3):
        class_ids = make_random_school(app, make_user, make_school, make_classroom, seed)
        with app.app_context():
            students = {
                c: sum(
                    1
                    for s in db.session.execute(
                        db.select(Enrollment.student_id)
                        .join(User, User.id == Enrollment.student_id)
                        .where(Enrollment.classroom_id == c, User.deactivated_at.is_(None))
                    ).scalars()
                )
                for c in class_ids
            }
            from_sql = {
                (c, slug): (assigned, done)
                for c, slug, _due, assigned, done in assignment_counts(class_ids, students)
            }
            assert from_sql == counted_by_hand(class_ids), seed


def test_dashboard_columns_agree_with_counting_by_hand(app, make_user, make_school, make_classroom):
    class_ids = make_random_school(app, make_user, make_school, make_classroom, 4)
    with app.test_request_context():
        expected = counted_by_hand(class_ids)
        for class_id in class_ids:
            board = build_dashboard(db.session.get(Classroom, class_id), get_catalog(), "ko")
            for i, column in enumerate(board.columns):
                assert (column.counted, column.completed) == expected[(class_id, column.slug)]
                assert column.completed == sum(r.cells[i].state == Status.COMPLETED for r in board.rows)
