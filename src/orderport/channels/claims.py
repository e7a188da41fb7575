"""Helpers shared by the folder and SFTP channels for claimed files."""

from __future__ import annotations

import calendar
import re
import time

from orderport.channels.base import Candidate, Claimed
from orderport.channels.names import original_from_claim_name

_STAMP = re.compile(r"\A([0-9]{8}T[0-9]{6}Z)-")


def claimed_at(claim: str) -> float | None:
    """The UTC claim time encoded in a claim name, or None for names we did not make."""
    match = _STAMP.match(claim)
    if not match:
        return None
    return float(calendar.timegm(time.strptime(match.group(1), "%Y%m%dT%H%M%SZ")))


def is_stale(claim: str, mtime: float, stale_seconds: float, now: float | None = None) -> bool:
    """True when a file in processing/ was claimed more than ``stale_seconds`` ago."""
    at = claimed_at(claim)
    when = mtime if at is None else at
    return (time.time() if now is None else now) - when >= stale_seconds


def recovered(inbox: str, processing: str, claim: str, size: int, mtime: float) -> Claimed:
    original = original_from_claim_name(claim)
    candidate = Candidate(name=original, size=size, mtime=mtime, ref=f"{inbox}/{original}")
    return Claimed(candidate=candidate, ref=f"{processing}/{claim}")


def claim_basename(claimed: Claimed) -> str:
    return claimed.ref.rsplit("/", 1)[-1]
