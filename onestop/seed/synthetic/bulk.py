"""Bulk row writer: COPY on PostgreSQL, executemany on SQLite; rows are tuples in column order."""

from __future__ import annotations

import json

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
        self.buffers[name].append(tuple(values.get(c) for c in self.tables[name][1]))

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
        json_at = [i for i, c in enumerate(columns) if _is_json(table.c[c])]
        statement = f'COPY {table.name} ({", ".join(columns)}) FROM STDIN'
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        if row[i] is not None:
                            row[i] = json.dumps(row[i], ensure_ascii=False)
                copy.write_row(row)


def _is_json(column) -> bool:
    return column.type.__class__.__name__ == "JSON"


def next_id(table: Table) -> int:
    """The first id after the table's largest."""
    return (db.session.scalar(select(func.max(table.c.id))) or 0) + 1


def reset_sequences(tables: list[Table]) -> None:
    """Move PostgreSQL id sequences past the explicitly inserted ids (no-op on SQLite)."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in tables:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {table.name}), 1))"))
