"""Channel secrets from Airflow Connections, for profiles that name a ``connection_id``.

The Connection uses the SSH/SFTP provider's fields, so the same Connection also works with the
provider's ``SFTPHook`` for ad-hoc operator use: ``login``, ``password``, and in ``extra``
``key_file`` (a path) or ``private_key`` (the key text) with ``private_key_passphrase``.
Host keys are always verified against the profile's ``known_hosts``; the provider's
``no_host_key_check`` extra cannot switch that off, and saying ``true`` there is refused so a
misconfigured Connection is noticed rather than silently ignored.
An IMAP Connection gives ``login`` and ``password``; ``extra`` may carry ``{"ssl": "false"}``
for a plain-text test server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from orderport.channels import ChannelRefused
from orderport.channels.base import CredentialsMissing
from orderport.pipeline.channel_factory import ChannelSecret

_TRUE = ("1", "true", "yes", "on")


def _airflow_connection(connection_id: str) -> Any:  # noqa: ANN401 - Airflow's Connection
    from airflow.sdk import Connection

    return Connection.get(connection_id)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def secret_from_connection(
    connection_id: str,
    login: str | None,
    password: str | None,
    extra: Mapping[str, object],
) -> ChannelSecret:
    """Map one Connection's fields to a :class:`ChannelSecret`."""
    if str(extra.get("no_host_key_check", "")).lower() in _TRUE:
        raise ChannelRefused(
            f"Airflow connection {connection_id!r} sets no_host_key_check; Orderport always "
            "verifies host keys (known_hosts in the partner profile): remove that extra"
        )
    key_file = _text(extra.get("key_file"))
    return ChannelSecret(
        login=login or None,
        password=password or None,
        key_file=Path(key_file) if key_file else None,
        key_text=_text(extra.get("private_key")),
        key_passphrase=_text(extra.get("private_key_passphrase")),
        extra={str(k): str(v) for k, v in extra.items() if isinstance(v, str | int | bool)},
    )


class ConnectionMissing(CredentialsMissing):
    """The partner's Airflow connection cannot be found: not set up yet. The DAGs report the
    partner and skip it (the other partners run); the CLI says which connection to add."""


class AirflowConnectionResolver:
    """The ``CredentialResolver`` the DAGs hand to the pipeline."""

    def __init__(self, lookup: Callable[[str], Any] | None = None) -> None:
        self._lookup = lookup or _airflow_connection

    def resolve(self, connection_id: str) -> ChannelSecret:
        try:
            conn = self._lookup(connection_id)
        except Exception as exc:  # Airflow raises its own not-found types per version
            raise ConnectionMissing(
                f"Airflow connection {connection_id!r} cannot be read: {exc}"
            ) from exc
        extra = conn.extra_dejson if isinstance(conn.extra_dejson, Mapping) else {}
        return secret_from_connection(connection_id, conn.login, conn.password, extra)
