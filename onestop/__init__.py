"""onestop: the electronic one-stop administrative procedure system."""

from __future__ import annotations

from flask import Flask

from onestop import config as configuration


def create_app(overrides: dict | None = None) -> Flask:
    """Build the application; `overrides` replace settings (tests, commands)."""
    settings = configuration.load(overrides=overrides)
    app = Flask(
        __name__,
        instance_path=settings["ONESTOP_INSTANCE_PATH"],
        template_folder="../templates",
        static_folder="web/static",
    )
    app.config.update(settings)
    register_extensions(app)
    register_services(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_error_handlers(app)
    register_security(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    from onestop import models  # noqa: F401  (the schema must be known before migrate binds)
    from onestop.extensions import babel, csrf, db, login_manager, migrate
    from onestop.web.i18n import select_locale, select_timezone

    db.init_app(app)
    migrate.init_app(app, db, directory=str(_project_path("migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(_project_path("translations")),
    )


def register_services(app: Flask) -> None:
    from onestop.services import init_services

    init_services(app)


def register_blueprints(app: Flask) -> None:
    from onestop.web import BLUEPRINTS

    for blueprint in BLUEPRINTS():
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from onestop.web.helpers import register_filters

    register_filters(app)


def register_error_handlers(app: Flask) -> None:
    from onestop.web.errors import init_errors

    init_errors(app)


def register_security(app: Flask) -> None:
    from onestop.web.security import init_security

    init_security(app)


def register_commands(app: Flask) -> None:
    from onestop.cli import COMMANDS

    for command in COMMANDS():
        app.cli.add_command(command)


def _project_path(name: str):
    from pathlib import Path

    return Path(__file__).resolve().parent.parent / name
