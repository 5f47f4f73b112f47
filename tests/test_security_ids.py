"""Ids past 2**63 answer 404, never 500 (issue 14: the break-in review counted 134 such 500s).

Every route with a whole-number id, GET and POST, as every role, with each id in turn replaced by
2**63 (one past what a database integer holds), 2**64 and a 30-digit number; and the lists whose
address takes a page or an account number in the query.
"""

import pytest

from dongui.models import Role
from tests.conftest import login
from tests.security_walk import ROLE_IDS, ROLES, WALKED_METHODS, make_viewer, walk_rules
from tests.worlds import build_world

HUGE = [2**63, 2**64, 10**30]


def int_arguments(rule) -> list[str]:
    return [
        name for name, converter in rule._converters.items() if type(converter).__name__ == "IntegerConverter"
    ]


def huge_paths(app, own: dict):
    """(method, path) for every rule and method, with one of its ids replaced by a huge number."""
    for rule in walk_rules(app):
        for name in int_arguments(rule):
            for huge in HUGE:
                values = {a: own.get(a, 1) for a in rule.arguments}
                path = "/".join(
                    str(huge) if part == f"<int:{name}>" else part for part in rule.rule.split("/")
                )
                for argument, value in values.items():
                    path = path.replace(f"<int:{argument}>", str(value)).replace(f"<{argument}>", str(value))
                for method in sorted(rule.methods & WALKED_METHODS):
                    yield rule, method, path


@pytest.mark.parametrize("role", ROLES, ids=ROLE_IDS)
def test_huge_ids_answer_404_never_500(app, client, role):
    world = build_world(app)
    viewer = make_viewer(world, role)
    if viewer.key:
        login(client, world.usernames[viewer.key])
    problems, tried = [], 0
    for rule, method, path in huge_paths(app, viewer.own):
        response = client.open(path, method=method, data={})
        tried += 1
        if response.status_code >= 500 or (viewer.key and response.status_code not in (403, 404)):
            problems.append(f"{role} {method} {path} ({rule.endpoint}): {response.status_code}")
        if viewer.key is None and response.status_code not in (302, 404):
            problems.append(f"signed out {method} {path}: {response.status_code}")
    assert tried > 50
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "query",
    [
        {"page": str(2**63)},
        {"page": str(10**30)},
        {"page": "-1"},
        {"actor": str(2**63)},
        {"actor": str(10**30)},
    ],
)
def test_huge_numbers_in_a_query_are_no_500(app, client, make_user, make_school, query):
    school = make_school()
    make_user(role=Role.ADMIN, school_id=school, username="boss")
    login(client, "boss")
    for path in ("/admin/students", "/admin/audit"):
        assert client.get(path, query_string=query).status_code in (200, 404), path
