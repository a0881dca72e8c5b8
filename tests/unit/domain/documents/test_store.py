"""The applicant's electronic store: results kept and reused instead of uploaded again."""

from __future__ import annotations

import pytest

from onestop.domain import DomainError, Forbidden
from onestop.domain.documents.jobs import run_render
from onestop.domain.documents.operations import issue_result
from onestop.domain.documents.store import electronic_store, reuse
from onestop.extensions import db


@pytest.fixture
def signed_result(make_dossier, authorisation, fake_signer):
    document = issue_result(make_dossier(), authorisation)
    run_render(document.id)
    db.session.refresh(document)
    return document


def test_a_signed_result_is_in_the_applicants_store(signed_result, demo_org):
    items = electronic_store(signed_result.dossier.applicant)
    assert [(i.source, i.id) for i in items] == [("document", signed_result.id)]
    assert items[0].sha256 == signed_result.blob_sha256
    assert electronic_store(demo_org.user("motcua.tinh")) == []


def test_a_stored_result_fills_a_part_of_a_new_dossier(signed_result, make_dossier):
    """Does reuse attach the same file, without a new upload, and name where it came from?"""
    applicant = signed_result.dossier.applicant
    later = make_dossier()
    later.status = "draft"
    part = reuse(
        later, applicant, part_code="quyet_dinh_cu", source="document", item_id=signed_result.id
    )
    assert part.blob_sha256 == signed_result.blob_sha256
    assert part.name == "Quyết định đã cấp trước đây"
    assert signed_result.symbol in part.note


def test_reuse_is_refused_to_someone_else_and_for_an_unknown_part(
    signed_result, make_dossier, demo_org
):
    later = make_dossier()
    later.status = "draft"
    with pytest.raises(Forbidden):
        reuse(
            later,
            demo_org.user("motcua.tinh"),
            part_code="quyet_dinh_cu",
            source="document",
            item_id=signed_result.id,
        )
    with pytest.raises(DomainError) as error:
        reuse(
            later,
            later.applicant,
            part_code="ho_chieu",
            source="document",
            item_id=signed_result.id,
        )
    assert error.value.field == "part_code"
