"""Models and migrations never drift; the migration builds the schema on this backend."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine

from onestop.extensions import db
from tests.conftest import TEST_DATABASE_URL, make_test_app


@pytest.mark.no_db_isolation
def test_migrations_match_the_models(tmp_path_factory):
    url = TEST_DATABASE_URL
    if url:  # a separate, empty schema on PostgreSQL
        base = url.rsplit("/", 1)[0]
        admin = create_engine(base + "/postgres", isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("DROP DATABASE IF EXISTS onestop_migrations_check")
            conn.exec_driver_sql("CREATE DATABASE onestop_migrations_check")
        admin.dispose()
        url = base + "/onestop_migrations_check"
    app = make_test_app(tmp_path_factory, **({"SQLALCHEMY_DATABASE_URI": url} if url else {}))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata
            )
        assert diff == [], f"models and migrations drift: run scripts/regen-migration\n{diff}"
        downgrade(revision="base")
        db.engine.dispose()
