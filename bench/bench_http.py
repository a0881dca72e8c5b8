"""HTTP submission throughput: POST /api/v1/dossiers on gunicorn against a bare one-row insert.

Both apps run under gunicorn (same workers) on the same PostgreSQL (and Redis for onestop), loaded
from 127.0.0.1 by a pool of client threads for a fixed time, one after the other in this run.
The body is the same JSON for both (a birth registration with its two attachments, base64).
Also measured: latency p50/p95, errors, and the resident memory of each onestop worker.
Run alone: `python bench/bench_http.py [--seconds 15] [--workers 2] [--clients 4]`.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import ceiling as ceiling_app
from common import DEFAULT_URL, REDIS_URL, ROOT, Result, make_app, percentile

GOAL = 0.5
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwABAQEABRjYTgAAAABJRU5ErkJggg=="
)
FORM = {
    "child_name": "Nguyễn An Khang",
    "child_birth_date": "2026-11-20",
    "child_sex": "Nam",
    "birth_place": "Trạm y tế xã An Bình",
    "mother_name": "Nguyễn Thị Bình",
    "requester_relation": "Mẹ",
}


def prepare(url: str, citizens: int) -> dict:
    """Bench citizens with API tokens, and the body template of a birth registration."""
    from sqlalchemy import select

    from onestop.domain.org.models import Agency, User
    from onestop.domain.org.tokens import create_token
    from onestop.domain.procedures.models import Procedure
    from onestop.extensions import db
    from onestop.seed.demo import seed_demo

    app = make_app(url)
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Agency.id).limit(1)) is None:
            seed_demo()
        agency_id = db.session.scalar(select(Agency.id).where(Agency.key == "XA-AN-BINH"))
        version = db.session.scalar(
            select(Procedure).where(Procedure.code == "1.001193")
        ).current_version
        secrets = []
        run = int(time.time())
        for i in range(citizens):
            user = User(
                username=f"bench.http.{run}.{i}",
                kind="citizen",
                full_name="Trần Văn Đo",
                id_number=f"9{run % 10**7:07d}{i:04d}",
                phone="0912345678",
            )
            db.session.add(user)
            db.session.flush()
            secrets.append(create_token(None, user, "benchmark")[1])
        db.session.commit()
        parts = []
        for part in version.definition["parts"]:
            if part.get("required"):
                pdf = "application/pdf" in (part.get("accept") or ["application/pdf"])
                data, name = (PDF, "giay.pdf") if pdf else (PNG, "anh.png")
                parts.append(
                    {
                        "code": part["code"],
                        "filename": name,
                        "content_base64": base64.b64encode(data).decode(),
                    }
                )
    return {
        "tokens": secrets,
        "body": {
            "procedure_code": "1.001193",
            "form_data": FORM,
            "parts": parts,
            "agency_id": agency_id,
            "return_method": "electronic",
            "phone": "0912345678",
        },
    }


COUNTER = itertools.count()  # one sequence of idempotency keys for every load of the run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """A gunicorn master serving `target` on a free port, stopped on exit."""

    def __init__(self, target: str, env: dict, workers: int):
        self.port = free_port()
        # Kept open while the server runs; closed in __exit__.
        self.log = open("/tmp/onestop-bench-gunicorn.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                "gunicorn",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
                target,
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )

    def __enter__(self):
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                time.sleep(1.0)  # workers finish importing
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start; see /tmp/onestop-bench-gunicorn.log")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()

    def worker_memory_mb(self) -> list[float]:
        """Resident memory (PSS when available) of each worker process."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        sizes = []
        for pid in children.read_text().split():
            rollup = Path(f"/proc/{pid}/smaps_rollup")
            source = rollup if rollup.exists() else Path(f"/proc/{pid}/status")
            text = source.read_text()
            key = "Pss:" if "Pss:" in text else "VmRSS:"
            line = next(x for x in text.splitlines() if x.startswith(key))
            sizes.append(int(line.split()[1]) / 1024)
        return sizes


def load(port: int, path: str, bodies, headers_for, seconds: float, clients: int) -> dict:
    """POST from `clients` threads for `seconds`; returns throughput, latencies and statuses."""
    deadline = time.perf_counter() + seconds
    lock, latencies, statuses = threading.Lock(), [], {}

    def client(slot: int):
        mine, codes = [], {}
        while time.perf_counter() < deadline:
            n = next(COUNTER)
            body = json.dumps(bodies(n)).encode()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            started = time.perf_counter()
            conn.request(
                "POST", path, body, {"Content-Type": "application/json", **headers_for(slot)}
            )
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes[response.status] = codes.get(response.status, 0) + 1
            conn.close()
        with lock:
            latencies.extend(mine)
            for code, count in codes.items():
                statuses[code] = statuses.get(code, 0) + count

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    elapsed = time.perf_counter() - started
    ok = sum(c for s, c in statuses.items() if 200 <= s < 300)
    return {
        "per_second": ok / elapsed,
        "requests": sum(statuses.values()),
        "ok": ok,
        "statuses": {str(k): v for k, v in statuses.items()},
        "p50_ms": percentile(latencies, 50) * 1000,
        "p95_ms": percentile(latencies, 95) * 1000,
    }


def run(
    url: str = DEFAULT_URL, seconds: float = 15, workers: int = 2, clients: int = 4
) -> list[Result]:
    """Both servers, one after the other; the submission result and the memory per worker."""
    prepared = prepare(url, clients)
    ceiling_app.prepare(url)
    body, tokens = prepared["body"], prepared["tokens"]
    stamp = int(time.time())

    def bodies(n):
        return {**body, "idempotency_key": f"bench-{stamp}-{n}"}

    env = {
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-secret",
        "ONESTOP_ENV": "production",
        "ONESTOP_SIGNER": "fake",
        "ONESTOP_INSTANCE_PATH": "/tmp/onestop-bench",
        "ONESTOP_STORAGE_PATH": "/tmp/onestop-bench/files",
        "BENCH_DATABASE_URL": url,
    }
    with Gunicorn("wsgi:app", env, workers) as server:
        load(
            server.port,
            "/api/v1/dossiers",
            bodies,
            lambda s: {"Authorization": f"Bearer {tokens[s]}"},
            2,
            clients,
        )  # warm-up
        ours = load(
            server.port,
            "/api/v1/dossiers",
            bodies,
            lambda s: {"Authorization": f"Bearer {tokens[s]}"},
            seconds,
            clients,
        )
        memory = server.worker_memory_mb()
    with Gunicorn("bench.ceiling:create_app()", env, workers) as server:
        load(server.port, "/rows", bodies, lambda s: {}, 2, clients)
        ceiling = load(server.port, "/rows", bodies, lambda s: {}, seconds, clients)
    ratio = ours["per_second"] / ceiling["per_second"]
    return [
        Result(
            "HTTP submission (POST /api/v1/dossiers)",
            round(ours["per_second"], 1),
            "req/s",
            round(ceiling["per_second"], 1),
            "bare Flask one-row insert",
            round(ratio, 2),
            f">= {GOAL} of the ceiling",
            ratio >= GOAL,
            {
                "ours": ours,
                "ceiling": ceiling,
                "workers": workers,
                "clients": clients,
                "seconds": seconds,
            },
        ),
        Result(
            "memory per gunicorn worker (after the load)",
            round(max(memory), 1),
            "MB PSS",
            details={"workers_mb": [round(m, 1) for m in memory]},
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    for result in run(args.database_url, args.seconds, args.workers, args.clients):
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
