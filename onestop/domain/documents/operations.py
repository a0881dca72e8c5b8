"""Verbs on documents: issue a paper, issue a result, retry a failed one, recover stuck ones.

Each takes the acting user, flushes, writes the audit event and defers the render job to after
the commit; none commits.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from onestop.domain import Conflict, DomainError
from onestop.domain.audit.log import record
from onestop.extensions import db
from onestop.infra import clock

from . import context as ctx
from .models import Document
from .numbering import next_number
from .papers import paper, result_template

RENDER_JOB = "onestop.jobs.render_document"
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    """A random code such as `7KQ2-MX4P-9TZB` (no 0/O or 1/I to misread)."""
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def key_label(prefix: str, name: str) -> str:
    """A signing-key label such as `org-ubnd-tinh` or `user-chutich.tinh`."""
    return f"{prefix}-" + re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-")


def _existing(issue_key: str) -> Document | None:
    return db.session.scalar(select(Document).where(Document.issue_key == issue_key))


def _one_stop_unit(agency):
    return next((unit for unit in agency.units if unit.one_stop), None)


def _signature(block, default_name, default_title) -> dict:
    """A signature block from the delegation team's SignatureBlock, a dict, or the defaults."""
    if block is None:
        return ctx.signature_block(signer_title=default_title, signer_name=default_name)
    get = block.get if isinstance(block, dict) else (lambda name: getattr(block, name, None))
    return ctx.signature_block(
        form_line=get("form_line"),
        signer_title=get("signer_title") or default_title,
        signer_name=get("signer_name") or default_name,
        authority_title=get("authority_title"),
    )


def _officer_title(user, agency, at) -> str:
    """The officer's own position title in `agency` at `at` (for papers they sign)."""
    from onestop.domain.delegation.authority import own_positions

    titles = [p.title for p in own_positions(user, at) if p.agency_id == agency.id]
    return titles[0] if titles else "Công chức tiếp nhận"


def issue_paper(
    dossier,
    kind: str,
    actor,
    *,
    agency=None,
    unit=None,
    signature=None,
    revision: str | int | None = None,
    recipients=None,
    at: datetime | None = None,
    **extra,
) -> Document:
    """Issue form 01-07 for a dossier; issuing the same paper again returns the first one."""
    spec = paper(kind)
    if spec.kind == "tracking_book":
        raise DomainError(
            "The tracking book covers an agency and a period: use issue_tracking_book().",
            field="kind",
        )
    if dossier is None or dossier.id is None:
        raise DomainError("A paper needs a saved dossier.", field="dossier")
    issue_key = f"{dossier.id}:{kind}" + (f":{revision}" if revision is not None else "")
    existing = _existing(issue_key)
    if existing is not None:
        return existing
    at = at or clock.now()
    agency = agency or dossier.receiving_agency
    unit = unit or _one_stop_unit(agency)
    block = _signature(signature, actor.full_name, _officer_title(actor, agency, at))
    context = {
        "issuer": ctx.issuer(agency, unit),
        "dossier": ctx.dossier_facts(dossier),
        "signature": block,
        "recipients": list(recipients or []),
        **ctx.jsonable(extra),
    }
    context["date_line"] = ctx.date_line(context["issuer"]["place"], at)
    document = Document(
        dossier_id=dossier.id,
        agency_id=agency.id,
        kind=kind,
        issue_key=issue_key,
        template=spec.template,
        title=spec.title,
        context=context,
        state="pending",
        verification_code=new_verification_code(),
        signer_id=actor.id,
        signer_name=block["signer_name"],
        signer_title=block["signer_title"],
        organisation_key=key_label("org", agency.key),
        created_by_id=actor.id,
        created_at=at,
        updated_at=at,
    )
    return _save_and_defer(document, actor, "document:issue")


def issue_result(
    dossier,
    authorisation,
    *,
    result: dict | None = None,
    template: str | None = None,
    title: str | None = None,
    signature=None,
    recipients=None,
    at: datetime | None = None,
) -> Document:
    """Number the dossier's result in its agency's yearly series and queue it for signing.

    `authorisation` (from delegation.authorise) says who signs and for whom; its form line
    (TUQ./KT./TL./TM.) is printed above the signer's own title.
    """
    if dossier is None or dossier.id is None:
        raise DomainError("A result needs a saved dossier.", field="dossier")
    issue_key = f"{dossier.id}:result"
    existing = _existing(issue_key)
    if existing is not None:
        return existing
    at = at or clock.now()
    actor = authorisation.actor
    principal = authorisation.principal_position
    agency = principal.agency
    spec = dict((dossier.procedure_version.definition or {}).get("result") or {})
    template_path, default_title = result_template(template or spec.get("template"))
    series = spec.get("number_series") or f"QĐ-{agency.key.split('-')[0]}"
    year = at.astimezone(ctx.LOCAL).year
    number = next_number(agency.id, series, year)
    if signature is None:
        from onestop.domain.delegation.signature import signature_block

        signature = signature_block(authorisation)
    block = _signature(signature, actor.full_name, principal.title.upper())
    block["authority_title"] = block["authority_title"] or principal.title
    block["basis"] = getattr(signature, "basis", None)
    block["citation"] = getattr(signature, "citation", None)
    issuer = ctx.issuer(agency)
    context = {
        "issuer": issuer,
        "dossier": ctx.dossier_facts(dossier),
        "signature": block,
        "recipients": list(recipients or [dossier.applicant_name, "Lưu: VT"]),
        "result": ctx.jsonable(result or {}),
        "date_line": ctx.date_line(issuer["place"], at),
        "date_short": ctx.day(at),
    }
    document = Document(
        dossier_id=dossier.id,
        agency_id=agency.id,
        kind="result",
        issue_key=issue_key,
        template=template_path,
        title=title or spec.get("title") or default_title,
        context=context,
        state="pending",
        series=series,
        year=year,
        number=number,
        verification_code=new_verification_code(),
        signer_id=actor.id,
        signer_name=block["signer_name"],
        signer_title=block["signer_title"],
        form_line=block["form_line"],
        principal_position_id=principal.id,
        delegation_id=getattr(authorisation, "delegation_id", None),
        signer_key=key_label("user", actor.username),
        organisation_key=key_label("org", agency.key),
        created_by_id=actor.id,
        created_at=at,
        updated_at=at,
    )
    return _save_and_defer(
        document,
        actor,
        "document:issue_result",
        principal_position_id=principal.id,
        delegation_id=document.delegation_id,
    )


def issue_tracking_book(
    agency,
    actor,
    period_from: datetime,
    period_to: datetime,
    rows: list[dict],
    *,
    at: datetime | None = None,
) -> Document:
    """Form 07 for an agency over a period, from rows prepared by the dossier queries."""
    if period_to <= period_from:
        raise DomainError("The period must end after it starts.", field="period_to")
    at = at or clock.now()
    issue_key = (
        f"tracking_book:{agency.id}:{ctx.day(period_from)}:{ctx.day(period_to)}:{at:%Y%m%d%H%M%S}"
    )
    spec = paper("tracking_book")
    issuer = ctx.issuer(agency, _one_stop_unit(agency))
    context = {
        "issuer": issuer,
        "rows": ctx.jsonable(rows),
        "period_from": ctx.day(period_from),
        "period_to": ctx.day(period_to),
        "date_line": ctx.date_line(issuer["place"], at),
        "signature": ctx.signature_block(
            signer_title=_officer_title(actor, agency, at), signer_name=actor.full_name
        ),
        "dossier": {},
    }
    document = Document(
        dossier_id=None,
        agency_id=agency.id,
        kind="tracking_book",
        issue_key=issue_key,
        template=spec.template,
        title=spec.title,
        context=context,
        state="pending",
        verification_code=new_verification_code(),
        signer_id=actor.id,
        signer_name=actor.full_name,
        organisation_key=key_label("org", agency.key),
        created_by_id=actor.id,
        created_at=at,
        updated_at=at,
    )
    return _save_and_defer(document, actor, "document:issue")


def _save_and_defer(document: Document, actor, action: str, **audit) -> Document:
    from onestop.services import queue

    db.session.add(document)
    db.session.flush()
    record(
        action,
        f"document:{document.id}",
        actor=actor,
        kind=document.kind,
        dossier_id=document.dossier_id,
        number=document.symbol,
        verification_code=document.verification_code,
        **audit,
    )
    queue().defer(RENDER_JOB, document.id)
    return document


def retry_document(document: Document, officer) -> Document:
    """Send a failed document back to the render queue (the officer saw its error)."""
    if document.state == "signed":
        raise Conflict(
            "This document is already signed; it cannot be rendered again.", field="document"
        )
    if document.state == "rendering":
        raise Conflict(
            "This document is being rendered right now; wait for the result.", field="document"
        )
    from onestop.services import queue

    document.state = "pending"
    document.error = None
    db.session.flush()
    record("document:retry", f"document:{document.id}", actor=officer, attempts=document.attempts)
    queue().defer(RENDER_JOB, document.id)
    return document


def recover_stuck_documents(older_than_minutes: int, *, now: datetime | None = None) -> list[int]:
    """Re-queue documents left `rendering` (a worker died) or `pending` longer than the limit."""
    from onestop.services import queue

    now = now or clock.now()
    cutoff = now - timedelta(minutes=older_than_minutes)
    stuck = db.session.scalars(
        select(Document)
        .where(
            or_(
                (Document.state == "rendering") & (Document.render_started_at < cutoff),
                (Document.state == "pending") & (Document.updated_at < cutoff),
            )
        )
        .order_by(Document.id)
        .with_for_update()
    ).all()
    for document in stuck:
        document.state = "pending"
        document.render_started_at = None
        document.updated_at = now
        record("document:recover", f"document:{document.id}", attempts=document.attempts)
        queue().defer(RENDER_JOB, document.id)
    db.session.flush()
    return [document.id for document in stuck]


def documents_of(dossier) -> list[Document]:
    """The dossier's papers and result, oldest first."""
    return list(
        db.session.scalars(
            select(Document).where(Document.dossier_id == dossier.id).order_by(Document.id)
        )
    )
