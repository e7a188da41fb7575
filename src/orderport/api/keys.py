"""Per-partner API keys, stored hashed.

A key reads ``op_<key_id>_<secret>``: ``key_id`` finds the row, and only the SHA-256 of the
secret is stored. The secret is 32 random bytes, so a plain hash is enough (stretching protects
guessable passwords, not random tokens); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, select, update

from orderport.store.tables import api_keys

PREFIX = "op_"


class Role(StrEnum):
    PARTNER = "partner"
    """Sends and reads its own partner's POs, statuses and bookings."""
    ANALYST = "analyst"
    """Uploads spreadsheets for one partner and reads their findings."""
    OPERATOR = "operator"
    """Reads the ledger and the action list of every partner; posts nothing."""


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: Role
    partner_id: str | None
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    conn: Connection, role: Role, partner_id: str | None, label: str | None = None
) -> str:
    """Store a new key and return it in full: the only time the secret is visible."""
    if role is not Role.OPERATOR and not partner_id:
        raise ValueError(f"a {role.value} key belongs to one partner: give --partner")
    if role is Role.OPERATOR and partner_id:
        raise ValueError("an operator key sees every partner: give no --partner")
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        api_keys.insert().values(
            key_id=key_id,
            secret_hash=_hash(secret),
            role=role.value,
            partner_id=partner_id,
            label=label,
            created_at=datetime.now(UTC),
        )
    )
    return f"{PREFIX}{key_id}_{secret}"


def revoke_key(conn: Connection, key_id: str) -> bool:
    """Revoke a key by its id (the part after ``op_``); False when there is no live such key."""
    done = conn.execute(
        update(api_keys)
        .where(api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    return done.rowcount == 1


def list_keys(conn: Connection) -> list[ApiKey]:
    return [_key(row) for row in conn.execute(select(api_keys).order_by(api_keys.c.id))]


def _key(row: object) -> ApiKey:
    m = row._mapping  # type: ignore[attr-defined]
    return ApiKey(
        key_id=m["key_id"],
        role=Role(m["role"]),
        partner_id=m["partner_id"],
        label=m["label"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
    )


def authenticate(conn: Connection, presented: str) -> ApiKey | None:
    """The live key matching ``presented``, or None (unknown, malformed, revoked, wrong secret)."""
    if not presented.startswith(PREFIX) or len(presented) > 200:
        return None
    key_id, sep, secret = presented[len(PREFIX) :].partition("_")
    if not sep or not key_id or not secret:
        return None
    row = conn.execute(select(api_keys).where(api_keys.c.key_id == key_id)).first()
    if row is None or row.revoked_at is not None:
        return None
    if not hmac.compare_digest(row.secret_hash, _hash(secret)):
        return None
    return _key(row)
