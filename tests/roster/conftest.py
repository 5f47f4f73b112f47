"""The school, the signed-in teacher and the class every roster test starts from."""

import pytest

from dongui.models import Role
from tests.conftest import login


@pytest.fixture
def school(make_school):
    return make_school(slug="hanbit", name="한빛중학교")


@pytest.fixture
def teacher(client, make_user, school):
    user_id = make_user(role=Role.TEACHER, username="kim.teacher", school_id=school)
    login(client, "kim.teacher")
    return user_id


@pytest.fixture
def classroom(teacher, make_classroom):
    return make_classroom(teacher)
