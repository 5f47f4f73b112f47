"""A student's learning: what is assigned, a module's page, its steps and the end of the lesson."""

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..content import get_catalog
from ..i18n import current_locale
from ..models import Role
from ..permissions import (
    get_module_or_404,
    student_or_staff_required,
)
from ..school.assignments import student_assignments
from ..school.calendar import is_overdue
from ..school.checks.asking import open_checks
from ..school.progress import (
    StepNotReached,
    finish_lesson,
    get_progress,
    list_attempts,
    list_progress,
    record_step_done,
)
from ..school.status import clamp_step, module_status
from ..transactions import commit_with_retry
from . import bp
from .queries import list_student_classes


def visible_modules():
    catalog = get_catalog()
    return catalog.modules if current_user.is_staff else catalog.student_modules()


def check_step_exists(module, step: int) -> None:
    if not 1 <= step <= module.step_count:
        abort(404)


@bp.get("")
@student_or_staff_required
def index():
    """The student's start page: their classes and every module with its status."""
    progress = list_progress(current_user.id)
    assigned = student_assignments(current_user.id)
    timezone = current_user.school.timezone

    def entry(module):
        due, class_names = assigned.get(module.slug, (None, []))
        return {
            "module": module,
            "text": module.text(current_locale()),
            "status": module_status(progress.get(module.slug), module),
            "due": due,
            "classes": class_names,
            "overdue": is_overdue(due, timezone),
        }

    modules = {m.slug: m for m in visible_modules()}
    classes = list_student_classes(current_user.id)
    return render_template(
        "learn/index.html",
        classes=classes,
        assigned=[entry(modules[slug]) for slug in assigned if slug in modules],
        others=[entry(m) for slug, m in modules.items() if slug not in assigned],
        checks=open_checks_of(classes, progress),
    )


def open_checks_of(classes, progress) -> list:
    """(class, half) for each of the student's classes whose before-and-after check they may do."""
    if current_user.role != Role.STUDENT or get_catalog().check_survey is None:
        return []
    student_modules = {m.slug for m in get_catalog().student_modules()}
    phases = open_checks(current_user.id, student_modules, [c.id for c in classes], progress)
    return [(classroom, phases[classroom.id]) for classroom in classes if classroom.id in phases]


@bp.get("/<slug>")
@student_or_staff_required
def module(slug):
    """A module's front page: summary, content note, where to continue, past attempts."""
    module = get_module_or_404(slug)
    text = module.text(current_locale())
    progress = get_progress(current_user.id, slug)
    return render_template(
        "learn/module.html",
        module=module,
        text=text,
        status=module_status(progress, module),
        attempts=list_attempts(current_user.id, slug),
        show_note=bool(text.content_note) and request.args.get("note") != "read",
    )


@bp.get("/<slug>/<int:step>")
@student_or_staff_required
def step(slug, step):
    """One lesson step (read-only: moving on is a POST)."""
    module = get_module_or_404(slug)
    check_step_exists(module, step)
    text = module.text(current_locale())
    return render_template(
        "learn/step.html",
        module=module,
        text=text,
        step=text.steps[step - 1],
        can_finish=step >= module.last_required_step,
    )


@bp.post("/<slug>/<int:step>")
@student_or_staff_required
def step_done(slug, step):
    """Next, "skip this step" (recorded the same way) or Finish."""
    module = get_module_or_404(slug)
    check_step_exists(module, step)
    if request.form.get("action") == "finish":
        try:
            commit_with_retry(lambda: finish_lesson(current_user.id, module, step))
        except StepNotReached:
            abort(400)
        return redirect(url_for("learn.lesson_end", slug=slug))
    commit_with_retry(lambda: record_step_done(current_user.id, module, step))
    return redirect(url_for("learn.step", slug=slug, step=clamp_step(step + 1, module)))


@bp.post("/<slug>/start")
@student_or_staff_required
def start(slug):
    """Begin or resume the lesson at the furthest step reached."""
    module = get_module_or_404(slug)
    progress = get_progress(current_user.id, slug)
    step = clamp_step(progress.last_step, module) if progress else 1
    return redirect(url_for("learn.step", slug=slug, step=step))


@bp.get("/<slug>/end")
@student_or_staff_required
def lesson_end(slug):
    """The end of the lesson: key points, help, and the way to the quiz."""
    module = get_module_or_404(slug)
    text = module.text(current_locale())
    return render_template(
        "learn/lesson_end.html", module=module, text=text, progress=get_progress(current_user.id, slug)
    )
