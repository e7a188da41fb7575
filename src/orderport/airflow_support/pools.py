"""Airflow pool names: one pool per SFTP host, so many partners on one server never open more
sessions than it allows (OpenSSH's MaxStartups/MaxSessions), and one for mailboxes.

Pools are created by the operator (``airflow pools import`` with :func:`pool_file`); a task in a
pool that does not exist waits in the scheduler, so the docs and the nightly check name them.
"""

from __future__ import annotations

import json
import re

from orderport.airflow_support.catalog import Catalog, PartnerEntry

DEFAULT_POOL = "default_pool"
IMAP_POOL = "orderport_imap"
SFTP_POOL_SLOTS = 4
IMAP_POOL_SLOTS = 2
_UNSAFE = re.compile(r"[^a-z0-9]+")


def sftp_pool(host: str, port: int | None = None) -> str:
    """``orderport_sftp_<host>[_<port>]`` with everything but letters and digits folded to ``_``."""
    slug = _UNSAFE.sub("_", host.lower()).strip("_") or "host"
    suffix = f"_{port}" if port and port != 22 else ""
    return f"orderport_sftp_{slug}{suffix}"


def pool_for(partner: PartnerEntry) -> str:
    """The pool a partner's channel tasks run in."""
    if partner.kind == "sftp" and partner.host:
        return sftp_pool(partner.host, partner.port)
    if partner.kind == "imap":
        return IMAP_POOL
    return DEFAULT_POOL


def pool_specs(catalog: Catalog) -> dict[str, tuple[int, str]]:
    """Every pool the catalog's partners need: name -> (slots, description)."""
    specs: dict[str, tuple[int, str]] = {}
    for partner in catalog.partners:
        name = pool_for(partner)
        if name == DEFAULT_POOL:
            continue
        slots = IMAP_POOL_SLOTS if name == IMAP_POOL else SFTP_POOL_SLOTS
        where = f"{partner.host}:{partner.port or 22}" if partner.kind == "sftp" else "mailboxes"
        specs.setdefault(name, (slots, f"Orderport sessions to {where}"))
    return specs


def pool_file(catalog: Catalog) -> str:
    """JSON for ``airflow pools import FILE``."""
    body = {
        name: {"slots": slots, "description": text, "include_deferred": False}
        for name, (slots, text) in sorted(pool_specs(catalog).items())
    }
    return json.dumps(body, indent=2) + "\n"
