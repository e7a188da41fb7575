"""What the DAG files need to know about partners, read fast at parse time.

The scheduler parses DAG files every few seconds, so this reads only the few keys that shape the
DAGs (id, channel kind and host, export schedule) with the C YAML loader and imports neither
pydantic nor the profile model. Full validation is ``orderport partners check``'s job; a profile
that cannot even be read here is left out of the DAGs and listed in ``Catalog.problems``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from orderport.settings import profile_files, profiles_dir

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class PartnerEntry:
    """One partner as the DAGs see it."""

    id: str
    kind: str
    """Channel kind: ``folder``, ``sftp`` or ``imap``."""
    host: str | None = None
    port: int | None = None
    export_schedule: str | None = None
    """Cron expression for status/booking exports; None = no scheduled export."""
    exports: bool = False
    """The partner receives status or booking files."""


@dataclass(frozen=True)
class Catalog:
    partners: tuple[PartnerEntry, ...]
    problems: tuple[str, ...] = field(default_factory=tuple)

    def of_kind(self, *kinds: str) -> list[PartnerEntry]:
        return [p for p in self.partners if p.kind in kinds]


def _entry(path: Path, data: object) -> PartnerEntry:
    if not isinstance(data, dict):
        raise ValueError("the profile is not a mapping")
    partner_id = data.get("id")
    if not isinstance(partner_id, str) or not _ID.match(partner_id):
        raise ValueError(f"id {partner_id!r} is not a valid partner id")
    if partner_id != path.stem:
        raise ValueError(f"id {partner_id!r} does not match the file name")
    channel = data.get("channel")
    if not isinstance(channel, dict) or channel.get("kind") not in ("folder", "sftp", "imap"):
        raise ValueError("channel.kind must be folder, sftp or imap")
    outbound = data.get("outbound") or {}
    if not isinstance(outbound, dict):
        raise ValueError("outbound is not a mapping")
    host, port = channel.get("host"), channel.get("port")
    schedule = outbound.get("schedule")
    return PartnerEntry(
        id=partner_id,
        kind=str(channel["kind"]),
        host=str(host) if host is not None else None,
        port=int(port) if isinstance(port, int) else None,
        export_schedule=str(schedule) if schedule else None,
        exports=any(
            outbound.get(k)
            for k in ("status_formats", "booking_formats", "status_format", "booking_format")
        ),
    )


def read_catalog(directory: Path | None = None) -> Catalog:
    """The partners of ``directory`` (default ``profiles_dir()``), sorted by id; .yaml and .yml."""
    folder = directory if directory is not None else profiles_dir()
    entries: list[PartnerEntry] = []
    problems: list[str] = []
    if not folder.is_dir():
        return Catalog((), (f"{folder}: partner profiles folder does not exist",))
    for path in profile_files(folder):
        try:
            with path.open("rb") as stream:
                entries.append(_entry(path, yaml.load(stream, Loader=_Loader)))  # noqa: S506
        except (OSError, yaml.YAMLError, ValueError, TypeError) as exc:
            problems.append(f"{path}: {exc}")
    return Catalog(tuple(entries), tuple(problems))
