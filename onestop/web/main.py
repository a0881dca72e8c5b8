"""Home page and the landing page of each kind of user."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for
from flask_login import current_user
from werkzeug.routing import BuildError

from onestop.web.security import admin_required, citizen_required, officer_required

bp = Blueprint("main", __name__)

# Features add links to the landing pages here: (kind, endpoint, label, description).
LANDING_LINKS: list[tuple[str, str, str, str]] = []


def landing_link(kind: str, endpoint: str, label: str, description: str = "") -> None:
    """Register a link shown on the landing page of `kind` users."""
    LANDING_LINKS.append((kind, endpoint, label, description))


def _links(kind: str):
    for link_kind, endpoint, label, description in LANDING_LINKS:
        if link_kind == kind:
            try:
                yield url_for(endpoint), label, description
            except BuildError:  # a feature whose blueprint is not registered is skipped
                continue


@bp.get("/")
def home():
    return render_template("main/home.html")


@bp.get("/cong-dan")
@citizen_required
def citizen_home():
    return render_template(
        "main/landing.html", title="Trang của tôi", links=list(_links("citizen"))
    )


@bp.get("/can-bo")
@officer_required
def officer_home():
    return render_template("main/landing.html", title="Bàn làm việc", links=list(_links("officer")))


@bp.get("/quan-tri")
@admin_required
def admin_home():
    return render_template("main/landing.html", title="Quản trị", links=list(_links("admin")))


@bp.app_context_processor
def inject_user():
    return {"current_user": current_user, "home_links": lambda: list(_links("public"))}
