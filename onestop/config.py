"""Configuration: defaults, ONESTOP_* environment overrides, embedded vs production.

Every setting is declared once in SETTINGS with its parser and help text; docs/configuration.md and
.env.example are written from that table. A bad value stops start-up with a message naming it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message names it and says what to do."""


def _bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("expected true/false")


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise ValueError("expected a positive whole number")
    return value


def _hhmm(raw: str) -> str:
    hours, _, minutes = raw.partition(":")
    if not (
        hours.isdigit() and minutes.isdigit() and 0 <= int(hours) < 24 and 0 <= int(minutes) < 60
    ):
        raise ValueError("expected HH:MM, e.g. 15:00")
    return f"{int(hours):02d}:{int(minutes):02d}"


def _working_hours(raw: str) -> str:
    for span in raw.split(","):
        start, _, end = span.strip().partition("-")
        if _hhmm(start) >= _hhmm(end):
            raise ValueError("each span must be HH:MM-HH:MM with the start before the end")
    return raw


def _choice(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in allowed:
            raise ValueError(f"expected one of {', '.join(allowed)}")
        return raw

    return parse


@dataclass(frozen=True)
class Setting:
    env: str
    key: str
    default: Any
    parse: Callable[[str], Any]
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "SQLALCHEMY_DATABASE_URI",
        None,
        str,
        "PostgreSQL URL (postgresql+psycopg://...). Unset: SQLite in instance/onestop.db.",
    ),
    Setting(
        "REDIS_URL",
        "REDIS_URL",
        None,
        str,
        "Redis URL for the job queue. Unset: an in-process stand-in worked by a thread.",
    ),
    Setting(
        "SECRET_KEY",
        "SECRET_KEY",
        None,
        str,
        "Signs sessions and CSRF tokens. Required in production; generated in instance/ otherwise.",
    ),
    Setting(
        "ONESTOP_ENV",
        "ONESTOP_ENV",
        "embedded",
        _choice("embedded", "production", "testing"),
        "embedded (one process, zero set-up), production or testing.",
    ),
    Setting(
        "ONESTOP_INSTANCE_PATH",
        "ONESTOP_INSTANCE_PATH",
        None,
        str,
        "Folder for the SQLite file, stored files, generated keys. Default: ./instance.",
    ),
    Setting(
        "ONESTOP_STORAGE_PATH",
        "ONESTOP_STORAGE_PATH",
        None,
        str,
        "Folder of the content-addressed file store. Default: instance/files.",
    ),
    Setting(
        "ONESTOP_TIMEZONE",
        "ONESTOP_TIMEZONE",
        "Asia/Ho_Chi_Minh",
        str,
        "Time zone in which deadlines are counted and times shown.",
    ),
    Setting(
        "ONESTOP_WORKING_HOURS",
        "ONESTOP_WORKING_HOURS",
        "08:00-12:00,13:00-17:00",
        _working_hours,
        "Office hours of a working day, comma-separated spans.",
    ),
    Setting(
        "ONESTOP_DEFAULT_CUTOFF",
        "ONESTOP_DEFAULT_CUTOFF",
        "15:00",
        _hhmm,
        "Cut-off used by procedures that count late receipts from the next working day.",
    ),
    Setting(
        "ONESTOP_APOLOGY_LEAD_DAYS",
        "ONESTOP_APOLOGY_LEAD_DAYS",
        1,
        _positive_int,
        "Working days before the due date by which an apology letter (form 04) is due.",
    ),
    Setting(
        "ONESTOP_DUE_SOON_HOURS",
        "ONESTOP_DUE_SOON_HOURS",
        8,
        _positive_int,
        "Working hours before a due time at which a task or dossier is marked due soon.",
    ),
    Setting(
        "ONESTOP_MAX_UPLOAD_MB",
        "ONESTOP_MAX_UPLOAD_MB",
        20,
        _positive_int,
        "Largest accepted upload, in megabytes.",
    ),
    Setting(
        "ONESTOP_LOGIN_ATTEMPTS",
        "ONESTOP_LOGIN_ATTEMPTS",
        5,
        _positive_int,
        "Failed logins allowed per account and address in the window below.",
    ),
    Setting(
        "ONESTOP_LOGIN_WINDOW_SECONDS",
        "ONESTOP_LOGIN_WINDOW_SECONDS",
        300,
        _positive_int,
        "Length of the login rate-limit window.",
    ),
    Setting(
        "ONESTOP_MAIL_BACKEND",
        "ONESTOP_MAIL_BACKEND",
        "outbox",
        _choice("outbox", "smtp"),
        "outbox keeps messages in the database only; smtp also sends them.",
    ),
    Setting("ONESTOP_SMTP_HOST", "ONESTOP_SMTP_HOST", "127.0.0.1", str, "SMTP server host."),
    Setting("ONESTOP_SMTP_PORT", "ONESTOP_SMTP_PORT", 25, _positive_int, "SMTP server port."),
    Setting(
        "ONESTOP_MAIL_FROM",
        "ONESTOP_MAIL_FROM",
        "motcua@onestop.local",
        str,
        "Sender address of notifications.",
    ),
    Setting(
        "ONESTOP_SIGNER",
        "ONESTOP_SIGNER",
        "pkcs12",
        _choice("pkcs12", "pkcs11", "fake"),
        "Signing backend: pkcs12 files, a pkcs11 token, or fake (tests only).",
    ),
    Setting(
        "ONESTOP_PKCS11_MODULE",
        "ONESTOP_PKCS11_MODULE",
        None,
        str,
        "Path of the PKCS#11 module when ONESTOP_SIGNER=pkcs11.",
    ),
    Setting(
        "ONESTOP_TSA_URL",
        "ONESTOP_TSA_URL",
        None,
        str,
        "RFC 3161 time-stamp authority for signatures; unset means no time stamp.",
    ),
    Setting(
        "ONESTOP_PUBLIC_URL",
        "ONESTOP_PUBLIC_URL",
        "http://127.0.0.1:5000",
        str,
        "Public base URL printed in QR codes and e-mails.",
    ),
    Setting(
        "ONESTOP_EMBEDDED_WORKER",
        "ONESTOP_EMBEDDED_WORKER",
        True,
        _bool,
        "Work jobs in a thread inside the app when REDIS_URL is unset.",
    ),
    Setting(
        "ONESTOP_PKCS11_TOKEN",
        "ONESTOP_PKCS11_TOKEN",
        None,
        str,
        "Label of the PKCS#11 token holding the signing keys.",
    ),
    Setting(
        "ONESTOP_PKCS11_PIN",
        "ONESTOP_PKCS11_PIN",
        None,
        str,
        "User PIN of the PKCS#11 token (keep it in the environment, never in files).",
    ),
    Setting(
        "ONESTOP_DOCUMENT_STUCK_MINUTES",
        "ONESTOP_DOCUMENT_STUCK_MINUTES",
        10,
        _positive_int,
        "Minutes after which a document still rendering (or pending) is re-queued.",
    ),
    Setting(
        "ONESTOP_LOOKUP_PER_MINUTE",
        "ONESTOP_LOOKUP_PER_MINUTE",
        10,
        _positive_int,
        "Public dossier lookups (/tra-cuu) allowed per address per minute.",
    ),
    Setting(
        "ONESTOP_SMS_BACKEND",
        "ONESTOP_SMS_BACKEND",
        "log",
        _choice("log", "outbox"),
        "SMS sender: log writes each message to the log; outbox keeps it in the database only.",
    ),
)


def load(environ: dict[str, str] | None = None, overrides: dict[str, Any] | None = None) -> dict:
    """Build the configuration mapping from defaults and the environment; raise ConfigError."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None or raw == "":
            values[setting.key] = setting.default
            continue
        try:
            values[setting.key] = setting.parse(raw)
        except ValueError as exc:
            raise ConfigError(
                f"{setting.env}={raw!r} is not valid: {exc}. {setting.help}"
            ) from None
    values.update(overrides or {})
    return _complete(values)


def _complete(values: dict[str, Any]) -> dict:
    instance = Path(values["ONESTOP_INSTANCE_PATH"] or Path.cwd() / "instance").resolve()
    values["ONESTOP_INSTANCE_PATH"] = str(instance)
    values["ONESTOP_STORAGE_PATH"] = values["ONESTOP_STORAGE_PATH"] or str(instance / "files")
    production = values["ONESTOP_ENV"] == "production"
    if production:
        missing = [
            name
            for name, key in (
                ("DATABASE_URL", "SQLALCHEMY_DATABASE_URI"),
                ("REDIS_URL", "REDIS_URL"),
                ("SECRET_KEY", "SECRET_KEY"),
            )
            if not values.get(key)
        ]
        if missing:
            raise ConfigError(
                f"production needs {', '.join(missing)}; set them in the environment "
                "(see docs/configuration.md)"
            )
    uri = values["SQLALCHEMY_DATABASE_URI"]
    if not uri:
        values["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'onestop.db'}"
    elif uri.startswith("postgresql://") or uri.startswith("postgres://"):
        values["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://" + uri.split("://", 1)[1]
    elif not uri.startswith(("postgresql+psycopg://", "sqlite:")):
        raise ConfigError(
            f"DATABASE_URL={uri!r} is not valid: use postgresql://... or sqlite:///..."
        )
    if not values.get("SECRET_KEY"):
        values["SECRET_KEY"] = _embedded_secret(instance)
    values.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    values["MAX_CONTENT_LENGTH"] = values["ONESTOP_MAX_UPLOAD_MB"] * 1024 * 1024 + 64 * 1024
    values["SESSION_COOKIE_HTTPONLY"] = True
    values["SESSION_COOKIE_SAMESITE"] = "Lax"
    values["SESSION_COOKIE_SECURE"] = production
    values["REMEMBER_COOKIE_SECURE"] = production
    values["WTF_CSRF_TIME_LIMIT"] = None
    values["BABEL_DEFAULT_LOCALE"] = "vi"
    values["BABEL_DEFAULT_TIMEZONE"] = values["ONESTOP_TIMEZONE"]
    values["JSON_SORT_KEYS"] = False
    return values


def _embedded_secret(instance: Path) -> str:
    """Read or create the embedded-mode secret key kept in instance/."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
