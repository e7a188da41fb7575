"""The intake pass over the REAL OpenSSH sshd: partners upload with the OpenSSH ``sftp`` client or
their own SFTP session; we claim, archive, record, apply, answer and move files on the server.

Most tests share one sshd per module (each with its own folder tree under the SFTP root); the
ones that stop the server or freeze it get their own (the function-scoped ``sshd`` fixture).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import paramiko
import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from intake_helpers import SAMPLES, concurrent_passes, run_pass
from intake_servers import (
    SFTP_ENV,
    context,
    count,
    partner_client,
    remote_files,
    sample_profile,
    sftp_section,
    write_profiles,
)
from servers.sshd import SshServer
from servers.sshd import make_server as make_sshd

from orderport.pipeline.channel_factory import ChannelOptions
from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.intake import intake_pass
from orderport.store import ledger
from orderport.store.archive import open_archived
from orderport.store.ledger import FileState
from orderport.store.lifecycle import get_po
from orderport.store.tables import inbound_files, outbox, purchase_orders, tracking_alerts

pytestmark = [
    pytest.mark.integration,
    # when sshd is killed, paramiko's prefetch thread dies on the closed socket; the download
    # itself reports the loss as a TransportError, which is what the tests assert on
    pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning"),
]

VALID_CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
TEMP_RENAME = {"convention": "temp_rename", "prefix": ".", "suffix": ".part"}
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
QUICK = ChannelOptions(io_timeout=2.0)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshServer]:
    """One sshd for the tests that leave it running."""
    sshd = make_sshd(tmp_path_factory.mktemp("intake-sshd"))
    try:
        yield sshd
    finally:
        sshd.stop()


@pytest.fixture(autouse=True)
def sftp_credentials(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """The key reaches the profile through ``credentials_env``, never the profile itself."""
    names = request.fixturenames
    ssh: SshServer = request.getfixturevalue("sshd" if "sshd" in names else "server")
    monkeypatch.setenv(f"{SFTP_ENV}_KEY_FILE", str(ssh.key_path))


def acme_over(ssh: SshServer, sub: str, completeness: dict[str, object] = TEMP_RENAME) -> dict:
    data = sample_profile("acme")
    data["id"] = sub
    data["channel"] = sftp_section(ssh, sub, completeness)
    return data


def csv_with(po_a: str, po_b: str) -> bytes:
    """The valid sample with other PO numbers and external ids (both must be unique)."""
    out = VALID_CSV
    for old, new in (("PO-1001", po_a), ("PO-1002", po_b)):
        out = out.replace(old.encode(), new.encode())
        out = out.replace(old.replace("PO-", "EXT-").encode(), new.replace("PO-", "EXT-").encode())
    return out


def rows(engine: Engine) -> list[ledger.LedgerRow]:
    with engine.connect() as conn:
        return ledger.list_files(conn)


# --------------------------------------------------------------------------- completeness


@SQLITE_ONLY
def test_files_still_being_written_are_taken_only_when_complete(
    engine: Engine, server: SshServer, tmp_path: Path
) -> None:
    marker = acme_over(server, "chunks", {"convention": "done_marker", "suffix": ".done"})
    renamer = acme_over(server, "renamer")
    partners = write_profiles(tmp_path / "partners", marker, renamer)
    home = tmp_path / "home"
    ctx = context(home, partners)
    body = csv_with("PO-5001", "PO-5002")
    half = len(body) // 2

    partner = partner_client(server)  # the partner writes in chunks with its own session
    upload = partner.open("chunks/inbox/orders.csv", "wb")
    upload.write(body[:half])
    upload.flush()
    local = tmp_path / "orders.csv"
    local.write_bytes(csv_with("PO-5003", "PO-5004"))
    server.sftp_batch(f"put {local} renamer/inbox/.orders.csv.part\n")  # OpenSSH client, temp name

    assert intake_pass(engine, home=home, ctx=ctx).outcomes == []
    upload.write(body[half:])
    upload.close()
    assert intake_pass(engine, home=home, ctx=ctx).outcomes == []  # whole, but no marker yet
    assert remote_files(server.root / "chunks" / "inbox") == ["orders.csv"]

    partner.open("chunks/inbox/orders.csv.done", "wb").close()
    server.sftp_batch("rename renamer/inbox/.orders.csv.part renamer/inbox/orders.csv\n")
    partner.close()
    summary = intake_pass(engine, home=home, ctx=ctx)
    assert summary.errors == []
    assert sorted((o.partner_id, o.state) for o in summary.outcomes) == [
        ("chunks", FileState.STORED),
        ("renamer", FileState.STORED),
    ]
    by_partner = {r.partner_id: r for r in rows(engine)}
    assert open_archived(home, by_partner["chunks"].sha256).read_bytes() == body  # whole file
    assert by_partner["chunks"].size == len(body)
    assert remote_files(server.root / "chunks" / "inbox") == []  # marker removed with the claim
    assert len(remote_files(server.root / "chunks" / "processed")) == 1
    assert len(remote_files(server.root / "renamer" / "processed")) == 1
    assert count(engine, purchase_orders) == 4


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize("how", ["freeze", "kill"])
def test_server_stopped_mid_download_fails_the_pass_then_next_pass_ingests_once(
    engine: Engine,
    sshd: SshServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    partners = write_profiles(tmp_path / "partners", acme_over(sshd, "acme"))
    home = tmp_path / "home"
    doc = (SAMPLES / "json" / "canonical_valid.json").read_bytes()
    body = doc + b" " * (8 << 20)  # 8 MB: far more than paramiko's prefetch window
    (sshd.root / "acme" / "inbox" / "big.json").write_bytes(body)

    original_read = paramiko.SFTPFile.read
    stopped: list[bool] = []

    def read_then_stop(self: paramiko.SFTPFile, size: int | None = None) -> bytes:
        data: bytes = original_read(self, size)
        if data and not stopped:  # the first chunk arrived: now the server goes away
            stopped.append(True)
            sshd.freeze() if how == "freeze" else sshd.stop()
        return data

    monkeypatch.setattr(paramiko.SFTPFile, "read", read_then_stop)
    started = time.monotonic()
    summary = intake_pass(engine, home=home, ctx=context(home, partners, options=QUICK))
    elapsed = time.monotonic() - started
    monkeypatch.undo()
    monkeypatch.setenv(f"{SFTP_ENV}_KEY_FILE", str(sshd.key_path))

    assert stopped
    assert elapsed < 2.0 + 6.0, f"the pass took {elapsed:.1f}s to give up"
    (error,) = summary.errors
    assert summary.retriable == ["acme"]  # a TransportError: the next pass retries by itself
    assert error.startswith("acme: ")
    assert "sftp://" in error
    assert summary.claimed == []
    assert summary.outcomes == []
    assert rows(engine) == []  # nothing half-recorded
    assert not (home / "archive").exists() or not any((home / "archive").rglob("*.*"))
    assert not any(p.is_file() for p in (home / "work").rglob("*"))  # no partial download

    if how == "freeze":
        sshd.thaw()
        sshd.stop()
    sshd.start()
    # The claim left in processing/ is this process's own (no pass of it is in flight): the next
    # pass takes it at once, not after the channel's stale-claim hour (issue 12).
    recovering = context(home, partners, options=ChannelOptions(io_timeout=5.0))
    (outcome,) = intake_pass(engine, home=home, ctx=recovering).outcomes
    assert outcome.state is FileState.STORED, outcome.error
    (row,) = rows(engine)
    assert open_archived(home, row.sha256).read_bytes() == body
    assert intake_pass(engine, home=home, ctx=recovering).outcomes == []
    assert remote_files(sshd.root / "acme" / "processing") == []
    assert len(remote_files(sshd.root / "acme" / "processed")) == 1
    assert count(engine, purchase_orders) == 1


@SQLITE_ONLY
def test_changed_host_key_is_refused_and_nothing_moves(
    engine: Engine, server: SshServer, tmp_path: Path
) -> None:
    other = tmp_path / "impostor_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    kind, blob = other.with_suffix(".pub").read_text().split()[:2]
    forged = tmp_path / "known_hosts"
    forged.write_text(f"[{server.host}]:{server.port} {kind} {blob}\n")
    profile = acme_over(server, "hostkey")
    profile["channel"]["known_hosts"] = str(forged)
    partners = write_profiles(tmp_path / "partners", profile)
    (server.root / "hostkey" / "inbox" / "orders.csv").write_bytes(VALID_CSV)
    home = tmp_path / "home"

    summary = intake_pass(engine, home=home, ctx=context(home, partners))

    (error,) = summary.errors
    assert "HOST KEY MISMATCH" in error
    assert summary.retriable == []  # refused: retrying cannot help, an operator must look
    assert summary.outcomes == []
    assert rows(engine) == []
    with engine.connect() as conn:  # issue 12: the operator is told, once
        (alert,) = [(r.kind, r.message) for r in conn.execute(tracking_alerts.select())]
    assert alert[0] == "ops_channel_refused"
    assert "HOST KEY MISMATCH" in alert[1]
    intake_pass(engine, home=home, ctx=context(home, partners))
    with engine.connect() as conn:
        assert len(list(conn.execute(tracking_alerts.select()))) == 1
    assert remote_files(server.root / "hostkey") == ["inbox", "outbox"]  # no folder even made
    assert remote_files(server.root / "hostkey" / "inbox") == ["orders.csv"]
    assert forged.read_text().count("\n") == 1  # never learned the real key


# --------------------------------------------------------------------------- exactly once


def test_same_file_under_two_names_is_one_po_and_one_duplicate_row(
    engine: Engine, server: SshServer, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    sub = f"dup-{request.node.callspec.id}"
    partners = write_profiles(tmp_path / "partners", acme_over(server, sub))
    home = tmp_path / "home"
    local = tmp_path / "orders.csv"
    local.write_bytes(VALID_CSV)
    server.sftp_batch(
        f"put {local} {sub}/inbox/.a.part\nrename {sub}/inbox/.a.part {sub}/inbox/orders.csv\n"
        f"put {local} {sub}/inbox/.b.part\nrename {sub}/inbox/.b.part {sub}/inbox/resent.csv\n"
    )
    summary = intake_pass(engine, home=home, ctx=context(home, partners))
    states = {o.original_name: o for o in summary.outcomes}
    assert sorted(o.state for o in states.values()) == [FileState.DUPLICATE, FileState.STORED]
    first = next(o for o in states.values() if o.state is FileState.STORED)
    dup = next(o for o in states.values() if o.state is FileState.DUPLICATE)
    assert dup.duplicate_of == first.file_id
    assert count(engine, purchase_orders) == 2  # the sample's two POs, stored once
    assert count(engine, inbound_files) == 2
    assert len(remote_files(server.root / sub / "processed")) == 2


def test_sigkill_between_commit_and_remote_move_rerun_finishes_it(
    engine: Engine, database_url: str, server: SshServer, tmp_path: Path
) -> None:
    sub = f"crash-{'pg' if database_url.startswith('postgresql') else 'lite'}"
    partners = write_profiles(tmp_path / "partners", acme_over(server, sub))
    home = tmp_path / "home"
    (server.root / sub / "inbox" / "orders.csv").write_bytes(csv_with("PO-7001", "PO-7002"))

    killed = run_pass(database_url, home, partners, crash_at="after_commit")

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(remote_files(server.root / sub / "processing")) == 1  # not moved yet
    (row,) = rows(engine)
    assert row.state is FileState.STORED
    assert row.needs_finish
    summary = intake_pass(engine, home=home, ctx=context(home, partners))
    assert summary.errors == []
    assert [(o.file_id, o.already_final) for o in summary.outcomes] == [(row.id, True)]
    assert remote_files(server.root / sub / "processing") == []
    assert len(remote_files(server.root / sub / "processed")) == 1
    (row,) = rows(engine)
    assert row.finished_at is not None
    assert count(engine, purchase_orders) == 2
    assert count(engine, outbox) == 1  # answered once, in the committed transaction


def test_two_concurrent_passes_process_each_file_once(
    engine: Engine, database_url: str, server: SshServer, tmp_path: Path
) -> None:
    sub = f"race-{'pg' if database_url.startswith('postgresql') else 'lite'}"
    partners = write_profiles(tmp_path / "partners", acme_over(server, sub))
    home = tmp_path / "home"
    names = []
    for i in range(10):
        names.append(f"orders-{i}.csv")
        body = csv_with(f"PO-9{i:03d}", f"PO-8{i:03d}")
        (server.root / sub / "inbox" / names[-1]).write_bytes(body)
    ctx = context(home, partners)
    mine = concurrent_passes(
        database_url, home, partners, lambda: intake_pass(engine, home=home, ctx=ctx)
    )
    assert mine.errors == []
    ledger_rows = rows(engine)
    assert sorted(r.original_name for r in ledger_rows) == sorted(names)
    assert {r.state for r in ledger_rows} == {FileState.STORED}
    assert count(engine, purchase_orders) == 20
    assert count(engine, outbox) == 10
    assert len(remote_files(server.root / sub / "processed")) == 10
    assert remote_files(server.root / sub / "inbox") == []
    assert remote_files(server.root / sub / "processing") == []


# --------------------------------------------------------------------------- answers, encodings


@SQLITE_ONLY
def test_x12_from_the_openssh_client_gets_its_997_in_the_sftp_outbox(
    engine: Engine, server: SshServer, tmp_path: Path
) -> None:
    profile = sample_profile("initech")  # done_marker .done, X12 only, acknowledgment on
    profile["channel"] = sftp_section(server, "initech", profile["channel"]["completeness"])
    partners = write_profiles(tmp_path / "partners", profile)
    home = tmp_path / "home"
    ctx = context(home, partners)
    sample = SAMPLES / "x12" / "po_004010_crlf.edi"
    marker = tmp_path / "empty"
    marker.write_bytes(b"")
    server.sftp_batch(
        f"put {sample} initech/inbox/po.edi\nput {marker} initech/inbox/po.edi.done\n"
    )

    (outcome,) = intake_pass(engine, home=home, ctx=ctx).outcomes
    assert outcome.state is FileState.STORED, outcome.error
    sent = deliver_pending(engine, home=home, ctx=ctx)
    assert sent.failed == {}
    assert len(sent.sent) == 1

    (name,) = remote_files(server.root / "initech" / "outbox")
    assert name.startswith("initech_ack_997_")
    assert name.endswith(".x12")
    ack = (server.root / "initech" / "outbox" / name).read_text()
    assert ack.startswith("ISA*")
    assert "*INITECH" in ack.split("~")[0]  # addressed back to the sender
    assert "AK9*A*1*1*1" in ack
    assert remote_files(server.root / "initech" / "inbox") == []


@SQLITE_ONLY
def test_cp1252_csv_is_read_with_the_profile_fallback_and_answered(
    engine: Engine, server: SshServer, tmp_path: Path
) -> None:
    profile = sample_profile("globex")  # done_marker .ok, utf-8 with cp1252 fallback
    profile["channel"] = sftp_section(server, "globex", profile["channel"]["completeness"])
    profile.setdefault("outbound", {})["acknowledgment"] = True
    partners = write_profiles(tmp_path / "partners", profile)
    home = tmp_path / "home"
    inbox = server.root / "globex" / "inbox"
    data = (SAMPLES / "csv" / "partner_semicolon_cp1252.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the sample really is cp1252
    (inbox / "bestellung.csv").write_bytes(data)
    (inbox / "bestellung.csv.ok").write_bytes(b"")
    ctx = context(home, partners)

    (outcome,) = intake_pass(engine, home=home, ctx=ctx).outcomes

    assert outcome.state is FileState.STORED, outcome.error
    with engine.connect() as conn:
        po = get_po(conn, "globex", "BE-7001")
    assert po is not None
    descriptions = [line["description"] for line in po.document["lines"]]
    assert 'Kaffeebecher "groß"' in descriptions
    assert deliver_pending(engine, home=home, ctx=ctx).failed == {}
    (name,) = remote_files(server.root / "globex" / "outbox")
    assert name.endswith(".result.csv")  # named after the upload
    assert "BE-7001" in (server.root / "globex" / "outbox" / name).read_text(encoding="utf-8-sig")


@SQLITE_ONLY
def test_hostile_names_are_metadata_only(engine: Engine, server: SshServer, tmp_path: Path) -> None:
    partners = write_profiles(tmp_path / "partners", acme_over(server, "hostile"))
    home = tmp_path / "home"
    inbox = server.root / "hostile" / "inbox"
    names = {
        "-rf --no-preserve-root.csv": csv_with("PO-6001", "PO-6002"),
        "orders\nInjected-Header: x.csv": csv_with("PO-6003", "PO-6004"),
        "$(touch pwned) \u202eorders.csv": csv_with("PO-6005", "PO-6006"),
        ("x" * 240) + ".csv": csv_with("PO-6007", "PO-6008"),
    }
    for name, body in names.items():
        (inbox / name).write_bytes(body)
    # the partner tries to climb out of its inbox with the OpenSSH client: the server puts the
    # file next to the inbox, where no pass of ours ever looks
    local = tmp_path / "evil.csv"
    local.write_bytes(csv_with("PO-6666", "PO-6667"))
    server.sftp_batch(f"put {local} hostile/inbox/../escaped.csv\n")

    summary = intake_pass(engine, home=home, ctx=context(home, partners))

    assert summary.errors == []
    assert sorted(o.original_name for o in summary.outcomes) == sorted(names)
    assert {o.state for o in summary.outcomes} == {FileState.STORED}
    for row in rows(engine):
        assert row.archive_path == f"sha256/{row.sha256[:2]}/{row.sha256[2:4]}/{row.sha256}"
    assert not any("orders" in p.name or "-rf" in p.name for p in home.rglob("*"))
    assert not (home / "pwned").exists()
    assert not Path("pwned").exists()
    assert count(engine, purchase_orders) == 8
    assert "escaped.csv" in remote_files(server.root / "hostile")  # untouched
    processed = remote_files(server.root / "hostile" / "processed")
    assert len(processed) == 4
    assert all(len(p.encode()) <= 255 for p in processed)
