"""Bulk row writer: COPY on PostgreSQL, executemany on SQLite; rows are tuples in column order."""

from __future__ import annotations

from sqlalchemy import Table, func, select, text

from onestop.extensions import db


class BulkWriter:
    """Buffers rows per table and writes them in large batches on the session's connection."""

    def __init__(self, tables: dict[str, tuple[Table, tuple[str, ...]]]):
        self.tables = tables
        self.buffers: dict[str, list[tuple]] = {name: [] for name in tables}
        self.written: dict[str, int] = dict.fromkeys(tables, 0)
        self.postgres = db.session.get_bind().dialect.name == "postgresql"

    def add(self, name: str, values: dict) -> None:
        """Queue one row (missing columns are NULL); nothing is written before `flush`."""
        self.buffers[name].append(tuple(map(values.get, self.tables[name][1])))

    def flush(self) -> None:
        """Write every buffer, tables in declaration order (so foreign keys are satisfied)."""
        for table_name in self.tables:
            rows = self.buffers[table_name]
            if not rows:
                continue
            table, columns = self.tables[table_name]
            if self.postgres:
                self._copy(table, columns, rows)
            else:
                values = [dict(zip(columns, r, strict=True)) for r in rows]
                db.session.execute(table.insert(), values)
            self.written[table_name] += len(rows)
            self.buffers[table_name] = []

    def _copy(self, table: Table, columns: tuple[str, ...], rows: list[tuple]) -> None:
        connection = db.session.connection().connection.driver_connection
        statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY)"
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            # Declared types: psycopg dumps each value without a per-value lookup (json included).
            copy.set_types([_pg_type(table.c[c]) for c in columns])
            for row in rows:
                copy.write_row(row)


def _pg_type(column) -> str:
    """The PostgreSQL type name psycopg dumps a column's values as (no per-value lookup)."""
    kind = column.type.__class__.__name__
    if kind == "UTCDateTime":
        return "timestamptz"
    types = {
        "Integer": "int4",
        "BigInteger": "int8",
        "Boolean": "bool",
        "JSON": "json",
        "String": "varchar",
    }
    return types.get(kind, "text")


def relax_foreign_keys() -> bool:
    """Skip foreign-key triggers in this transaction (PostgreSQL superuser): the rows are whole."""
    if db.session.get_bind().dialect.name != "postgresql" or not db.session.scalar(
        text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    ):
        return False
    db.session.execute(text("SET LOCAL session_replication_role = replica"))
    return True


def analyse(tables: list[Table]) -> None:
    """Refresh PostgreSQL's planner statistics after a bulk load (no-op on SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        for table in tables:
            db.session.execute(text(f"ANALYZE {table.name}"))


def next_id(table: Table) -> int:
    """The first id after the table's largest."""
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def reset_sequences(tables: list[Table]) -> None:
    """Move PostgreSQL id sequences past the explicitly inserted ids (no-op on SQLite)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"coalesce((SELECT max(id) FROM {table.name}), 1))"
            )
        )
