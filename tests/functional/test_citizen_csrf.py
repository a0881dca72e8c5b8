"""Citizen forms refuse a request without the CSRF token and change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from onestop.domain.org.models import User
from onestop.extensions import db as _db
from tests.conftest import make_test_app


@pytest.fixture(scope="module")
def csrf_app(tmp_path_factory):
    folder = tmp_path_factory.mktemp("csrf")
    return make_test_app(
        tmp_path_factory,
        WTF_CSRF_ENABLED=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'csrf.db'}",
    )


@pytest.fixture
def db(csrf_app):
    """This module's own database (CSRF on); nothing shared with the session app."""
    with csrf_app.app_context():
        _db.create_all()
        yield _db
        _db.session.remove()
        _db.drop_all()


def test_registration_without_the_token_is_refused(csrf_app, db):
    client = csrf_app.test_client()
    response = client.post(
        "/cong-dan/dang-ky",
        data={
            "id_number": "001099012345",
            "full_name": "Lê Văn An",
            "phone": "0911222333",
            "password": "mat-khau-dai-1",
            "password_confirm": "mat-khau-dai-1",
        },
    )
    assert response.status_code == 400
    assert "biểu mẫu không hợp lệ" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_form_carries_the_token(csrf_app, db):
    page = csrf_app.test_client().get("/cong-dan/dang-ky").get_data(as_text=True)
    assert 'name="csrf_token"' in page
