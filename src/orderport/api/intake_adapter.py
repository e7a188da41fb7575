"""The one place where the HTTP layer hands a request body to the pipeline.

A body is archived and recorded in the ledger exactly like a file fetched from a channel
(``channel="http"``, no channel reference, so there is nothing to move afterwards), then
processed by ``pipeline.intake.process_files``: the same reading, mapping, validation,
lifecycle, answers (outbox) and final ledger state as file intake, in one transaction. When the
"process one file" path is unified, repoint ``submit`` at it; nothing else here decides.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from sqlalchemy import Engine

from orderport.partners import PartnerProfile
from orderport.pipeline.intake import FileOutcome, IntakeContext, process_files
from orderport.store import ledger
from orderport.store.archive import archive_bytes
from orderport.store.lifecycle import upsert_partner
from orderport.store.outbox import OutboxItem, items_for_file

JsonVariant = Literal["canonical", "inspectorio", "loupe", "threepl"]
HTTP_CHANNEL = "http"


@dataclass
class Submitted:
    """A processed request: the ledger row's outcome and the answers queued for the partner."""

    file_id: int
    sha256: str
    outcome: FileOutcome
    answers: list[OutboxItem] = field(default_factory=list)


def _profile_for(profile: PartnerProfile, variant: JsonVariant | None) -> PartnerProfile:
    """The partner's profile, with the JSON shape fixed by the endpoint that was called."""
    if variant is None:
        return profile
    formats = profile.formats.model_copy(
        update={"accepted": ["json"], "pinned": "json", "json_variant": variant}
    )
    return profile.model_copy(update={"formats": formats})


def ensure_partner(engine: Engine, profile: PartnerProfile) -> None:
    with engine.begin() as conn:
        upsert_partner(conn, profile.id, profile.name)


def submit(
    engine: Engine,
    home: Path,
    profile: PartnerProfile,
    body: bytes,
    name: str,
    *,
    variant: JsonVariant | None = None,
    detail: dict[str, str] | None = None,
) -> Submitted:
    """Archive, record and process one request body as one inbound file."""
    sha256, archive_path = archive_bytes(home, body)
    with engine.begin() as conn:
        file_id = ledger.record_claimed(
            conn,
            partner_id=profile.id,
            sha256=sha256,
            original_name=name,
            size=len(body),
            channel=HTTP_CHANNEL,
            channel_ref=None,
            archive_path=archive_path,
            claim_token=secrets.token_hex(8),
            detail=dict(detail or {}),
        )
    context = IntakeContext(home=home, profiles={profile.id: _profile_for(profile, variant)})
    (outcome,) = process_files(engine, [file_id], home=home, ctx=context)
    with engine.connect() as conn:
        answers = items_for_file(conn, file_id)
    return Submitted(file_id=file_id, sha256=sha256, outcome=outcome, answers=answers)
