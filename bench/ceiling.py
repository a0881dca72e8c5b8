"""The ceiling for the submission benchmark: a bare Flask endpoint inserting one row.

Same stack as onestop (Flask, SQLAlchemy, psycopg, PostgreSQL, gunicorn), none of the domain:
`gunicorn 'bench.ceiling:create_app()'` with BENCH_DATABASE_URL set.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify, request
from sqlalchemy import JSON, Column, DateTime, Integer, MetaData, String, Table, create_engine, func

metadata = MetaData()
rows = Table(
    "bench_ceiling_rows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), unique=True),
    Column("payload", JSON),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)


def prepare(url: str) -> None:
    """Create the ceiling's table (once, before the workers start)."""
    engine = create_engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    """One POST endpoint: parse JSON, insert a row, commit, answer 201 with the id."""
    app = Flask(__name__)
    engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_pre_ping=False)

    @app.post("/rows")
    def insert_row():
        data = request.get_json()
        with engine.begin() as conn:
            new_id = conn.execute(
                rows.insert()
                .values(key=data["idempotency_key"], payload=data["form_data"])
                .returning(rows.c.id)
            ).scalar_one()
        return jsonify({"id": new_id}), 201

    return app
