"""The one place that decides who may see what."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from .models import Role


def role_required(*roles: Role):
    """Allow only signed-in users with one of `roles`; others get 403, signed-out a redirect."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


student_or_staff_required = role_required(Role.STUDENT, Role.TEACHER, Role.ADMIN)
# Admins can also teach classes (DESIGN.md, "Data model").
teacher_required = role_required(Role.TEACHER, Role.ADMIN)
admin_required = role_required(Role.ADMIN)
