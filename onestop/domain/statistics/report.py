"""The periodic report: every cell and QĐ 766 indicator of a period, grouped and filtered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, case, exists, func, select
from sqlalchemy.orm import aliased

from onestop.domain import DomainError
from onestop.domain.org.models import Agency, Unit, User
from onestop.domain.procedures.models import Procedure
from onestop.domain.statistics import timing
from onestop.domain.statistics.cells import CELLS, conditions, histogram_conditions
from onestop.domain.statistics.fast import rollup_sums
from onestop.domain.statistics.indicators import (
    HISTOGRAM,
    indicators,
)
from onestop.domain.statistics.models import AgencyPartFact, DossierFact, FactOfficer, FactUnit
from onestop.extensions import db

GROUPS = ("agency", "procedure", "field", "officer", "unit", "none")
LINKS = (FactOfficer, FactUnit)  # rows through a link table: read from the facts
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class ReportQuery:
    """What to count: local days first..last inclusive, optional filters, and the row grouping."""

    first: date
    last: date
    agency_id: int | None = None
    procedure_code: str | None = None
    field: str | None = None
    officer_id: int | None = None
    group_by: str = "agency"

    def __post_init__(self):
        if not isinstance(self.first, date) or not isinstance(self.last, date):
            raise DomainError("Kỳ báo cáo cần ngày bắt đầu và ngày kết thúc.", field="first")
        if self.last < self.first:
            raise DomainError("Ngày kết thúc phải không sớm hơn ngày bắt đầu.", field="last")
        if (self.last - self.first).days > MAX_DAYS:
            raise DomainError("Kỳ báo cáo dài tối đa 5 năm.", field="last")
        if self.group_by not in GROUPS:
            raise DomainError(f"Nhóm theo một trong: {', '.join(GROUPS)}.", field="group_by")

    @property
    def bounds(self):
        return timing.period_bounds(self.first, self.last)


@dataclass
class ReportRow:
    key: object
    label: str
    cells: dict[str, int]
    indicators: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Report:
    query: ReportQuery
    rows: list[ReportRow]
    total: ReportRow


def subtree_ids(agency_id: int) -> list[int]:
    """The agency and every agency below it."""
    if db.session.get(Agency, agency_id) is None:
        raise DomainError("Không tìm thấy cơ quan.", field="agency")
    children: dict[int | None, list[int]] = {}
    for child_id, parent_id in db.session.execute(select(Agency.id, Agency.parent_id)):
        children.setdefault(parent_id, []).append(child_id)
    found, stack = [], [agency_id]
    while stack:
        current = stack.pop()
        found.append(current)
        stack.extend(children.get(current, ()))
    return found


def fact_filters(model, query: ReportQuery) -> list:
    """The WHERE clauses of the query's filters on a fact table."""
    clauses = []
    if query.agency_id is not None:
        clauses.append(model.agency_id.in_(subtree_ids(query.agency_id)))
    if query.procedure_code:
        clauses.append(model.procedure_code == query.procedure_code)
    if query.field:
        clauses.append(model.field == query.field)
    if query.officer_id is not None:
        handler = aliased(FactOfficer)
        clauses.append(
            exists().where(
                handler.dossier_id == model.dossier_id, handler.user_id == query.officer_id
            )
        )
    return clauses


def grouping(query: ReportQuery):
    """(fact model, group key column or None, extra join) for the query's rows."""
    if query.group_by == "agency":
        # Each agency row counts its own part of a dossier: once per agency, never twice a row.
        return AgencyPartFact, AgencyPartFact.agency_id
    if query.group_by == "procedure":
        return DossierFact, DossierFact.procedure_code
    if query.group_by == "field":
        return DossierFact, DossierFact.field
    if query.group_by == "officer":
        return DossierFact, FactOfficer.user_id
    if query.group_by == "unit":
        return DossierFact, FactUnit.unit_id
    return DossierFact, None


def _aggregate(model, key, query: ReportQuery) -> dict:
    start, end = query.bounds
    conds = conditions(model, start, end)
    columns = [func.sum(case((conds[name], 1), else_=0)).label(name) for name in CELLS]
    columns.append(
        func.sum(case((conds["resolved"], model.working_minutes), else_=0)).label("minutes")
    )
    columns.append(func.sum(case((conds["rated"], model.rating), else_=0)).label("stars"))
    for name, in_bucket in zip(HISTOGRAM, histogram_conditions(model), strict=True):
        columns.append(func.sum(case((and_(conds["resolved"], in_bucket), 1), else_=0)).label(name))
    stmt = select(*([key] if key is not None else []), *columns).where(
        conds["_scope"], *fact_filters(model, query)
    )
    if key is not None and key.class_ in LINKS:
        stmt = stmt.join(key.class_, key.class_.dossier_id == model.dossier_id)
    if key is not None:
        stmt = stmt.group_by(key)
    result = {}
    for row in db.session.execute(stmt).mappings():
        result[row[key.key] if key is not None else None] = {
            k: int(v or 0) for k, v in row.items() if key is None or k != key.key
        }
    return result


def _row(key, label, sums: dict | None) -> ReportRow:
    sums = dict(sums or {})
    minutes, stars = sums.pop("minutes", 0), sums.pop("stars", 0)
    histogram = [sums.pop(name, 0) for name in HISTOGRAM]
    cells = {name: sums.get(name, 0) for name in CELLS}
    return ReportRow(key, label, cells, indicators(cells, minutes, stars, histogram))


def _labels(query: ReportQuery, keys) -> dict:
    keys = [k for k in keys if k is not None]
    if query.group_by == "agency":
        return {
            a.id: a.display_name
            for a in db.session.scalars(select(Agency).where(Agency.id.in_(keys)))
        }
    if query.group_by == "officer":
        users = db.session.scalars(select(User).where(User.id.in_(keys)))
        return {u.id: u.full_name for u in users}
    if query.group_by == "unit":
        units = db.session.scalars(select(Unit).where(Unit.id.in_(keys)))
        return {u.id: f"{u.name} ({u.agency.display_name})" for u in units}
    if query.group_by == "procedure":
        names = dict(
            db.session.execute(
                select(Procedure.code, Procedure.name).where(Procedure.code.in_(keys))
            ).all()
        )
        missing = [k for k in keys if k not in names]
        for code in missing:  # no longer in the catalogue: any of its facts keeps the name
            names[code] = (
                db.session.scalar(
                    select(DossierFact.procedure_name)
                    .where(DossierFact.procedure_code == code)
                    .limit(1)
                )
                or code
            )
        return names
    return {k: k for k in keys}


def uses_rollups(query: ReportQuery) -> bool:
    """Reports read the monthly rollups (with facts for partial months) unless by officer."""
    return query.officer_id is None and query.group_by not in ("officer", "unit")


def _sums(query: ReportQuery, model, key, source: str) -> dict:
    if source == "facts" or (source == "auto" and not uses_rollups(query)):
        return _aggregate(model, key, query)
    if not uses_rollups(query):
        raise DomainError(
            "Số liệu tổng hợp theo tháng không có chiều cán bộ, đơn vị.", field="source"
        )
    agency_ids = subtree_ids(query.agency_id) if query.agency_id is not None else None
    scope = "part" if model is AgencyPartFact else "dossier"
    return rollup_sums(query, model, scope, key, agency_ids, fact_filters(model, query))


def build_report(query: ReportQuery, source: str = "auto") -> Report:
    """Count every cell for each row of the grouping and for the whole (dossiers counted once).

    `source`: "facts" scans the facts, "rollups" sums the monthly rollups (whole months only),
    "auto" picks the rollups whenever they can answer.
    """
    total_sums = _sums(query, DossierFact, None, source).get(None)
    total = _row(None, "Tổng cộng", total_sums)
    rows: list[ReportRow] = []
    model, key = grouping(query)
    if key is not None:
        groups = _sums(query, model, key, source)
        labels = _labels(query, groups)
        for group_key, sums in groups.items():
            if sums.get("received") or sums.get("returned"):
                rows.append(_row(group_key, str(labels.get(group_key, group_key)), sums))
        rows.sort(key=lambda r: r.label)
    return Report(query, rows, total)
