"""Through the real queue: the commit enqueues the render job and a worker signs the document."""

from __future__ import annotations

import pytest

from onestop.domain.documents.models import Document
from onestop.domain.documents.operations import issue_paper
from onestop.extensions import db
from onestop.infra.queue import drain


@pytest.mark.slow
def test_committing_an_issue_queues_the_job_and_the_worker_signs(
    app, make_dossier, demo_org, fake_signer
):
    document = issue_paper(make_dossier(), "receipt", demo_org.user("motcua.tinh"))
    queue = app.extensions["onestop.queue"].queue
    assert queue.count == 0
    db.session.commit()  # the test's outer transaction still rolls everything back afterwards
    assert queue.count == 1
    drain(app)
    assert queue.count == 0
    document = db.session.get(Document, document.id)
    assert document.state == "signed", document.error
