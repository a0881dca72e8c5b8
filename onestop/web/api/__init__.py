"""REST API v1: JSON in and out, bearer tokens or the browser session, an OpenAPI 3 document.

Feature modules add endpoints with `@endpoint(...)` from `onestop.web.api.spec` and are listed in
RESOURCES so that they are imported when the blueprint is built.
"""

from importlib import import_module

from .spec import bp

RESOURCES = [
    "onestop.web.api.meta",
    "onestop.web.api.tokens",
    "onestop.web.api.statistics",
    "onestop.web.api.citizen",
    "onestop.web.api.admin",
    "onestop.web.api.officer",
    "onestop.web.api.dossier_actions",
]

for _module in RESOURCES:
    import_module(_module)

__all__ = ["bp"]
