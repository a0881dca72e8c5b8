"""`onestop pki`: the development CA and the signing keys of signers and organisations."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from . import pki_path
from .pki import DevPKI, Identity


@click.group("pki")
def pki():
    """Khóa ký số / signing keys: development CA, per-signer and per-organisation keys."""


@pki.command("init")
@with_appcontext
def init():
    """Create the development CA in instance/pki (once)."""
    store = DevPKI(pki_path(current_app))
    created = store.init()
    click.echo(f"{'created' if created else 'already present'}: {store.ca_cert_path}")


@pki.command("issue")
@click.argument("label")
@click.option("--name", "common_name", required=True, help="Full name or organisation name.")
@click.option("--organisation", default=None, help="Organisation printed in the certificate.")
@click.option("--title", default=None, help="Position title (signers).")
@click.option("--replace", is_flag=True, help="Renew an existing key.")
@click.option(
    "--pkcs11",
    "on_token",
    is_flag=True,
    help="Generate the key on the configured PKCS#11 token instead of a .p12 file.",
)
@with_appcontext
def issue(label, common_name, organisation, title, replace, on_token):
    """Issue a key and certificate for LABEL (e.g. org-ubnd-tinh, user-chutich.tinh)."""
    store = DevPKI(pki_path(current_app))
    identity = Identity(label, common_name, organisation, title)
    if on_token:
        from .pkcs11 import PKCS11Backend, provision

        backend = PKCS11Backend(
            current_app.config.get("ONESTOP_PKCS11_MODULE"),
            current_app.config.get("ONESTOP_PKCS11_TOKEN"),
            current_app.config.get("ONESTOP_PKCS11_PIN"),
            store.root,
        )
        with backend.writable_session() as session:
            provision(session, identity, store)
        click.echo(f"generated on token {backend.token_label}: {label}")
        return
    path = store.issue(identity, replace=replace)
    click.echo(f"{label}: {path}")


@pki.command("list")
@with_appcontext
def list_keys():
    """List the key files in instance/pki."""
    store = DevPKI(pki_path(current_app))
    for label in store.labels():
        click.echo(label)


pki.add_command(init, "init-dev")  # the name the issue uses
