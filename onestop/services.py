"""Backends chosen by configuration and kept on the app: queue, file store."""

from __future__ import annotations

from flask import Flask, current_app

from onestop.infra.queue import JobQueue, init_queue
from onestop.infra.storage import FileStore


def init_services(app: Flask) -> None:
    init_queue(app)
    app.extensions["onestop.storage"] = FileStore(app.config["ONESTOP_STORAGE_PATH"])


def queue() -> JobQueue:
    return current_app.extensions["onestop.queue"]


def storage() -> FileStore:
    return current_app.extensions["onestop.storage"]
