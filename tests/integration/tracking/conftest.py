"""Tracking integration fixtures: a partner on the real sshd, its profile folder, the env."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).parents[2] / "unit" / "tracking"))
sys.path.insert(0, str(Path(__file__).parents[2]))  # tests/: edi_validator

from orderport.partners import PartnerProfile, load_profiles

ALL_STATUS = ["csv", "json", "x12_855", "x12_856", "edifact_ordrsp", "edifact_desadv"]
ALL_BOOKING = ["csv", "json", "x12_301", "edifact_iftmbc"]


def sftp_profile(partner_id: str, sshd: Any, outbox: str, **outbound: Any) -> dict[str, Any]:
    return {
        "id": partner_id,
        "name": f"Partner {partner_id}",
        "tier": "assisted",
        "edi": {"qualifier": "ZZ", "interchange_id": partner_id.upper()},
        "channel": {
            "kind": "sftp",
            "host": sshd.host,
            "port": sshd.port,
            "username": sshd.username,
            "inbox": "inbox",
            "outbox": outbox,
            "processing": "processing",
            "processed": "processed",
            "failed": "failed",
            "known_hosts": str(sshd.known_hosts),
            "credentials_env": "TRK_SFTP",
        },
        "formats": {"accepted": ["json"], "json_variant": "canonical"},
        "mapping": {"custom_status_codes": {"shipped": "SHP", "accepted": "OK"}},
        "options": {"auto_approve": False},
        "outbound": outbound,
    }


@pytest.fixture
def partner_setup(
    sshd: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, PartnerProfile]:
    """Two SFTP partners (trk, other) with every outbound format, each its own outbox."""
    folder = tmp_path / "partners"
    folder.mkdir()
    for pid in ("trk", "other"):
        (sshd.root / f"out_{pid}").mkdir()
        document = sftp_profile(
            pid, sshd, f"out_{pid}", status_formats=ALL_STATUS, booking_formats=ALL_BOOKING
        )
        (folder / f"{pid}.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    for sub in ("inbox", "processing", "processed", "failed"):
        (sshd.root / sub).mkdir(exist_ok=True)
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(folder))
    monkeypatch.setenv("TRK_SFTP_KEY_FILE", str(sshd.key_path))
    monkeypatch.delenv("ORDERPORT_CRASH_AT", raising=False)
    return load_profiles(folder)
