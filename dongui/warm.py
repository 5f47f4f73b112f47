"""What gunicorn's master loads once, before it forks the workers, so that they share it.

A worker copies whatever it makes for itself: each one compiling the same templates and reading
the same translation catalogues on its first pages cost the server about 17 MiB more than making
them once in the master (PSS of three processes, two workers, after eight sign-in pages). The
master makes them from the pages a class period opens first (gunicorn.conf.py, when_ready).
"""

from .extensions import db

# Templates compiled ahead, besides those the sign-in page renders: the student's path through a
# module and the teacher's dashboard, with the macros they import.
CLASS_PERIOD_TEMPLATES = (
    "learn/index.html",
    "learn/module.html",
    "learn/step.html",
    "learn/lesson_end.html",
    "learn/quiz.html",
    "learn/attempt.html",
    "teach/dashboard.html",
    "teach/_class_nav.html",
    "teach/_progress_grid.html",
    "_macros/ui.html",
    "_macros/status.html",
    "_macros/forms.html",
)


def warm_up(app) -> None:
    """Render the signed-out sign-in page in every language (translations, forms, the layout and
    the help panel) and compile the class period's templates; then close the database
    connections this opened, which a forked worker must not share."""
    client = app.test_client()
    for locale in app.config["LANGUAGES"]:
        client.get("/login", headers={"Accept-Language": locale})
    for name in CLASS_PERIOD_TEMPLATES:
        app.jinja_env.get_template(name)
    with app.app_context():
        db.engine.dispose()
