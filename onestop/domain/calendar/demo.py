"""Demo calendar: the national holidays and make-up days, seeded by the first administrator."""

from sqlalchemy import select

from onestop.domain.org.models import User
from onestop.extensions import db

from .operations import seed_national_days


def seed_calendar() -> None:
    """Seed the national days (idempotent: days already present are kept)."""
    admin = db.session.scalar(select(User).where(User.kind == "admin").order_by(User.id))
    seed_national_days(admin)
