"""Benchmark: a year's periodic report for a whole province and the statistics pages, warm.

Generates synthetic statistics facts (1,000,000 dossiers by default, 10% of them inter-agency with
two more agency parts) straight into PostgreSQL with `generate_series` (clustered in received
order, as facts written at receipt would be), rebuilds the monthly rollups, then times
`build_report` and the pages through the test client. Reports read facts only, so synthetic facts
exercise exactly the production code path.

    python bench/bench_statistics.py --database-url postgresql+psycopg://postgres@127.0.0.1/onestop_bench_stats
    python bench/bench_statistics.py --dossiers 100000 --reuse   # keep the generated data

Goals (issue 10): year report <= 300 ms warm; each dashboard page <= 500 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select, text  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1/onestop_bench_stats"
AGENCIES = 200
PROCEDURES = 120
FIELDS = ("Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Tư pháp", "Nội vụ", "Y tế", "Giáo dục")

FACTS_SQL = """
INSERT INTO dossier_facts (dossier_id, dossier_code, agency_id, procedure_code, procedure_name,
    field, channel, received_at, due_at, new_due_at, late_since, processed_at, returned_at,
    ended_at, outcome, classification, apology, supplement_count, paused_minutes,
    working_minutes, electronic_result, digitised, reused, rating, complaint, refreshed_at)
SELECT id, 'BENCH-' || id, agency_id, 'B.' || lpad(proc::text, 6, '0'), 'Thủ tục ' || proc,
    (CAST(:fields AS text[]))[1 + proc % 8], channel, received, due, NULL, late_since,
    CASE WHEN outcome = 'resolved' THEN ended END,
    CASE WHEN outcome = 'resolved' AND r4 < 0.9 THEN ended + interval '1 day' END,
    ended, outcome,
    CASE WHEN ended IS NULL THEN NULL
         WHEN late_since < ended THEN 'late'
         WHEN (ended AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
              < (due AT TIME ZONE 'Asia/Ho_Chi_Minh')::date THEN 'early'
         ELSE 'on_time' END,
    coalesce(ended > due AND r4 < 0.3, false), supp, supp * 240,
    CASE WHEN ended IS NOT NULL THEN (extract(epoch FROM ended - received) / 180)::int END,
    coalesce(outcome = 'resolved' AND r3 < 0.6, false), r3 < 0.4, r4 < 0.2,
    CASE WHEN r4 < 0.3 THEN 1 + (r2 * 5)::int % 5 END, r4 < 0.02, now()
FROM (
  SELECT id, received, due, agency_id, proc, channel, r2, r3, r4, supp,
         CASE WHEN supp >= 2 THEN least(due, received + interval '2 days') ELSE due END
           AS late_since,
         CASE WHEN r1 < 0.80 THEN 'resolved' WHEN r1 < 0.83 THEN 'withdrawn'
              WHEN r1 < 0.85 THEN 'refused' END AS outcome,
         CASE WHEN r1 < 0.85 THEN received + (r2 * 14 + 0.05) * interval '1 day' END AS ended
  FROM (
    SELECT id, received, (CAST(:agencies AS int[]))[1 + ai] AS agency_id,
           -- each agency handles its own 30 procedures, as in a real province
           (ai * 7 + (random() * 29)::int) % :procedures AS proc,
           channel, r1, r2, r3, r4, supp
    FROM (
      SELECT g AS id,
             timestamptz '2025-07-01 01:00+00' + (random() * 520) * interval '1 day' AS received,
             (random() * (cardinality(CAST(:agencies AS int[])) - 1))::int AS ai,
             (ARRAY['online', 'desk', 'post'])[1 + (random() * 2.2)::int] AS channel,
             random() AS r1, random() AS r2, random() AS r3, random() AS r4,
             CASE WHEN random() < 0.01 THEN 2 WHEN random() < 0.1 THEN 1 ELSE 0 END AS supp
      FROM generate_series(:first, :last) AS g
    ) gen
  ) raw
  CROSS JOIN LATERAL (SELECT raw.received + (3 + raw.r3 * 10) * interval '1 day' AS due) d
) x
ON CONFLICT DO NOTHING
"""

PARTS_SQL = """
INSERT INTO agency_part_facts (dossier_id, dossier_code, agency_id, procedure_code,
    procedure_name, field, channel, received_at, due_at, new_due_at, late_since, processed_at,
    returned_at, ended_at, outcome, classification, apology, supplement_count, paused_minutes,
    working_minutes, electronic_result, digitised, reused, rating, complaint, refreshed_at)
SELECT f.dossier_id, f.dossier_code, p.agency_id, f.procedure_code, f.procedure_name, f.field,
    f.channel, f.received_at, f.due_at, f.new_due_at, f.late_since, f.processed_at,
    f.returned_at, f.ended_at, f.outcome, f.classification, f.apology, f.supplement_count,
    f.paused_minutes, f.working_minutes, f.electronic_result, f.digitised, f.reused, f.rating,
    f.complaint, f.refreshed_at
FROM dossier_facts f
CROSS JOIN LATERAL (
  SELECT f.agency_id
  UNION
  SELECT (CAST(:agencies AS int[]))[
      1 + ((f.dossier_id * k) % cardinality(CAST(:agencies AS int[])))]
  FROM generate_series(1, 2) k WHERE f.dossier_id % 10 = 0
) p
ON CONFLICT DO NOTHING
"""


def make_app(url: str):
    from onestop import create_app

    return create_app(
        {
            "ONESTOP_ENV": "testing",
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "bench",
            "ONESTOP_EMBEDDED_WORKER": False,
            "WTF_CSRF_ENABLED": False,
            "ONESTOP_SIGNER": "fake",
        }
    )


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        ):
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def generate(db, count: int) -> list[int]:
    """Create the org (demo province plus synthetic communes), an admin, and the facts."""
    from onestop.domain.org.models import Agency, User
    from onestop.domain.statistics import rollups
    from onestop.seed.org import load_province

    loaded = load_province(password_hash="x")
    root = loaded["agencies"]["UBND-TINH"]
    for i in range(AGENCIES - len(loaded["agencies"])):
        db.session.add(
            Agency(
                key=f"BENCH-{i}",
                eid=f"H99.90.{i:03d}",
                name=f"Xã mẫu {i}",
                level="commune",
                parent_id=root.id,
            )
        )
    db.session.add(
        User(username="bench.admin", kind="admin", full_name="Bench Admin", password_hash="x")
    )
    db.session.commit()
    agency_ids = list(db.session.scalars(select(Agency.id).order_by(Agency.id)))
    step = 200_000
    for first in range(1, count + 1, step):
        last = min(count, first + step - 1)
        db.session.execute(
            text(FACTS_SQL),
            {
                "fields": list(FIELDS),
                "agencies": agency_ids,
                "procedures": PROCEDURES,
                "first": first,
                "last": last,
            },
        )
        db.session.commit()
        print(f"  facts {last:,}/{count:,}", flush=True)
    db.session.execute(text(PARTS_SQL), {"agencies": agency_ids})
    db.session.commit()
    # Facts are written when dossiers are received, so in production they lie roughly in
    # received order; the random generator scatters them, which CLUSTER undoes.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CLUSTER dossier_facts USING ix_dossier_facts_received"))
        conn.execute(text("CLUSTER agency_part_facts USING ix_agency_part_facts_received"))
    t0 = time.perf_counter()
    rows = rollups.rebuild()
    db.session.commit()
    print(
        f"  monthly rollups rebuilt from the facts: {rows:,} rows in "
        f"{time.perf_counter() - t0:.0f} s",
        flush=True,
    )
    return agency_ids


def ensure_catalogue(db) -> None:
    """The procedures the synthetic facts refer to, as the catalogue would hold them."""
    from onestop.domain.procedures.models import Procedure

    have = set(db.session.scalars(select(Procedure.code)))
    for proc in range(PROCEDURES):
        code = f"B.{proc:06d}"
        if code not in have:
            db.session.add(
                Procedure(
                    code=code,
                    name=f"Thủ tục {proc}",
                    field=FIELDS[proc % len(FIELDS)],
                    level="commune",
                )
            )
    db.session.commit()


def timed(label: str, func, runs: int) -> float:
    func()  # warm-up: caches, plans, buffers
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(samples)
    print(f"{label:<58} median {median:8.1f} ms  (min {min(samples):.1f}, max {max(samples):.1f})")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep existing data if present")
    parser.add_argument(
        "--rebuild-rollups",
        action="store_true",
        help="with --reuse: recreate the rollup table, rebuild it from the facts",
    )
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        parser.error("this benchmark generates data with PostgreSQL's generate_series")
    ensure_database(args.database_url)
    app = make_app(args.database_url)
    from onestop.domain.org.models import User
    from onestop.domain.statistics.models import AgencyPartFact, DossierFact
    from onestop.domain.statistics.report import ReportQuery, build_report
    from onestop.extensions import db
    from onestop.infra import clock

    with app.app_context():
        existing = (
            db.session.scalar(select(func.count()).select_from(DossierFact))
            if (args.reuse and db.inspect(db.engine).has_table("dossier_facts"))
            else 0
        )
        if existing != args.dossiers:
            print(f"generating {args.dossiers:,} dossiers ...", flush=True)
            db.drop_all()
            db.create_all()
            t0 = time.perf_counter()
            generate(db, args.dossiers)
            print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)
        elif args.rebuild_rollups:
            from onestop.domain.statistics import rollups
            from onestop.domain.statistics.models import MonthlyRollup

            MonthlyRollup.__table__.drop(db.engine, checkfirst=True)
            MonthlyRollup.__table__.create(db.engine)
            t0 = time.perf_counter()
            rows = rollups.rebuild()
            db.session.commit()
            print(f"monthly rollups rebuilt: {rows:,} rows in {time.perf_counter() - t0:.0f} s")
        ensure_catalogue(db)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE dossier_facts"))
            conn.execute(text("VACUUM ANALYZE agency_part_facts"))
        facts = db.session.scalar(select(func.count()).select_from(DossierFact))
        parts = db.session.scalar(select(func.count()).select_from(AgencyPartFact))
        print(
            f"dossier facts {facts:,}; agency-part facts {parts:,}; "
            f"PostgreSQL {db.session.scalar(text('SHOW server_version'))}"
        )
        year = dict(first=date(2026, 1, 1), last=date(2026, 12, 31))
        results = {}
        for group in ("none", "agency", "procedure", "field"):
            query = ReportQuery(**year, group_by=group)
            results[f"report:{group}"] = timed(
                f"year report, whole province, rows by {group}",
                lambda q=query: build_report(q),
                args.runs,
            )
        # Not whole months: rollups inside, facts for the partial edge months.
        partial = ReportQuery(first=date(2026, 1, 12), last=date(2026, 12, 20), group_by="agency")
        results["report:partial"] = timed(
            "12/1-20/12 (partial months at both edges), by agency",
            lambda: build_report(partial),
            args.runs,
        )
        # For comparison only: the same from the facts alone (what the rollups save).
        results["report:facts"] = timed(
            "same, counted from the facts alone (no rollups)",
            lambda: build_report(partial, source="facts"),
            max(1, args.runs // 3),
        )
        check = build_report(ReportQuery(**year, group_by="none")).total.cells
        balance = check["resolved"] + check["withdrawn"] + check["refused"] + check["in_progress"]
        print(
            f"  total received {check['received']:,} = {balance:,} (balanced: "
            f"{check['received'] == balance})"
        )
        admin_id = db.session.scalar(select(User.id).where(User.username == "bench.admin"))
        db.session.remove()

    clock.freeze(datetime(2026, 12, 31, 10, tzinfo=UTC))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(admin_id)
        session["_fresh"] = True
    period = "tu=2026-01-01&den=2026-12-31"
    pages = {
        "public on-time page /thong-ke": f"/thong-ke?{period}",
        "dashboard, rows by agency": f"/thong-ke/bang-dieu-khien?{period}&nhom=agency",
        "dashboard, rows by procedure": f"/thong-ke/bang-dieu-khien?{period}&nhom=procedure",
        "drill-down: in progress overdue (first 500)": (
            f"/thong-ke/chi-tiet?{period}&nhom=none&o=in_progress_overdue"
        ),
        "download XLSX, rows by agency": f"/thong-ke/bao-cao.xlsx?{period}&nhom=agency",
    }
    for label, url in pages.items():

        def get(url=url):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)

        results[label] = timed(f"page: {label}", get, args.runs)
    report_ok = results["report:agency"] <= 300 and results["report:none"] <= 300
    pages_ok = all(results[label] <= 500 for label in pages)
    print(
        f"goals: year report <= 300 ms: {'met' if report_ok else 'NOT met'}; "
        f"pages <= 500 ms: {'met' if pages_ok else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
