"""Shared pieces of the benchmark suite: the app on a bench database, percentiles, the machine."""

from __future__ import annotations

import os
import platform
import statistics
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/onestop_bench11"
REDIS_URL = os.environ.get("ONESTOP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")


@dataclass
class Result:
    """One line of the table: our figure, the baseline measured in the same run, and the goal."""

    name: str
    ours: float
    unit: str
    baseline: float | None = None
    baseline_label: str = ""
    ratio: float | None = None  # ours / baseline, or baseline / ours when lower is better
    goal: str = ""
    met: bool | None = None
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The JSON record of the line."""
        return asdict(self)


def bench_config(url: str, instance: str) -> dict:
    """Production-like settings on the bench database (fake signer, no embedded worker)."""
    return {
        "ONESTOP_ENV": "testing",
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "bench",
        "ONESTOP_INSTANCE_PATH": instance,
        "ONESTOP_STORAGE_PATH": f"{instance}/files",
        "ONESTOP_EMBEDDED_WORKER": False,
        "WTF_CSRF_ENABLED": False,
        "ONESTOP_SIGNER": "fake",
        "REDIS_URL": REDIS_URL,
    }


def make_app(url: str, instance: str = "/tmp/onestop-bench"):
    """The real application on the bench database."""
    from onestop import create_app

    return create_app(bench_config(url, instance))


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the PostgreSQL database (dropped first when `fresh`)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
        )
        if exists and fresh:
            conn.execute(text(f'DROP DATABASE "{target.database}" WITH (FORCE)'))
            exists = False
        if not exists:
            conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def percentile(samples: list[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation."""
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(p) - 1]


def machine() -> dict:
    """What the figures were measured on."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 2**20, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
    }
