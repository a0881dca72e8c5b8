"""Publishing: a new immutable version only when the content changes; dossiers keep theirs."""

from __future__ import annotations

import pytest
from dossier_support import KHAI_SINH, WORKFLOWS, publish_file
from sqlalchemy import func, select

from onestop.domain import DomainError
from onestop.domain.procedures.models import Procedure, ProcedureVersion
from onestop.domain.procedures.publish import publish
from onestop.domain.workflow.definition import load_path, load_text


def versions(code: str) -> int:
    from onestop.extensions import db

    return db.session.scalar(
        select(func.count())
        .select_from(ProcedureVersion)
        .join(Procedure, Procedure.id == ProcedureVersion.procedure_id)
        .where(Procedure.code == code)
    )


def test_unchanged_content_creates_nothing_and_comments_do_not_count(demo_org, tmp_path):
    """Do a republish and a comment-only edit keep version 1, and a budget change make v2?"""
    first = publish_file(KHAI_SINH)
    assert first.number == 1 and first.procedure.current_version_id == first.id
    assert publish(load_path(KHAI_SINH)).created is False
    edited = tmp_path / "ks.yaml"
    edited.write_text("# a new comment\n" + KHAI_SINH.read_text(encoding="utf-8"), encoding="utf-8")
    assert publish(load_path(edited)).created is False
    edited.write_text(
        KHAI_SINH.read_text(encoding="utf-8").replace("budget: 3h", "budget: 2h"), encoding="utf-8"
    )
    second = publish(load_path(edited))
    assert second.created and second.version.number == 2
    assert second.version.procedure.current_version_id == second.version.id
    assert versions("1.001193") == 2
    back = publish(load_path(KHAI_SINH))  # the old content again: v1 becomes current, nothing new
    assert not back.created and back.version.id == first.id and versions("1.001193") == 2


def test_dossiers_keep_the_version_they_were_submitted_under(submitted, tmp_path):
    """After a new version is published, does an existing dossier still pin the old one?"""
    old = submitted.procedure_version_id
    edited = tmp_path / "ks.yaml"
    edited.write_text(
        KHAI_SINH.read_text(encoding="utf-8").replace("budget: 3h", "budget: 2h"), encoding="utf-8"
    )
    new = publish(load_path(edited)).version
    assert submitted.procedure_version_id == old != new.id


def test_published_versions_are_immutable(khai_sinh, db):
    """Is editing a published version's definition refused?"""
    khai_sinh.legal_minutes = 960
    with pytest.raises(DomainError, match="immutable"):
        db.session.flush()
    db.session.rollback()


def test_all_shipped_procedures_publish_against_the_database(demo_org):
    """Do all shipped files validate against the org tree in the database and publish?"""
    from onestop.domain.procedures.publish import publish_paths

    results = publish_paths([WORKFLOWS])
    assert len(results) == 6 and all(r.created for r in results)
    vtvl = next(r.version for r in results if r.version.procedure.code == "1.004227")
    assert vtvl.authority_agency_id == demo_org.agency("UBND-TINH").id


def test_cli_validate_and_load(app, demo_org, tmp_path):
    """Does `workflows validate` exit 1 naming the problem, and `load` report what it did?"""
    runner = app.test_cli_runner()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        KHAI_SINH.read_text(encoding="utf-8").replace("unit: TPHT", "unit: TPHX"), encoding="utf-8"
    )
    result = runner.invoke(args=["workflows", "validate", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: steps[1].unit: unit 'TPHX' does not exist in XA-AN-BINH" in result.output
    result = runner.invoke(args=["workflows", "validate", str(WORKFLOWS)])
    assert result.exit_code == 0 and result.output.count("ok ") == 6
    result = runner.invoke(args=["workflows", "load", str(KHAI_SINH)])
    assert result.exit_code == 0 and "published 1.001193 v1" in result.output
    result = runner.invoke(args=["workflows", "load", str(KHAI_SINH)])
    assert "unchanged 1.001193 v1" in result.output
    result = runner.invoke(args=["workflows", "load", str(bad), str(KHAI_SINH)])
    assert result.exit_code == 1 and "nothing was published" in result.output


def test_text_loading_names_the_file(demo_org):
    """Do messages of text loaded from elsewhere (admin upload) carry the given name?"""
    with pytest.raises(Exception) as err:
        load_text("code: 1\n", "upload.yaml")
    assert str(err.value).startswith("upload.yaml: ")


def test_catalogue_lists_versions_in_force_and_their_facts(demo_org):
    """Does the catalogue list procedures by agency and give their time, fee and parts?"""
    from onestop.domain.procedures import catalogue
    from onestop.domain.procedures.publish import publish_paths

    publish_paths([WORKFLOWS])
    at_commune = [v.procedure.code for v in catalogue.current_versions(agency_key="XA-AN-BINH")]
    assert at_commune == ["1.001193", "1.012658"]
    assert [v.procedure.code for v in catalogue.current_versions(search="lý lịch")] == ["2.000488"]
    facts = catalogue.facts(catalogue.version_by_code("2.000488"))
    assert facts["fee"]["amount"] == 200000 and facts["legal_time"] == "10 ngày làm việc"
    assert [a["key"] for a in facts["agencies"]] == ["UBND-TINH"]
    assert facts["parts"][0]["code"] == "to_khai"
    ks = catalogue.facts(catalogue.version_by_code("1.001193"))
    assert ks["legal_time"] == "Trong ngày làm việc" and ks["cutoff"] == "15:00"
    with pytest.raises(Exception, match="9.9"):
        catalogue.version_by_code("9.9")
