"""Partner profiles for the intake tests against the real sshd and Dovecot.

Each profile starts from a sample profile (so its formats and mappings are the real ones) and
gets a channel section pointing at the test server; secrets come from environment variables the
test sets (``credentials_env``), as they would in production.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import paramiko
import yaml
from intake_helpers import SAMPLES
from sqlalchemy import Engine, func, select
from sqlalchemy.sql.schema import Table

from orderport.partners import PartnerProfile, load_profiles
from orderport.pipeline.intake import IntakeContext

SFTP_ENV = "TEST_SFTP"
IMAP_ENV = "TEST_IMAP"


def sample_profile(pid: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SAMPLES / "partners" / f"{pid}.yaml").read_text())
    data.get("outbound", {}).pop("destination", None)
    return data


def sftp_section(server: Any, sub: str, completeness: dict[str, Any]) -> dict[str, Any]:
    """An SFTP channel under ``<sftp root>/<sub>/`` (inbox, outbox; the rest the channel makes)."""
    for folder in ("inbox", "outbox"):
        (server.root / sub / folder).mkdir(parents=True, exist_ok=True)
    return {
        "kind": "sftp",
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "inbox": f"{sub}/inbox",
        "outbox": f"{sub}/outbox",
        "processing": f"{sub}/processing",
        "processed": f"{sub}/processed",
        "failed": f"{sub}/failed",
        "known_hosts": str(server.known_hosts),
        "credentials_env": SFTP_ENV,
        "completeness": completeness,
    }


def imap_section(server: Any, allowed: list[str]) -> dict[str, Any]:
    return {
        "kind": "imap",
        "host": server.host,
        "port": server.port,
        "username": server.username,
        "credentials_env": IMAP_ENV,
        "allowed_senders": allowed,
        "require_dmarc_pass": False,
    }


def write_profiles(folder: Path, *profiles: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for data in profiles:
        (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def context(home: Path, partners: Path, **kwargs: Any) -> IntakeContext:
    profiles: dict[str, PartnerProfile] = dict(load_profiles(partners))
    return IntakeContext(home=home, profiles=profiles, **kwargs)


def partner_client(server: Any) -> paramiko.SFTPClient:
    """A partner's own SFTP session (paramiko), for uploads written in chunks."""
    client = paramiko.SSHClient()
    client.load_host_keys(str(server.known_hosts))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(
        server.host,
        port=server.port,
        username=server.username,
        key_filename=str(server.key_path),
        allow_agent=False,
        look_for_keys=False,
        timeout=10,
    )
    sftp = client.open_sftp()
    sftp.client_holder = client  # keep the transport alive with the session
    return sftp


def remote_files(folder: Path) -> list[str]:
    return sorted(os.listdir(folder)) if folder.exists() else []


def count(engine: Engine, table: Table, *where: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
