"""Flask commands (DESIGN.md, "Command line"), a module per group of them; `flask db` is in
dongui/dbcli.py, which loads Flask-Migrate only when it runs."""


def register_commands(app) -> None:
    from .content import content_cli, demo_cli, translate_cli
    from .roster import roster_cli
    from .schools import district_cli, school_cli
    from .upkeep import backup_command, questions_cli
    from .users import users_cli

    for group in (
        school_cli,
        users_cli,
        translate_cli,
        demo_cli,
        content_cli,
        roster_cli,
        district_cli,
        questions_cli,
    ):
        app.cli.add_command(group)
    app.cli.add_command(backup_command)
