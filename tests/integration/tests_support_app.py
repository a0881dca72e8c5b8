"""Build an extra app on its own database (for tests whose threads commit for real)."""

from __future__ import annotations


def make_app(tmp_path_factory, **overrides):
    instance = tmp_path_factory.mktemp("instance-live")
    from onestop import create_app

    settings = {
        "ONESTOP_ENV": "testing",
        "TESTING": True,
        "ONESTOP_INSTANCE_PATH": str(instance),
        "ONESTOP_STORAGE_PATH": str(instance / "files"),
        "REDIS_URL": None,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "ONESTOP_SIGNER": "fake",
        "ONESTOP_EMBEDDED_WORKER": False,
    }
    settings.update(overrides)
    return create_app(settings)
