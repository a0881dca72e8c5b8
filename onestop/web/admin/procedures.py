"""Procedures and workflows: versions and their dossiers, the YAML editor, publish, diagram."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from onestop.domain import DomainError, NotFound
from onestop.domain.dossiers.models import Dossier
from onestop.domain.procedures.models import Procedure
from onestop.domain.procedures.publish import publish
from onestop.domain.workflow.definition import DefinitionError, load_text
from onestop.domain.workflow.orgdir import OrgDirectory
from onestop.extensions import db

from . import bp, section
from .diagram import budget_text, workflow_svg
from .forms import actor

section(
    "admin.procedures",
    "Thủ tục, quy trình",
    "Phiên bản thủ tục, soạn và công bố quy trình điện tử, sơ đồ quy trình",
)

EDITOR_FILE = "quy-trinh.yaml"
MAX_SOURCE = 200_000
DOSSIER_LIMIT = 200


def dossier_counts() -> dict[int, int]:
    """Dossiers per procedure version (every status)."""
    rows = db.session.execute(
        select(Dossier.procedure_version_id, func.count()).group_by(Dossier.procedure_version_id)
    )
    return dict(rows.all())


def _procedure(code: str) -> Procedure:
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
    if procedure is None:
        raise NotFound("Không có thủ tục mã này.")
    return procedure


@bp.get("/thu-tuc")
def procedures():
    found = db.session.scalars(select(Procedure).order_by(Procedure.field, Procedure.code)).all()
    return render_template("admin/procedures.html", procedures=found, counts=dossier_counts())


@bp.get("/thu-tuc/<code>")
def procedure_detail(code: str):
    procedure = _procedure(code)
    number = request.args.get("phien_ban", type=int)
    version = next((v for v in procedure.versions if v.number == number), procedure.current_version)
    return render_template(
        "admin/procedure_detail.html",
        procedure=procedure,
        version=version,
        counts=dossier_counts(),
        budget_text=budget_text,
        diagram=workflow_svg(version.definition) if version else None,
    )


def _source() -> str:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MAX_SOURCE + 1)
        try:
            source = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise DomainError("Tệp quy trình phải mã hóa UTF-8.", field="file") from None
    else:
        source = request.form.get("source") or ""
    if not source.strip():
        raise DomainError("Dán nội dung YAML của quy trình hoặc chọn tệp.", field="source")
    if len(source) > MAX_SOURCE:
        raise DomainError("Quy trình quá dài (tối đa 200 000 ký tự).", field="source")
    return source.replace("\r\n", "\n")


def _editor(source: str, *, problems=None, loaded=None, errors=None, code=None, status=200):
    return render_template(
        "admin/workflow_editor.html",
        source=source,
        problems=problems or [],
        errors=errors or {},
        code=code,
        loaded=loaded,
        diagram=workflow_svg(loaded.data) if loaded else None,
    ), status


@bp.route("/quy-trinh", methods=["GET", "POST"])
def workflow_editor():
    if request.method == "GET":
        code = request.args.get("ma")
        source = ""
        if code:
            current = _procedure(code).current_version
            source = current.source if current else ""
        return _editor(source, code=code)
    try:
        source = _source()
    except DomainError as exc:
        return _editor(
            request.form.get("source") or "", errors={exc.field: exc.message}, status=400
        )
    try:
        loaded = load_text(source, EDITOR_FILE, OrgDirectory.from_db())
    except DefinitionError as exc:
        return _editor(source, problems=exc.problems, status=422)
    if request.form.get("intent") != "publish":
        return _editor(source, loaded=loaded, code=loaded.data["code"])
    try:
        published = publish(loaded, actor=actor())
    except DomainError as exc:
        db.session.rollback()
        return _editor(source, errors={exc.field or "source": exc.message}, status=400)
    db.session.commit()
    version = published.version
    if published.created:
        flash(
            f"Đã công bố phiên bản {version.number} của thủ tục {loaded.data['code']}.", "success"
        )
    else:
        flash(f"Nội dung không đổi: phiên bản {version.number} vẫn là phiên bản hiện hành.", "info")
    return redirect(url_for("admin.procedure_detail", code=loaded.data["code"]))


@bp.get("/thu-tuc/<code>/ho-so")
def procedure_dossiers(code: str):
    procedure = _procedure(code)
    number = request.args.get("phien_ban", type=int)
    version = next((v for v in procedure.versions if v.number == number), None)
    if version is None:
        raise NotFound("Không có phiên bản này.")
    dossiers = db.session.scalars(
        select(Dossier)
        .where(Dossier.procedure_version_id == version.id)
        .order_by(Dossier.id.desc())
        .limit(DOSSIER_LIMIT)
    ).all()
    return render_template(
        "admin/procedure_dossiers.html",
        procedure=procedure,
        version=version,
        dossiers=dossiers,
        total=dossier_counts().get(version.id, 0),
    )
