"""Publish the partner profile JSON Schema, generated from ``PartnerProfile`` so it cannot drift.

``python -m orderport.partners.schema_export`` (re)writes ``schemas/partner_profile.schema.json``.
Editors use it to check profiles as they are typed (e.g. a ``# yaml-language-server: $schema=``
comment); ``orderport partners check`` applies the same rules through the model.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from orderport.model.schema_export import publish, published
from orderport.partners.profile import PartnerProfile

SCHEMA_ID = "https://orderport.dev/schemas/partner_profile.schema.json"
SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schemas" / "partner_profile.schema.json"

EXAMPLES: list[dict[str, Any]] = [
    {
        "id": "acme",
        "name": "ACME Retail",
        "contacts": [{"name": "ACME EDI team", "email": "edi@acme.example", "role": "EDI"}],
        "tier": "quick_deploy",
        "channel": {"kind": "folder", "path": "drop/acme"},
        "formats": {"accepted": ["csv", "json"], "json_variant": "canonical"},
        "options": {"auto_approve": True},
        "outbound": {"status_formats": ["csv"], "schedule": "0 6 * * *"},
    },
    {
        "id": "globex",
        "name": "Globex GmbH",
        "tier": "assisted",
        "channel": {
            "kind": "sftp",
            "host": "sftp.globex.example",
            "username": "orderport",
            "inbox": "/in",
            "outbox": "/out",
            "processing": "/in/processing",
            "processed": "/in/processed",
            "failed": "/in/failed",
            "known_hosts": "/etc/orderport/known_hosts",
            "connection_id": "sftp_globex",
            "completeness": {"convention": "done_marker", "suffix": ".done"},
        },
        "formats": {
            "accepted": ["csv"],
            "pinned": "csv",
            "csv": {
                "fallback_encoding": "cp1252",
                "delimiter": ";",
                "decimal_comma": True,
                "date_formats": ["%d.%m.%Y"],
            },
        },
        "mapping": {
            "column_aliases": {"Bestellnummer": "po_number", "Menge": "quantity"},
            "value_maps": {"uom": {"Stück": "EA", "PCS": "EA"}},
            "sku_xref": {"G-0042": "SKU-42"},
            "defaults": {"currency": "EUR"},
        },
    },
]


DESCRIPTION = (
    "One Orderport trading partner: how files arrive (channel), which formats they use, the "
    "onboarding tier (quick_deploy: our templates; assisted: a declarative mapping; adaptive: a "
    "Python transform plug-in), processing options and what we send back. Never holds secrets. "
    "One YAML file per partner, named <id>.yaml."
)


def partner_profile_schema() -> dict[str, Any]:
    """The published Draft 2020-12 schema of a partner profile."""
    body = PartnerProfile.model_json_schema()
    return published(body, SCHEMA_ID, description=DESCRIPTION, examples=EXAMPLES)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = publish(partner_profile_schema(), Path(args[0]) if args else SCHEMA_PATH)
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
