"""Engine benchmark (not a timed test).

1. In memory, the same process (receive → appraise → parallel split [police, social insurance] →
   join → decide → return: six tasks, one parallel split) run by
   - our engine (`onestop.domain.workflow.engine.Instance`),
   - a naive baseline (the same rules, re-indexing the definition and re-parsing guards on every
     transition, as a straightforward interpreter would),
   - SpiffWorkflow (BPMN written below for the benchmark), when installed,
   reported as transitions per second and as ratios.
2. Persisted: the shipped liên thông procedure (7 tasks, parallel join) walked through the real
   runtime (`runtime.act`, one commit per transition, audit and transitions written) on SQLite and,
   when reachable, PostgreSQL.

Run: `python bench/bench_engine.py [--cases 2000] [--persisted 30] [--pg URL]`
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_YAML = """
code: "9.999999"
name: Quy trình đo hiệu năng
field: Thử nghiệm
level: commune
agencies: [XA-AN-BINH]
authority: {position: chairman}
legal_time: {working_days: 10}
legal_basis: [bench]
parts: []
form: {fields: [{name: age, label: Tuổi, type: number}]}
result: {template: quyet-dinh, title: Kết quả}
steps:
  - {id: receive, unit: MOT_CUA, role: receiver, budget: 1h, next: appraise}
  - id: appraise
    unit: TPHT
    role: specialist
    budget: 1d
    actions: {submit: [{when: "age < 6", to: consult}, {to: decide}], back: receive}
  - id: consult
    parallel:
      - {id: police, agency: CA, unit: QLHC, role: specialist, budget: 2d}
      - {id: insurance, agency: BHXH, unit: THU, role: specialist, budget: 2d}
    join: all
    next: decide
  - id: decide
    authority: true
    budget: 4h
    actions: {approve: {to: return, result: issue}, deny: "@refuse"}
  - {id: return, unit: MOT_CUA, role: receiver, budget: 4h, actions: {hand_over: "@returned"}}
"""

# The walk of one case: (token, action); six tasks, one parallel split.
WALK = [
    (("receive", None), "submit"),
    (("appraise", None), "submit"),
    (("consult", "police"), "done"),
    (("consult", "insurance"), "done"),
    (("decide", None), "approve"),
    (("return", None), "hand_over"),
]
FORM = {"age": 3}

BPMN = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  id="d" targetNamespace="bench">
  <bpmn:process id="bench" isExecutable="true">
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="receive"/>
    <bpmn:userTask id="receive"/>
    <bpmn:sequenceFlow id="f1" sourceRef="receive" targetRef="appraise"/>
    <bpmn:userTask id="appraise"/>
    <bpmn:sequenceFlow id="f2" sourceRef="appraise" targetRef="split"/>
    <bpmn:parallelGateway id="split"/>
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="police"/>
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="insurance"/>
    <bpmn:userTask id="police"/>
    <bpmn:userTask id="insurance"/>
    <bpmn:sequenceFlow id="f5" sourceRef="police" targetRef="join"/>
    <bpmn:sequenceFlow id="f6" sourceRef="insurance" targetRef="join"/>
    <bpmn:parallelGateway id="join"/>
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="decide"/>
    <bpmn:userTask id="decide"/>
    <bpmn:sequenceFlow id="f8" sourceRef="decide" targetRef="return"/>
    <bpmn:userTask id="return"/>
    <bpmn:sequenceFlow id="f9" sourceRef="return" targetRef="end"/>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
</bpmn:definitions>
"""


def bench_definition() -> dict:
    from onestop.domain.workflow.definition import load_text
    from onestop.domain.workflow.orgdir import OrgDirectory

    return load_text(BENCH_YAML, "bench.yaml", OrgDirectory.from_yaml()).data


def run_ours(definition: dict, cases: int) -> float:
    """Transitions per second of our in-memory engine."""
    from onestop.domain.workflow.engine import Instance, Workflow

    workflow = Workflow(definition)
    started = time.perf_counter()
    for _ in range(cases):
        instance = Instance(workflow)
        instance.start()
        for token, action in WALK:
            instance.fire(token, action, FORM)
        assert instance.ended == "@returned"
    return cases * len(WALK) / (time.perf_counter() - started)


def run_naive(definition: dict, cases: int) -> float:
    """The same rules with no index and no parse cache: the baseline our engine is measured by."""
    from onestop.domain.workflow import guards
    from onestop.domain.workflow.engine import Instance, Workflow

    started = time.perf_counter()
    for _ in range(cases):
        tokens: list = []
        for i, (token, action) in enumerate(WALK):
            guards.parse.cache_clear()
            instance = Instance(Workflow(definition), tokens or None)
            if i == 0:
                instance.start()
            instance.fire(token, action, FORM)
            tokens = list(instance.tokens)
    return cases * len(WALK) / (time.perf_counter() - started)


def run_spiff(cases: int) -> float | None:
    """Transitions per second of SpiffWorkflow on the same process (BPMN above)."""
    try:
        from lxml import etree
        from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnParser
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
        from SpiffWorkflow.util.task import TaskState
    except ImportError:
        return None
    parser = BpmnParser()
    parser.add_bpmn_xml(etree.fromstring(BPMN.encode()), filename="bench.bpmn")
    spec = parser.get_spec("bench")
    order = [name for (name, _), _ in WALK]
    order = ["receive", "appraise", "police", "insurance", "decide", "return"]
    started = time.perf_counter()
    for _ in range(cases):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        for name in order:
            task = next(
                t for t in workflow.get_tasks(state=TaskState.READY) if t.task_spec.name == name
            )
            task.run()
            workflow.do_engine_steps()
        assert workflow.is_completed()
    return cases * len(order) / (time.perf_counter() - started)


def run_persisted(url: str | None, cases: int, *, mute: bool = False) -> tuple[str, float]:
    """Transitions per second through runtime.act with one commit per transition.

    With `mute`, the other features' event subscribers (statistics, documents, notifications)
    are switched off, to show the engine's own share of the cost.
    """
    from sqlalchemy import create_engine, select, text

    from onestop import create_app
    from onestop.domain.dossiers import events, lifecycle
    from onestop.domain.dossiers.attachments import Upload
    from onestop.domain.org.models import Agency, User
    from onestop.domain.procedures.publish import WORKFLOWS_DIR, publish
    from onestop.domain.workflow import runtime
    from onestop.domain.workflow.definition import load_path
    from onestop.extensions import db
    from onestop.seed.org import load_province

    instance = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    name = None
    if url:
        name = f"onestop_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        db_url, label = url.rsplit("/", 1)[0] + "/" + name, "PostgreSQL"
    else:
        db_url, label = f"sqlite:///{instance / 'bench.db'}", "SQLite"
    app = create_app(
        {
            "ONESTOP_ENV": "testing",
            "ONESTOP_INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": db_url,
            "REDIS_URL": None,
            "SECRET_KEY": "bench",
            "ONESTOP_SIGNER": "fake",
            "ONESTOP_EMBEDDED_WORKER": False,
        }
    )
    walk = [
        ("receive", None, "motcua.anbinh", "submit"),
        ("register_birth", None, "hotich.anbinh", "submit"),
        ("sign_birth", None, "chutich.anbinh", "approve"),
        ("transfer", "health_card", "chuyenvien.bhxh", "done"),
        ("transfer", "residence", "canbo.ca", "done"),
        ("compile", None, "hotich.anbinh", "complete"),
        ("return", None, "motcua.anbinh", "hand_over"),
    ]
    t0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    pdf = b"%PDF-1.4\n%%EOF\n"
    try:
        with app.app_context():
            db.create_all()
            load_province(password_hash="x")
            version = publish(
                load_path(WORKFLOWS_DIR / "1.012658-lien-thong-khai-sinh-thuong-tru-bhyt.yaml")
            ).version
            db.session.commit()
            users = {u.username: u.id for u in db.session.scalars(select(User))}
            agency_id = db.session.scalar(select(Agency.id).where(Agency.key == "XA-AN-BINH"))
            form = {
                "child_name": "Bé",
                "child_birth_date": "2026-11-20",
                "child_sex": "Nam",
                "mother_name": "Mẹ",
                "residence_address": "Thôn Đông",
                "household_head_id": "001090001234",
            }
            dossier_ids = []
            for n in range(cases):
                dossier = lifecycle.submit_online(
                    db.session.get(User, users["001090001234"]),
                    version,
                    form,
                    [Upload("to_khai_lien_thong", pdf), Upload("giay_chung_sinh", pdf)],
                    f"bench-{n}",
                    agency_id=agency_id,
                    at=t0,
                )
                lifecycle.receive(
                    dossier, db.session.get(User, users["motcua.anbinh"]), t0 + timedelta(minutes=5)
                )
                db.session.commit()
                dossier_ids.append(dossier.id)
            saved = {name: list(handlers) for name, handlers in events._handlers.items()}
            if mute:
                events._load_subscribers()
                events._handlers.clear()
            moves = 0
            started = time.perf_counter()
            for dossier_id in dossier_ids:
                for n, (step, branch, username, action) in enumerate(walk):
                    from onestop.domain.dossiers.models import Dossier

                    dossier = db.session.get(Dossier, dossier_id)
                    task = next(
                        t
                        for t in runtime.open_tasks(dossier)
                        if t.step_id == step and t.branch == branch
                    )
                    runtime.act(
                        task,
                        db.session.get(User, users[username]),
                        action,
                        at=t0 + timedelta(hours=1 + n),
                    )
                    db.session.commit()
                    moves += 1
            rate = moves / (time.perf_counter() - started)
            events._handlers.update(saved)
            db.session.remove()
            db.engine.dispose()
    finally:
        if name:
            admin = create_engine(url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
    return label, rate


def _pg_reachable(url: str) -> bool:
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return True
    except Exception:  # unreachable or refused: the PostgreSQL figure is simply not reported
        return False


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000, help="in-memory cases per engine")
    parser.add_argument("--persisted", type=int, default=30, help="dossiers walked per database")
    parser.add_argument(
        "--pg",
        default=os.environ.get(
            "ONESTOP_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args(argv)

    definition = bench_definition()
    run_ours(definition, 50)  # warm up imports and caches
    ours = run_ours(definition, args.cases)
    naive = run_naive(definition, max(args.cases // 4, 50))
    spiff = run_spiff(max(args.cases // 4, 50))
    print(f"in memory, 6 tasks with one parallel split, {args.cases} cases:")
    print(f"  onestop engine     {ours:12,.0f} transitions/s")
    print(
        f"  naive baseline     {naive:12,.0f} transitions/s   onestop/naive = {ours / naive:.1f}x"
    )
    if spiff is None:
        print("  SpiffWorkflow      not installed (pip install spiffworkflow)")
    else:
        print(
            f"  SpiffWorkflow      {spiff:12,.0f} transitions/s   "
            f"onestop/Spiff = {ours / spiff:.1f}x"
            f"  (goal >= 5x)"
        )
    if args.persisted:
        targets = [None] + ([args.pg] if args.pg and _pg_reachable(args.pg) else [])
        for url in targets:
            for mute in (False, True):
                label, rate = run_persisted(url, args.persisted, mute=mute)
                who = (
                    "engine only, subscribers muted" if mute else "with every feature's subscribers"
                )
                print(
                    f"persisted {label:10} ({who}; runtime.act + transition + audit + commit, "
                    f"{args.persisted} dossiers x 7): {rate:,.0f} transitions/s"
                )


if __name__ == "__main__":
    main()
