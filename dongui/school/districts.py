"""Districts (교육청): an education office, the schools it oversees and its admins. No HTTP here.

A district admin belongs to a district instead of a school and sees only aggregates of the
member schools (DESIGN.md, "Roles and access"); which figures they see is the district
blueprint's report, which reaches the schools through `member_school_ids`.
"""

import re

import sqlalchemy as sa

from ..extensions import db
from ..models import District, DistrictSchool, Role, School, User
from .accounts import create_user

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")


class DistrictError(ValueError):
    """A district cannot be made or changed that way; the message says why."""


def find_district(slug: str) -> District | None:
    return db.session.execute(db.select(District).filter_by(slug=slug)).scalar_one_or_none()


def create_district(name: str, slug: str) -> District:
    """:raises DistrictError: for a bad or taken slug, or an empty name."""
    if not SLUG_PATTERN.match(slug or ""):
        raise DistrictError(f"slug {slug!r} must be 2-40 characters of a-z, 0-9 and -")
    if not (name or "").strip():
        raise DistrictError("a district needs a name")
    if find_district(slug) is not None:
        raise DistrictError(f"a district with slug {slug!r} already exists")
    district = District(name=name.strip(), slug=slug)
    db.session.add(district)
    db.session.flush()
    return district


def add_school(district: District, school: School) -> bool:
    """Make `school` a member of `district`; False when it already was."""
    if db.session.get(DistrictSchool, (district.id, school.id)) is not None:
        return False
    db.session.add(DistrictSchool(district_id=district.id, school_id=school.id))
    db.session.flush()
    return True


def create_district_admin(
    district: District, username: str, display_name: str, password: str | None = None
) -> tuple[User, str | None]:
    """A district admin: no school, so no page of any school opens for them.

    :raises ValueError: when the username is not valid or is taken.
    """
    return create_user(None, username, display_name, Role.DISTRICT_ADMIN, password, district=district)


def member_school_ids(district_id: int) -> sa.Select:
    """The district's schools, as a subquery for `School.id.in_(...)` (one statement, any size)."""
    return db.select(DistrictSchool.school_id).where(DistrictSchool.district_id == district_id)
