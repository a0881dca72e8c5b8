"""Fixtures of the dossier tests (shared with the workflow and integration tests)."""

from dossier_support import citizen, khai_sinh, submitted  # noqa: F401
