"""Dongui (동의): a bilingual learning platform that schools run to teach consent."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import ROOT, load_config


def create_app(test_config=None) -> Flask:
    """Build the app: settings, extensions, content, blueprints, errors and commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    load_config(app, test_config)
    init_extensions(app)
    init_content(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_cli(app)
    check_no_demo_data_in_production(app)
    return app


def init_extensions(app: Flask) -> None:
    from .connections import tune_connections
    from .dbcli import MIGRATIONS_DIR
    from .extensions import babel, csrf, db, init_migrations, limiter, login_manager
    from .i18n import select_locale, select_timezone
    from .logs import install_log_filters
    from .school.versions import watch as watch_data_versions

    db.init_app(app)
    tune_connections(app, db)
    watch_data_versions(db.session)
    init_migrations(app, db, directory=MIGRATIONS_DIR)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    limiter.init_app(app)
    install_log_filters()
    if app.config["PUBLIC_URL"]:
        from .web import PublicAddress

        app.wsgi_app = PublicAddress(app.wsgi_app, app.config["PUBLIC_URL"])
    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def init_content(app: Flask) -> None:
    from .content import init_content as load

    load(app)


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .anonymity import register_url_map
    from .auth import bp as auth_bp
    from .district import bp as district_bp
    from .help import bp as help_bp
    from .learn import bp as learn_bp
    from .teach import bp as teach_bp

    for blueprint in (auth_bp, help_bp, learn_bp, teach_bp, admin_bp, district_bp):
        app.register_blueprint(blueprint)
    register_url_map(app.url_map)  # the anonymous pages' matcher routes with the app's own map


def register_request_hooks(app: Flask) -> None:
    from .auth.sessions import init_sessions
    from .errors import register_error_handlers
    from .templating import init_templating
    from .web import init_web

    init_sessions(app)
    init_templating(app)
    init_web(app)
    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    from .cli import register_commands
    from .dbcli import migration_commands

    register_commands(app)
    app.cli.add_command(migration_commands)


def check_no_demo_data_in_production(app: Flask) -> None:
    from .config import is_production
    from .demo import refuse_demo_data_in_production

    if is_production(app.config):
        refuse_demo_data_in_production(app)
