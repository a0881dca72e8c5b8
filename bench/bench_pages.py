"""Page latency at scale: officer queue, dossier and task pages, the statistics report.

In-process through the test client on the synthetic province (`onestop seed --dossiers N`), warm,
p50/p95 over repeated requests, and SQL statements per page. The province-year statistics report
is timed from the rollups and, as the baseline, counted from the facts alone.
Run alone: `python bench/bench_pages.py [--database-url URL] [--runs 40]`.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import date

from common import DEFAULT_URL, Result, make_app, percentile

OFFICERS = ("motcua.anbinh", "hotich.anbinh", "chutich.anbinh", "motcua.tinh")
QUEUE_GOAL_MS = 50
REPORT_GOAL_MS = 300


class QueryCounter:
    """Counts the SQL statements the engine executes while active."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *args):
        self.count += 1


def timed(get, urls: list[str], counter: QueryCounter) -> dict:
    """GET each url (cycled) once to warm up, then time every one; p50, p95 and statements."""
    for url in urls[:3]:
        get(url)
    samples, statements = [], []
    for url in urls:
        before = counter.count
        started = time.perf_counter()
        get(url)
        samples.append((time.perf_counter() - started) * 1000)
        statements.append(counter.count - before)
    return {
        "p50_ms": round(percentile(samples, 50), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "queries": max(statements),
        "requests": len(samples),
    }


def _client_for(app, user_id: int):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def _getter(client):
    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return get


def run(url: str = DEFAULT_URL, runs: int = 40) -> list[Result]:
    """Time the pages and the report on the bench database."""
    from sqlalchemy import func, select

    from onestop.domain.dossiers.models import Dossier
    from onestop.domain.org.models import Agency, User
    from onestop.domain.statistics.report import ReportQuery, build_report
    from onestop.domain.workflow.models import Task
    from onestop.extensions import db

    app = make_app(url)
    rng = random.Random(11)
    results = []
    with app.app_context():
        counter = QueryCounter(db.engine)
        dossiers = db.session.scalar(select(func.count()).select_from(Dossier))
        open_tasks = db.session.scalar(select(func.count()).where(Task.state == "open"))
        users = dict(
            db.session.execute(
                select(User.username, User.id).where(User.username.in_(OFFICERS))
            ).all()
        )
        an_binh = db.session.scalar(select(Agency.id).where(Agency.key == "XA-AN-BINH"))
        max_id = db.session.scalar(select(func.max(Dossier.id)))
        sample = [rng.randint(1, max_id) for _ in range(runs * 20)]
        dossier_ids = list(
            db.session.scalars(
                select(Dossier.id)
                .where(Dossier.id.in_(sample), Dossier.receiving_agency_id == an_binh)
                .limit(runs)
            )
        )
        task_ids = list(
            db.session.scalars(
                select(Task.id)
                .where(Task.state == "open", Task.agency_id == an_binh, Task.unit_id.is_not(None))
                .order_by(Task.due_at)
                .limit(runs)
            )
        )
        db.session.remove()
    scale = {"dossiers": dossiers, "open_tasks": open_tasks}
    queue = {}
    for username in OFFICERS:
        get = _getter(_client_for(app, users[username]))
        with app.app_context():
            queue[username] = timed(get, ["/can-bo/viec"] * runs, counter)
    worst = max(queue.values(), key=lambda q: q["p95_ms"])
    results.append(
        Result(
            f"officer queue page /can-bo/viec, p95 (worst of {len(OFFICERS)}; "
            f"p50 {worst['p50_ms']} ms, {worst['queries']} SQL)",
            worst["p95_ms"],
            "ms",
            goal=f"p95 <= {QUEUE_GOAL_MS} ms",
            met=worst["p95_ms"] <= QUEUE_GOAL_MS,
            details={"per_officer": queue, **scale},
        )
    )
    get = _getter(_client_for(app, users["motcua.anbinh"]))
    with app.app_context():
        page = timed(get, [f"/can-bo/ho-so/{i}" for i in dossier_ids], counter)
    results.append(
        Result(
            f"dossier page /can-bo/ho-so/<id>, p95 (p50 {page['p50_ms']} ms, "
            f"{page['queries']} SQL)",
            page["p95_ms"],
            "ms",
            details={**page, **scale},
        )
    )
    get = _getter(_client_for(app, users["hotich.anbinh"]))
    with app.app_context():
        page = timed(get, [f"/can-bo/nhiem-vu/{i}" for i in task_ids], counter)
    results.append(
        Result(
            f"task page /can-bo/nhiem-vu/<id>, p95 (p50 {page['p50_ms']} ms, "
            f"{page['queries']} SQL)",
            page["p95_ms"],
            "ms",
            details={**page, **scale},
        )
    )
    results.append(_report(app, build_report, ReportQuery, max(5, runs // 4), scale))
    return results


def _report(app, build_report, report_query, runs: int, scale: dict) -> Result:
    """The province-year report from the rollups, against the same counted from the facts."""
    year = date.today().year - 1
    query = report_query(first=date(year, 1, 1), last=date(year, 12, 31), group_by="agency")
    with app.app_context():
        times = {}
        for source in ("auto", "facts"):
            build_report(query, source=source)
            samples = []
            for _ in range(runs if source == "auto" else max(3, runs // 3)):
                started = time.perf_counter()
                build_report(query, source=source)
                samples.append((time.perf_counter() - started) * 1000)
            times[source] = percentile(samples, 50)
    ours, facts = times["auto"], times["facts"]
    return Result(
        f"statistics: province report for {year}, rows by agency (median)",
        round(ours, 1),
        "ms",
        round(facts, 1),
        "same report counted from the facts",
        round(ours / facts, 3),
        f"<= {REPORT_GOAL_MS} ms",
        ours <= REPORT_GOAL_MS,
        details=scale,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    for result in run(args.database_url, args.runs):
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
