"""SFTP channel against a real OpenSSH sshd on loopback."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from orderport.channels import (
    ChannelRefused,
    Completeness,
    CompletenessSettings,
    SftpChannel,
    SftpKey,
    SftpSettings,
    TransportError,
)

pytestmark = pytest.mark.integration


def settings_for(server, **overrides) -> SftpSettings:
    base = SftpSettings(
        host=server.host,
        port=server.port,
        username=server.username,
        known_hosts=server.known_hosts,
        connect_timeout=5,
        banner_timeout=5,
        auth_timeout=5,
        channel_timeout=5,
        io_timeout=5,
    )
    return replace(base, **overrides)


@pytest.fixture
def inbox(sshd) -> Path:
    for sub in ("inbox", "outbox"):
        (sshd.root / sub).mkdir()
    return sshd.root / "inbox"


@pytest.fixture
def channel(sshd, inbox):
    ch = SftpChannel(settings_for(sshd), SftpKey(path=sshd.key_path))
    yield ch
    ch.close()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def take_all(ch: SftpChannel, workdir: Path):
    """One pass: list, claim, fetch, finish ok."""
    fetched = []
    for cand in ch.list_candidates():
        claimed = ch.claim(cand)
        assert claimed is not None
        f = ch.fetch(claimed, workdir)
        ch.finish(claimed, ok=True)
        fetched.append(f)
    return fetched


def test_temp_rename_ignores_file_until_renamed(channel, inbox, tmp_path):
    body = b"po,sku,qty\n" + b"4500012345,00123,5\n" * 1000
    part = inbox / "orders.csv.part"
    part.write_bytes(body[:5000])
    (inbox / ".hidden-upload.csv").write_bytes(body)
    assert channel.list_candidates() == []
    with part.open("ab") as f:
        f.write(body[5000:])
    part.rename(inbox / "orders.csv")
    [cand] = channel.list_candidates()
    assert (cand.name, cand.size) == ("orders.csv", len(body))
    [got] = take_all(channel, tmp_path / "work")
    assert got.sha256 == sha(body)
    assert got.path.read_bytes() == body
    assert got.original_name == "orders.csv"
    assert got.path.name != "orders.csv"
    processed = list((inbox.parent / "processed").iterdir())
    assert [p.name.endswith("-orders.csv") for p in processed] == [True]
    assert list((inbox.parent / "processing").iterdir()) == []


def test_done_marker_waits_for_marker_and_cleans_it(sshd, inbox, tmp_path):
    conv = CompletenessSettings(convention=Completeness.DONE_MARKER, marker_suffix=".ok")
    ch = SftpChannel(settings_for(sshd, completeness=conv), SftpKey(path=sshd.key_path))
    body = os.urandom(300_000)
    (inbox / "po1.edi").write_bytes(body[:1000])
    assert ch.list_candidates() == []
    with (inbox / "po1.edi").open("ab") as f:
        f.write(body[1000:])
    assert ch.list_candidates() == []  # complete on disk, but the partner has not said so
    (inbox / "po1.edi.ok").write_bytes(b"")
    (inbox / "orphan.edi.ok").write_bytes(b"")  # a marker without its file is not a candidate
    [got] = take_all(ch, tmp_path)
    assert got.sha256 == sha(body)
    assert sorted(os.listdir(inbox)) == ["orphan.edi.ok"]
    ch.close()


def test_stable_needs_unchanged_size_across_passes(sshd, inbox, tmp_path):
    conv = CompletenessSettings(convention=Completeness.STABLE, stable_seconds=0.4)
    ch = SftpChannel(settings_for(sshd, completeness=conv), SftpKey(path=sshd.key_path))
    growing = inbox / "feed.csv"
    growing.write_bytes(b"a" * 10)
    assert ch.list_candidates() == []  # first sighting never qualifies
    time.sleep(0.5)
    with growing.open("ab") as f:
        f.write(b"b" * 10)
    assert ch.list_candidates() == []  # changed since the last pass
    time.sleep(0.5)
    [cand] = ch.list_candidates()
    assert cand.size == 20
    [got] = take_all(ch, tmp_path)
    assert got.path.read_bytes() == b"a" * 10 + b"b" * 10
    ch.close()


def test_stable_can_wait_within_one_pass(sshd, inbox, tmp_path):
    conv = CompletenessSettings(
        convention=Completeness.STABLE, stable_seconds=0.6, stable_wait_in_pass=True
    )
    ch = SftpChannel(settings_for(sshd, completeness=conv), SftpKey(path=sshd.key_path))
    (inbox / "quiet.csv").write_bytes(b"done\n")
    busy = inbox / "busy.csv"
    busy.write_bytes(b"x")
    stop = threading.Event()

    def writer() -> None:
        while not stop.is_set():
            with busy.open("ab") as f:
                f.write(b"x")
            time.sleep(0.05)

    t = threading.Thread(target=writer)
    t.start()
    try:
        started = time.monotonic()
        names = [c.name for c in ch.list_candidates()]
        assert time.monotonic() - started >= 0.6
    finally:
        stop.set()
        t.join()
    assert names == ["quiet.csv"]
    ch.close()


def test_openssh_sftp_client_as_partner(sshd, channel, tmp_path):
    local = tmp_path / "partner"
    local.mkdir()
    body = b"ISA*00*...~" * 5000
    (local / "850_0001.edi").write_bytes(body)
    sshd.sftp_batch("cd inbox\nput 850_0001.edi .850_0001.edi.tmp\n", cwd=local)
    assert channel.list_candidates() == []
    sshd.sftp_batch("cd inbox\nrename .850_0001.edi.tmp 850_0001.edi\n", cwd=local)
    [got] = take_all(channel, tmp_path / "work")
    assert got.sha256 == sha(body)
    # and the partner downloads our answer with the same client
    channel.deliver("997_0001.edi", b"ISA*ack~")
    sshd.sftp_batch("cd outbox\nget 997_0001.edi\n", cwd=local)
    assert (local / "997_0001.edi").read_bytes() == b"ISA*ack~"


def test_claim_race_one_winner_per_file(sshd, inbox, tmp_path):
    for i in range(60):
        (inbox / f"po{i:03d}.csv").write_bytes(f"{i}\n".encode())
    key = SftpKey(path=sshd.key_path)
    a, b = SftpChannel(settings_for(sshd), key), SftpChannel(settings_for(sshd), key)
    cands_a, cands_b = a.list_candidates(), b.list_candidates()
    assert len(cands_a) == len(cands_b) == 60
    wins: dict[str, list[str]] = {"a": [], "b": []}

    def run(name: str, ch: SftpChannel, cands) -> None:
        for c in cands:
            if ch.claim(c) is not None:
                wins[name].append(c.name)

    threads = [
        threading.Thread(target=run, args=("a", a, cands_a)),
        threading.Thread(target=run, args=("b", b, list(reversed(cands_b)))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins["a"] + wins["b"]) == sorted(c.name for c in cands_a)
    assert not set(wins["a"]) & set(wins["b"])
    assert len(os.listdir(inbox.parent / "processing")) == 60
    # the loser of a single race gets None, not an error
    (inbox / "solo.csv").write_bytes(b"1")
    [ca], [cb] = a.list_candidates(), b.list_candidates()
    assert a.claim(ca) is not None
    assert b.claim(cb) is None
    a.close()
    b.close()


def _wait_for_local_bytes(workdir: Path, at_least: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in workdir.glob("*"):
            try:
                if p.stat().st_size >= at_least:
                    return True
            except FileNotFoundError:
                pass
        time.sleep(0.001)
    return False


# paramiko's prefetch thread reports the dropped connection on its own thread as well
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize("how", ["freeze", "kill"])
def test_server_stopped_mid_download_then_next_pass_fetches(sshd, inbox, tmp_path, how):
    body = os.urandom(1024 * 1024) * 150  # 150 MB: takes long enough to interrupt
    (inbox / "big.bin").write_bytes(body)
    key = SftpKey(path=sshd.key_path)
    quick = {"io_timeout": 2, "banner_timeout": 2, "auth_timeout": 2, "connect_timeout": 2}
    ch = SftpChannel(settings_for(sshd, **quick), key)
    [cand] = ch.list_candidates()
    claimed = ch.claim(cand)
    assert claimed is not None
    workdir = tmp_path / "work"
    workdir.mkdir()
    stopped = threading.Event()

    def stop_server() -> None:
        if _wait_for_local_bytes(workdir, 8 * 1024 * 1024, 20):
            sshd.freeze() if how == "freeze" else sshd.stop()
        stopped.set()

    stopper = threading.Thread(target=stop_server)
    stopper.start()
    started = time.monotonic()
    with pytest.raises(TransportError):
        ch.fetch(claimed, workdir)
    elapsed = time.monotonic() - started
    stopper.join()
    assert stopped.is_set()
    assert elapsed < 2 + 5, f"took {elapsed:.1f}s to notice"
    assert list(workdir.iterdir()) == []  # no partial file left behind
    with pytest.raises(TransportError):
        ch.list_candidates()  # still down: connection refused or timed out, never a hang
    sshd.stop()
    sshd.start()
    # a new pass (fresh poller) finds the orphaned claim and fetches it whole
    again = SftpChannel(settings_for(sshd, stale_claim_seconds=0), key)
    assert again.list_candidates() == []
    [orphan] = again.recover()
    assert orphan.candidate.name == "big.bin"
    got = again.fetch(orphan, workdir)
    assert got.sha256 == sha(body)
    again.finish(orphan, ok=True)
    assert os.listdir(inbox.parent / "processing") == []
    again.close()
    ch.close()


def test_recover_leaves_fresh_claims_alone(channel, inbox):
    (inbox / "a.csv").write_bytes(b"1")
    [cand] = channel.list_candidates()
    assert channel.claim(cand) is not None
    assert channel.recover() == []


def test_changed_host_key_is_refused_and_nothing_moves(sshd, inbox, tmp_path):
    (inbox / "a.csv").write_bytes(b"1")
    other = tmp_path / "other_host_key"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(other)], check=True)
    kind, blob = other.with_suffix(".pub").read_text().split()[:2]
    forged = tmp_path / "known_hosts_changed"
    forged.write_text(f"[{sshd.host}]:{sshd.port} {kind} {blob}\n")
    ch = SftpChannel(settings_for(sshd, known_hosts=forged), SftpKey(path=sshd.key_path))
    with pytest.raises(ChannelRefused, match="HOST KEY MISMATCH"):
        ch.list_candidates()
    empty = tmp_path / "known_hosts_empty"
    empty.write_text("")
    ch = SftpChannel(settings_for(sshd, known_hosts=empty), SftpKey(path=sshd.key_path))
    with pytest.raises(ChannelRefused, match="not in known_hosts"):
        ch.list_candidates()
    assert empty.read_text() == ""  # never auto-added
    assert os.listdir(inbox) == ["a.csv"]
    assert not (inbox.parent / "processing").exists()


def test_wrong_client_key_is_refused(sshd, inbox, tmp_path):
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    ch = SftpChannel(settings_for(sshd), SftpKey(text=stranger.read_text()))
    with pytest.raises(ChannelRefused, match="authentication failed"):
        ch.list_candidates()


def test_key_text_works_like_key_file(sshd, inbox, tmp_path):
    (inbox / "a.csv").write_bytes(b"hello")
    ch = SftpChannel(settings_for(sshd), SftpKey(text=sshd.key_path.read_text()))
    assert [c.name for c in ch.list_candidates()] == ["a.csv"]
    assert "hidden" in repr(SftpKey(text=sshd.key_path.read_text()))
    ch.close()


def test_connection_refused_is_transport_error(sshd, inbox):
    ch = SftpChannel(settings_for(sshd), SftpKey(path=sshd.key_path))
    sshd.stop()
    with pytest.raises(TransportError):
        ch.list_candidates()


def test_size_cap_refuses_and_file_goes_to_failed(sshd, inbox, tmp_path):
    (inbox / "huge.csv").write_bytes(b"x" * 5000)
    ch = SftpChannel(settings_for(sshd, max_file_bytes=4096), SftpKey(path=sshd.key_path))
    [cand] = ch.list_candidates()
    claimed = ch.claim(cand)
    assert claimed is not None
    with pytest.raises(ChannelRefused, match="over the cap of 4096"):
        ch.fetch(claimed, tmp_path / "work")
    assert list((tmp_path / "work").glob("*")) == []
    ch.finish(claimed, ok=False)
    [failed] = os.listdir(inbox.parent / "failed")
    assert failed.endswith("-huge.csv")
    ch.close()


def test_odd_names_get_generated_local_names(channel, inbox, tmp_path):
    names = ["line\nbreak.csv", "x" * 240 + ".csv", " spaced out .csv", "naïve ☃.csv", "-rf"]
    for i, name in enumerate(names):
        (inbox / name).write_bytes(f"{i}".encode())
    got = take_all(channel, tmp_path / "work")
    assert sorted(f.original_name for f in got) == sorted(names)
    for f in got:
        assert f.path.parent == tmp_path / "work"
        assert f.path.read_bytes().decode() == str(names.index(f.original_name))
        assert f.metadata["original_name"] == f.original_name
    processed = os.listdir(inbox.parent / "processed")
    assert len(processed) == len(names)
    assert all(len(p.encode()) <= 255 for p in processed)


def test_large_file_200mb(sshd, inbox, tmp_path):
    body = os.urandom(1024 * 1024) * 200
    (inbox / "big.csv").write_bytes(body)
    ch = SftpChannel(settings_for(sshd), SftpKey(path=sshd.key_path))
    started = time.monotonic()
    [got] = take_all(ch, tmp_path / "work")
    down = time.monotonic() - started
    assert got.size == len(body)
    assert got.sha256 == sha(body)
    started = time.monotonic()
    ch.deliver("big-out.csv", body)
    up = time.monotonic() - started
    assert (inbox.parent / "outbox" / "big-out.csv").stat().st_size == len(body)
    assert down < 15, f"download took {down:.1f}s"
    assert up < 15, f"upload took {up:.1f}s"
    ch.close()


def test_three_thousand_small_files(sshd, inbox, tmp_path):
    for i in range(3000):
        (inbox / f"po{i:05d}.csv").write_bytes(f"po,{i}\n".encode())
    ch = SftpChannel(settings_for(sshd), SftpKey(path=sshd.key_path))
    started = time.monotonic()
    cands = ch.list_candidates()
    listed = time.monotonic() - started
    assert len(cands) == 3000
    assert listed < 3, f"listing took {listed:.1f}s"
    got = take_all(ch, tmp_path / "work")
    total = time.monotonic() - started
    assert len({f.sha256 for f in got}) == 3000
    assert len(os.listdir(inbox.parent / "processed")) == 3000
    assert total < 20, f"3000 files took {total:.1f}s"
    ch.close()


def test_deliver_is_atomic_for_the_reader(channel, inbox):
    outbox = inbox.parent / "outbox"
    body = os.urandom(1024 * 1024) * 40
    seen_sizes: list[int] = []
    seen_names: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for name in os.listdir(outbox):
                seen_names.add(name)
                if name == "status.csv":
                    with contextlib.suppress(FileNotFoundError):
                        seen_sizes.append((outbox / name).stat().st_size)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        channel.deliver("status.csv", body)
        channel.deliver("status.csv", body[::-1])  # replacing is atomic too
    finally:
        done.set()
        watcher.join()
    assert seen_sizes
    assert set(seen_sizes) == {len(body)}
    temporary = seen_names - {"status.csv"}
    assert temporary
    assert all(n.startswith(".") for n in temporary)
    assert os.listdir(outbox) == ["status.csv"]
    assert (outbox / "status.csv").read_bytes() == body[::-1]


@pytest.mark.parametrize(
    "name", ["../escape.csv", "/etc/passwd", "a\x00b", "x" * 300, "a\nb", ".hidden"]
)
def test_deliver_refuses_hostile_names(channel, inbox, name):
    with pytest.raises(ChannelRefused):
        channel.deliver(name, b"data")
    assert os.listdir(inbox.parent / "outbox") == []
    assert not (inbox.parent.parent / "escape.csv").exists()
