"""Administration under /quan-tri: org, people, delegations, procedures, calendar, keys, audit.

SECTIONS is the admin menu: each feature module adds its entry with `section(...)`; the menu is
shown on every admin page and each entry is also a card on the administrator's landing page.
"""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint
from flask_login import current_user, login_required

from onestop.web.main import landing_link

bp = Blueprint("admin", __name__, url_prefix="/quan-tri")

SECTIONS: list[tuple[str, str, str]] = []


def section(endpoint: str, label: str, description: str) -> None:
    """Add an entry to the admin menu and a card to the administrator's landing page."""
    SECTIONS.append((endpoint, label, description))
    landing_link("admin", endpoint, label, description)


@bp.before_request
@login_required
def only_administrators():
    """Every admin page is for administrators only."""
    from flask import abort

    if current_user.kind != "admin":
        abort(403)


@bp.context_processor
def admin_menu():
    return {"admin_sections": SECTIONS}


MODULES = [
    "onestop.web.admin.org",
    "onestop.web.admin.people",
    "onestop.web.admin.delegations",
    "onestop.web.admin.procedures",
    "onestop.web.admin.calendar",
    "onestop.web.admin.keys",
    "onestop.web.admin.audit",
]

for _module in MODULES:
    import_module(_module)

__all__ = ["bp", "SECTIONS", "section"]
