"""The dossiers behind one number of a report: same conditions as the count, listed."""

from __future__ import annotations

from sqlalchemy import select

from onestop.domain import DomainError
from onestop.domain.statistics.cells import CELLS, conditions
from onestop.domain.statistics.models import AgencyPartFact, DossierFact
from onestop.domain.statistics.report import LINKS, ReportQuery, fact_filters, grouping
from onestop.extensions import db

DEFAULT_LIMIT = 500


def dossiers_behind(query: ReportQuery, cell: str, group_key=None, *, limit: int | None = None):
    """The facts counted in `cell` of the row `group_key` (None: the total row), oldest first."""
    if cell not in CELLS:
        raise DomainError(f"Không có ô báo cáo '{cell}'.", field="cell")
    start, end = query.bounds
    if group_key is None:
        model, key = DossierFact, None
    else:
        model, key = grouping(query)
        if key is None:
            raise DomainError("Báo cáo này không có dòng để xem chi tiết.", field="key")
    conds = conditions(model, start, end)
    stmt = select(model).where(conds["_scope"], conds[cell], *fact_filters(model, query))
    if key is not None:
        if key.class_ in LINKS:
            stmt = stmt.join(key.class_, key.class_.dossier_id == model.dossier_id)
        stmt = stmt.where(key == _typed(key, group_key))
    stmt = stmt.order_by(model.received_at, model.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return db.session.scalars(stmt).all()


def _typed(key, value):
    """Group keys arrive as strings from URLs; integer columns need integers."""
    if key.key in ("agency_id", "user_id", "unit_id"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise DomainError("Mã dòng báo cáo không hợp lệ.", field="key") from None
    return value


__all__ = ["dossiers_behind", "DossierFact", "AgencyPartFact"]
