"""The curriculum and help content, loaded and validated once at start-up."""

from dataclasses import dataclass

from flask import current_app

from ..errors import ContentInvalid
from .checks import Problems
from .help import HelpContent, load_help


@dataclass(frozen=True)
class Catalog:
    help: HelpContent


def load_catalog(config) -> Catalog:
    """Read and validate all content named by the settings.

    :raises ContentInvalid: listing every problem, each as `file:line: what is wrong`.
    """
    problems = Problems()
    help_content = load_help(config["HELP_DIR"], problems)
    if problems.errors:
        raise ContentInvalid(problems.errors)
    return Catalog(help=help_content)


def init_content(app) -> None:
    app.extensions["dongui.catalog"] = load_catalog(app.config)


def get_catalog() -> Catalog:
    return current_app.extensions["dongui.catalog"]
