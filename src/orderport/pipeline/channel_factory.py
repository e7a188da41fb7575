"""A partner profile's channel section -> a live ``Channel``, with its secrets resolved.

Profiles never hold secrets. They name either ``credentials_env`` (an environment prefix:
``<PREFIX>_KEY_FILE`` / ``<PREFIX>_KEY`` / ``<PREFIX>_KEY_PASSPHRASE`` for SFTP,
``<PREFIX>_PASSWORD`` / ``<PREFIX>_USERNAME`` for IMAP) or ``connection_id``, which a
``CredentialResolver`` turns into secrets: the Airflow DAGs plug in one reading Connections; the
CLI's default reads ``ORDERPORT_CONN_<ID>_...`` variables with the same suffixes.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from orderport.channels import (
    Channel,
    ChannelRefused,
    Completeness,
    CompletenessSettings,
    FolderChannel,
    FolderSettings,
    ImapChannel,
    ImapSettings,
    SeenStore,
    SftpChannel,
    SftpKey,
    SftpSettings,
    SmtpSender,
    SmtpSettings,
)
from orderport.channels.base import CredentialsMissing
from orderport.partners import PartnerProfile
from orderport.partners import profile as p
from orderport.settings import AUTHSERV_ENV, authserv_ids, smtp_env


@dataclass(frozen=True, repr=False)
class ChannelSecret:
    """What a resolver returns for one connection; any field may be absent."""

    login: str | None = None
    password: str | None = None
    key_file: Path | None = None
    key_text: str | None = None
    key_passphrase: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"ChannelSecret(login={self.login!r}, key_file={self.key_file!r}, <secrets hidden>)"


class CredentialResolver(Protocol):
    """Turns a profile's ``connection_id`` into secrets (Airflow Connections in the DAGs)."""

    def resolve(self, connection_id: str) -> ChannelSecret: ...


def secret_from_env(prefix: str, environ: dict[str, str] | None = None) -> ChannelSecret:
    """``<PREFIX>_USERNAME``, ``_PASSWORD``, ``_KEY_FILE``, ``_KEY``, ``_KEY_PASSPHRASE``; and
    ``_SSL`` (``false`` for a plain-text IMAP server on loopback), the connection's extra."""
    env = dict(os.environ) if environ is None else environ
    key_file = env.get(f"{prefix}_KEY_FILE")
    ssl = env.get(f"{prefix}_SSL")
    return ChannelSecret(
        login=env.get(f"{prefix}_USERNAME"),
        password=env.get(f"{prefix}_PASSWORD"),
        key_file=Path(key_file) if key_file else None,
        key_text=env.get(f"{prefix}_KEY"),
        key_passphrase=env.get(f"{prefix}_KEY_PASSPHRASE"),
        extra={"ssl": ssl} if ssl is not None else {},
    )


class EnvCredentialResolver:
    """``connection_id`` ``sftp_initech`` -> ``ORDERPORT_CONN_SFTP_INITECH_*`` variables."""

    def resolve(self, connection_id: str) -> ChannelSecret:
        prefix = "ORDERPORT_CONN_" + re.sub(r"[^A-Za-z0-9]", "_", connection_id).upper()
        return secret_from_env(prefix)


_SECRET_KEYS = ("PASSWORD", "KEY_FILE", "KEY")


def _secret(
    section: p.SftpChannel | p.ImapChannel, resolver: CredentialResolver | None
) -> ChannelSecret:
    if section.credentials_env:
        prefix = section.credentials_env
        if not any(os.environ.get(f"{prefix}_{k}") for k in _SECRET_KEYS):
            raise CredentialsMissing(
                f"{section.kind} {section.host}: no credentials: set {prefix}_PASSWORD, "
                f"{prefix}_KEY_FILE or {prefix}_KEY"
            )
        return secret_from_env(prefix)
    assert section.connection_id is not None  # the profile model requires one of the two
    return (resolver or EnvCredentialResolver()).resolve(section.connection_id)


def completeness_settings(
    section: p.DoneMarker | p.TempRename | p.Stable, *, wait_in_pass: bool = True
) -> CompletenessSettings:
    """The profile's convention as channel settings.

    ``stable`` waits inside the pass by default: an intake pass is a fresh process (CLI,
    Airflow task), so there is no earlier listing to compare with.
    """
    if isinstance(section, p.DoneMarker):
        return CompletenessSettings(Completeness.DONE_MARKER, marker_suffix=section.suffix)
    if isinstance(section, p.TempRename):
        return CompletenessSettings(
            Completeness.TEMP_RENAME,
            temp_prefixes=(section.prefix,) if section.prefix else (),
            temp_suffixes=(section.suffix,) if section.suffix else (),
        )
    return CompletenessSettings(
        Completeness.STABLE,
        stable_seconds=float(section.interval_seconds),
        stable_wait_in_pass=wait_in_pass,
    )


def _under(home: Path, path: str) -> Path:
    candidate = Path(path)
    return candidate if candidate.is_absolute() else home / candidate


def smtp_from_env(environ: dict[str, str] | None = None) -> SmtpSender | None:
    """The SMTP sender for e-mail replies: ``ORDERPORT_SMTP_HOST`` (+ ``_PORT``, ``_SENDER``,
    ``_STARTTLS``, ``_SSL``, ``_USERNAME``, ``_PASSWORD``); None when no host is set."""
    env = smtp_env(environ)
    if env is None:
        return None
    settings = SmtpSettings(
        host=env.host,
        port=env.port,
        sender=env.sender,
        starttls=env.starttls,
        ssl=env.ssl,
        username=env.username,
    )
    return SmtpSender(settings, env.password)


@dataclass(frozen=True)
class ChannelOptions:
    """Knobs the profile does not carry (tests, demo, recovery)."""

    stale_claim_seconds: float | None = None
    completeness: CompletenessSettings | None = None
    """Overrides the profile's convention (the demo's drops are atomic copies)."""
    io_timeout: float | None = None
    seen: SeenStore | None = None
    smtp: SmtpSender | None = None


def open_channel(
    profile: PartnerProfile,
    *,
    home: Path,
    credentials: CredentialResolver | None,
    options: ChannelOptions | None = None,
) -> Channel:
    """The partner's channel. Folder paths (and a relative known_hosts) are under ``home``."""
    opts = options or ChannelOptions()
    section = profile.channel
    if isinstance(section, p.FolderChannel):
        return _folder(profile, section, home, opts)
    if isinstance(section, p.SftpChannel):
        return _sftp(profile, section, home, credentials, opts)
    return _imap(section, credentials, opts)


def _folder(
    profile: PartnerProfile, section: p.FolderChannel, home: Path, opts: ChannelOptions
) -> FolderChannel:
    outbox = (
        str(_under(home, profile.outbound.destination))
        if profile.outbound.destination
        else "outbox"
    )
    settings = FolderSettings(
        root=_under(home, section.path),
        inbox=".",
        processing="processing",
        processed=section.processed,
        failed=section.failed,
        outbox=outbox,
        completeness=opts.completeness or completeness_settings(section.completeness),
        max_file_bytes=section.max_file_bytes,
    )
    if opts.stale_claim_seconds is not None:
        settings = replace(settings, stale_claim_seconds=opts.stale_claim_seconds)
    return FolderChannel(settings)


def _sftp(
    profile: PartnerProfile,
    section: p.SftpChannel,
    home: Path,
    resolver: CredentialResolver | None,
    opts: ChannelOptions,
) -> SftpChannel:
    secret = _secret(section, resolver)
    if secret.key_file is not None:
        key = SftpKey(path=secret.key_file, passphrase=secret.key_passphrase)
    elif secret.key_text:
        key = SftpKey(text=secret.key_text, passphrase=secret.key_passphrase)
    else:
        where = section.credentials_env or f"connection {section.connection_id!r}"
        raise ChannelRefused(f"partner {profile.id}: no SFTP key (KEY_FILE or KEY) in {where}")
    settings = SftpSettings(
        host=section.host,
        port=section.port,
        username=secret.login or section.username,
        known_hosts=_under(home, section.known_hosts),
        inbox=section.inbox,
        processing=section.processing,
        processed=section.processed,
        failed=section.failed,
        outbox=profile.outbound.destination or section.outbox,
        completeness=opts.completeness or completeness_settings(section.completeness),
        max_file_bytes=section.max_file_bytes,
    )
    if opts.stale_claim_seconds is not None:
        settings = replace(settings, stale_claim_seconds=opts.stale_claim_seconds)
    if opts.io_timeout is not None:
        t = opts.io_timeout
        settings = replace(
            settings,
            io_timeout=t,
            connect_timeout=t,
            banner_timeout=t,
            auth_timeout=t,
            channel_timeout=t,
        )
    return SftpChannel(settings, key)


def _imap(
    section: p.ImapChannel, resolver: CredentialResolver | None, opts: ChannelOptions
) -> ImapChannel:
    secret = _secret(section, resolver)
    username = section.username or secret.login
    if not username or secret.password is None:
        where = section.credentials_env or f"connection {section.connection_id!r}"
        raise ChannelRefused(f"IMAP {section.host}: no username/password in {where}")
    authserv = authserv_ids()
    if section.require_dmarc_pass and not authserv:
        raise ChannelRefused(
            f"IMAP {section.host}: the profile requires DMARC to pass (require_dmarc_pass), but "
            f"{AUTHSERV_ENV} does not name our own mail server's authserv-id, so no "
            "Authentication-Results header could be trusted"
        )
    plain = secret.extra.get("ssl", "").lower() in ("0", "false", "no")
    settings = ImapSettings(
        host=section.host,
        port=section.port,
        username=username,
        ssl=not plain,
        allowed_senders=tuple(section.allowed_senders),
        folder=section.mailbox,
        processed_folder=section.processed_folder,
        failed_folder=section.failed_folder,
        require_dmarc=section.require_dmarc_pass,
        authserv_ids=authserv,
        max_file_bytes=section.max_file_bytes,
    )
    if opts.stale_claim_seconds is not None:
        settings = replace(settings, stale_claim_seconds=opts.stale_claim_seconds)
    if opts.io_timeout is not None:
        settings = replace(settings, timeout=opts.io_timeout)
    return ImapChannel(
        settings, secret.password, seen=opts.seen, sender=opts.smtp or smtp_from_env()
    )
