"""One partner's broken setup (or a bug) never stops the other partners' intake."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from intake_helpers import FOLDER_PROFILE, SAMPLES, drop, write_profile

from orderport.channels import ChannelRefused
from orderport.partners import load_profiles
from orderport.pipeline.channel_factory import ChannelSecret, open_channel
from orderport.pipeline.intake import IntakeContext, intake_pass
from orderport.store.ledger import FileState

DMARC_PROFILE = """id: amail
name: Mail partner
tier: quick_deploy
channel:
  kind: imap
  host: imap.example.invalid
  credentials_env: AMAIL_IMAP
  allowed_senders: ["orders@amail.example"]
  require_dmarc_pass: true
formats:
  accepted: [csv]
"""
SFTP_PROFILE = """id: bsftp
name: SFTP partner
tier: quick_deploy
channel:
  kind: sftp
  host: sftp.example.invalid
  username: bsftp
  inbox: /in
  outbox: /out
  processing: /processing
  processed: /processed
  failed: /failed
  known_hosts: known_hosts
  connection_id: sftp_bsftp
formats:
  accepted: [csv]
"""


class BrokenVault:
    """A credential store with a bug: raises something no channel code expects."""

    def resolve(self, connection_id: str) -> ChannelSecret:
        raise KeyError(f"vault lost {connection_id}")


@pytest.fixture
def partners(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ORDERPORT_AUTHSERV_IDS", raising=False)
    monkeypatch.setenv("AMAIL_IMAP_USERNAME", "orders")
    monkeypatch.setenv("AMAIL_IMAP_PASSWORD", "secret")
    folder = tmp_path / "partners"
    write_profile(folder, "amail", DMARC_PROFILE)
    write_profile(folder, "bsftp", SFTP_PROFILE)
    return write_profile(folder, "zfolder", FOLDER_PROFILE.format(pid="zfolder", cap=200_000))


def test_dmarc_without_authserv_ids_is_refused_with_the_setting_named(partners: Path) -> None:
    profile = load_profiles(partners)["amail"]
    with pytest.raises(ChannelRefused, match="ORDERPORT_AUTHSERV_IDS"):
        open_channel(profile, home=partners, credentials=None)


def test_broken_partners_are_reported_and_the_others_still_taken_in(
    engine, partners: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    drop(
        home / "drop" / "zfolder",
        "orders.csv",
        (SAMPLES / "csv" / "canonical_valid.csv").read_bytes(),
    )
    ctx = IntakeContext(home=home, profiles=load_profiles(partners), credentials=BrokenVault())
    summary = intake_pass(engine, home=home, ctx=ctx)
    assert [o.state for o in summary.outcomes] == [FileState.STORED]
    assert summary.outcomes[0].partner_id == "zfolder"
    mail_error = next(e for e in summary.errors if e.startswith("amail: "))
    assert "ORDERPORT_AUTHSERV_IDS" in mail_error
    sftp_error = next(e for e in summary.errors if e.startswith("bsftp: "))
    assert "KeyError" in sftp_error
    assert "vault lost sftp_bsftp" in sftp_error
    assert summary.failed == ["bsftp"]
    assert summary.retriable == []
