"""Process-wide settings read from the environment, in one place.

Kept light (standard library only): Airflow imports it while parsing DAG files, and the CLI
before it touches the store. Partner-specific settings live in the partner profiles instead.

======================================  ==========================================================
``ORDERPORT_HOME``                      data folder (archive, SQLite store, reports); default
                                        ``./orderport-data``
``ORDERPORT_PARTNERS``                  the partner profiles folder; else ``./partners``, else
                                        the sample profiles
``ORDERPORT_EDI_ID`` / ``_QUALIFIER``   our interchange id on outbound envelopes (ORDERPORT / ZZ)
``ORDERPORT_AUTHSERV_IDS``              authserv-ids of our own receiving mail server (comma or
                                        space separated); needed by ``require_dmarc_pass``
``ORDERPORT_SMTP_HOST`` (+ ``_PORT``,   the SMTP server for e-mail replies; no host, no replies
``_SENDER``, ``_STARTTLS``, ``_SSL``,
``_USERNAME``, ``_PASSWORD``)
``ORDERPORT_READ_AHEAD``                the file size in bytes from which a CSV/XLSX/JSON file is
                                        read by a second process; unset or ``0``: never
======================================  ==========================================================
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orderport.resources import package_path

HOME_ENV = "ORDERPORT_HOME"
DEFAULT_HOME = "orderport-data"
EDI_ID_ENV = "ORDERPORT_EDI_ID"
EDI_QUALIFIER_ENV = "ORDERPORT_EDI_QUALIFIER"
AUTHSERV_ENV = "ORDERPORT_AUTHSERV_IDS"
SMTP_PREFIX = "ORDERPORT_SMTP_"
PARTNERS_ENV = "ORDERPORT_PARTNERS"
SAMPLE_PROFILES = package_path("sample_files/partners")
PROFILE_SUFFIXES = (".yaml", ".yml")
READ_AHEAD_ENV = "ORDERPORT_READ_AHEAD"


def home_dir() -> Path:
    """``ORDERPORT_HOME`` (an empty value counts as unset), else ``./orderport-data``; absolute."""
    return Path(os.environ.get(HOME_ENV) or DEFAULT_HOME).resolve()


def profiles_dir() -> Path:
    """``$ORDERPORT_PARTNERS``, else ``./partners`` if it exists, else the sample profiles."""
    configured = os.environ.get(PARTNERS_ENV)
    if configured:
        return Path(configured)
    local = Path.cwd() / "partners"
    return local if local.is_dir() else SAMPLE_PROFILES


def profile_files(directory: Path) -> list[Path]:
    """The profile files of ``directory`` (``*.yaml`` and ``*.yml``), sorted by name."""
    return sorted(p for p in directory.iterdir() if p.suffix in PROFILE_SUFFIXES and p.is_file())


def whole_number(raw: str, what: str) -> int:
    """``raw`` as a whole number of at least 1; ``ValueError`` naming ``what`` otherwise."""
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise ValueError(f"{what}={raw!r}: expected a whole number of at least 1")
    return int(text)


def env_int(name: str, default: int) -> int:
    """The environment variable ``name`` as a whole number >= 1; ``default`` when unset/blank."""
    raw = os.environ.get(name, "")
    return whole_number(raw, name) if raw.strip() else default


def read_ahead_min_bytes() -> int | None:
    """The size from which a big file is read by a second process; None (unset, ``0``): never.

    Off by default: on a 2-core machine that also runs the database, reading ahead cost more CPU
    (pickling the documents across) than the overlap saved (bench/README.md, read-ahead)."""
    raw = os.environ.get(READ_AHEAD_ENV, "").strip()
    if not raw or raw == "0":
        return None
    return whole_number(raw, READ_AHEAD_ENV)


@dataclass(frozen=True)
class EdiIdentity:
    interchange_id: str
    qualifier: str


def edi_identity() -> EdiIdentity:
    """Us on outbound envelopes: ``ORDERPORT_EDI_ID`` / ``ORDERPORT_EDI_QUALIFIER``."""
    return EdiIdentity(
        interchange_id=os.environ.get(EDI_ID_ENV, "ORDERPORT"),
        qualifier=os.environ.get(EDI_QUALIFIER_ENV, "ZZ"),
    )


def authserv_ids() -> tuple[str, ...]:
    """``ORDERPORT_AUTHSERV_IDS``: only our own MTA's Authentication-Results are trusted."""
    return tuple(a for a in os.environ.get(AUTHSERV_ENV, "").replace(",", " ").split() if a)


@dataclass(frozen=True)
class SmtpEnv:
    host: str
    port: int
    sender: str
    starttls: bool
    ssl: bool
    username: str | None
    password: str | None


def smtp_env(environ: Mapping[str, str] | None = None) -> SmtpEnv | None:
    """``ORDERPORT_SMTP_*``; None when no host is set (no e-mail replies)."""
    env = os.environ if environ is None else environ
    host = env.get(SMTP_PREFIX + "HOST")
    if not host:
        return None

    def flag(name: str, default: bool) -> bool:
        value = env.get(SMTP_PREFIX + name)
        return default if value is None else value.lower() in ("1", "true", "yes")

    port = env.get(SMTP_PREFIX + "PORT", "587")
    return SmtpEnv(
        host=host,
        port=whole_number(port, SMTP_PREFIX + "PORT"),
        sender=env.get(SMTP_PREFIX + "SENDER", "orderport@localhost"),
        starttls=flag("STARTTLS", True),
        ssl=flag("SSL", False),
        username=env.get(SMTP_PREFIX + "USERNAME") or None,
        password=env.get(SMTP_PREFIX + "PASSWORD"),
    )
