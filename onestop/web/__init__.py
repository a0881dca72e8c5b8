"""Web layer: blueprints for citizens, officers, administrators, the public, and the API.

BLUEPRINTS is the table of contents of the site; each entry is imported lazily so that a feature's
blueprint module is only loaded when the app is built.
"""

from importlib import import_module

_BLUEPRINT_PATHS = [
    "onestop.web.main:bp",
    "onestop.web.auth:bp",
    "onestop.web.api:bp",
    "onestop.web.verify:bp",
    "onestop.web.documents:bp",
    "onestop.web.statistics:bp",
    "onestop.web.admin:bp",
    "onestop.web.public:bp",
    "onestop.web.citizen:bp",
    "onestop.web.officer:bp",
]


def BLUEPRINTS():  # noqa: N802 - reads as the registry it is
    """The blueprints of the site, in registration order."""
    for path in _BLUEPRINT_PATHS:
        module, _, name = path.partition(":")
        yield getattr(import_module(module), name)
