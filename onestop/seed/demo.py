"""Seed the demo province and run each feature's demo step (SEED_STEPS), idempotently."""

from __future__ import annotations

from importlib import import_module

from onestop.extensions import db

from .org import load_province

# Each feature appends "module:function"; the function takes no arguments, flushes, never commits.
SEED_STEPS: list[str] = [
    "onestop.domain.procedures.publish:seed_workflows",
    "onestop.domain.delegation.demo:seed_delegations",
    "onestop.domain.calendar.demo:seed_calendar",
    "onestop.seed.dossiers:seed_dossiers",
]


def seed_demo() -> dict:
    """Load the org tree, then every feature's demo data; commits once at the end."""
    result = load_province()
    for path in SEED_STEPS:
        module, _, name = path.partition(":")
        getattr(import_module(module), name)()
    db.session.commit()
    return result
