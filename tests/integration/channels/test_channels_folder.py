"""Folder channel (analysts' drops, the demo) and the name helpers every channel shares."""

from __future__ import annotations

import os
import threading
import time

import pytest

from orderport.channels import (
    ChannelRefused,
    Completeness,
    CompletenessSettings,
    FolderChannel,
    FolderSettings,
    safe_display_name,
)
from orderport.channels.names import claim_name, hostile_reason, original_from_claim_name


@pytest.fixture
def root(tmp_path):
    return tmp_path / "drop"


def test_temp_files_ignored_then_taken_whole(root, tmp_path):
    ch = FolderChannel(FolderSettings(root=root))
    (root / "inbox" / "orders.xlsx.part").write_bytes(b"half")
    (root / "inbox" / ".~lock.orders.xlsx#").write_bytes(b"lock")
    assert ch.list_candidates() == []
    (root / "inbox" / "orders.xlsx.part").write_bytes(b"half and the rest")
    os.rename(root / "inbox" / "orders.xlsx.part", root / "inbox" / "orders.xlsx")
    [cand] = ch.list_candidates()
    claimed = ch.claim(cand)
    assert claimed is not None
    got = ch.fetch(claimed, tmp_path / "work")
    assert got.path.read_bytes() == b"half and the rest"
    assert got.original_name == "orders.xlsx"
    assert got.path.suffix == ".xlsx"
    ch.finish(claimed, ok=False)
    [failed] = os.listdir(root / "failed")
    assert original_from_claim_name(failed) == "orders.xlsx"
    ch.finish(claimed, ok=False)  # idempotent


def test_done_marker_and_stable(root, tmp_path):
    conv = CompletenessSettings(convention=Completeness.DONE_MARKER)
    ch = FolderChannel(FolderSettings(root=root, completeness=conv))
    (root / "inbox" / "a.csv").write_bytes(b"1")
    assert ch.list_candidates() == []
    (root / "inbox" / "a.csv.done").write_bytes(b"")
    [cand] = ch.list_candidates()
    assert ch.claim(cand) is not None
    assert os.listdir(root / "inbox") == []
    stable = CompletenessSettings(convention=Completeness.STABLE, stable_seconds=0.2)
    ch = FolderChannel(FolderSettings(root=root, completeness=stable))
    (root / "inbox" / "b.csv").write_bytes(b"1")
    assert ch.list_candidates() == []
    time.sleep(0.25)
    assert [c.name for c in ch.list_candidates()] == ["b.csv"]


def test_two_pollers_claim_each_file_once(root):
    a = FolderChannel(FolderSettings(root=root))
    b = FolderChannel(FolderSettings(root=root))
    for i in range(300):
        (root / "inbox" / f"{i:04d}.csv").write_bytes(b"x")
    wins: list[str] = []
    lock = threading.Lock()

    def run(ch: FolderChannel) -> None:
        for c in ch.list_candidates():
            if ch.claim(c) is not None:
                with lock:
                    wins.append(c.name)

    threads = [threading.Thread(target=run, args=(ch,)) for ch in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(wins) == [f"{i:04d}.csv" for i in range(300)]


def test_symlinks_are_not_followed_and_size_cap(root, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read")
    ch = FolderChannel(FolderSettings(root=root, max_file_bytes=10))
    (root / "inbox" / "link.csv").symlink_to(secret)
    (root / "inbox" / "big.csv").write_bytes(b"x" * 11)
    [cand] = ch.list_candidates()
    assert cand.name == "big.csv"
    claimed = ch.claim(cand)
    assert claimed is not None
    with pytest.raises(ChannelRefused, match="over the cap of 10"):
        ch.fetch(claimed, tmp_path / "work")


def test_deliver_atomic_and_hostile_names(root):
    ch = FolderChannel(FolderSettings(root=root))
    ch.deliver("status.csv", b"a")
    ch.deliver("status.csv", b"b")
    assert os.listdir(root / "outbox") == ["status.csv"]
    assert (root / "outbox" / "status.csv").read_bytes() == b"b"
    for bad in ["../x.csv", "/abs.csv", "nul\x00.csv", "n" * 300, "new\nline.csv", "."]:
        with pytest.raises(ChannelRefused):
            ch.deliver(bad, b"x")
    assert os.listdir(root / "outbox") == ["status.csv"]
    assert not (root / "x.csv").exists()


def test_odd_inbound_names_get_generated_local_names(root, tmp_path):
    ch = FolderChannel(FolderSettings(root=root))
    names = ["new\nline.csv", "z" * 250, "ü ber.csv"]
    for n in names:
        (root / "inbox" / n).write_bytes(n.encode())
    work = tmp_path / "work"
    for c in ch.list_candidates():
        claimed = ch.claim(c)
        assert claimed is not None
        got = ch.fetch(claimed, work)
        assert got.path.read_bytes() == c.name.encode()
        assert got.path.parent == work
        assert got.path.name != c.name
        ch.finish(claimed, ok=True)
    processed = os.listdir(root / "processed")
    assert len(processed) == len(names)
    assert all(len(p.encode()) <= 255 for p in processed)
    restored = sorted(original_from_claim_name(p) for p in processed)
    assert restored[0] == "new\nline.csv"
    assert restored[1] == "z" * len(restored[1])
    assert len(restored[1]) > 200
    assert restored[2] == "ü ber.csv"


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("plain.csv", "plain.csv"),
        ("a\nb\x00c\td.csv", "a\\nb\\x00c\\td.csv"),
        ("invoice\u202eexe.csv", "invoiceexe.csv"),
        ("", "(no name)"),
    ],
)
def test_safe_display_name(name, shown):
    assert safe_display_name(name) == shown


def test_safe_display_name_shortens_in_the_middle():
    shown = safe_display_name("a" * 300 + ".csv", max_length=40)
    assert len(shown) == 40
    assert shown.endswith(".csv")
    assert "…" in shown


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a\\b", "a\x00", "x" * 256])
def test_hostile_reason(name):
    assert hostile_reason(name) is not None


def test_claim_name_fits_and_round_trips():
    long = "é" * 200
    made = claim_name(long)
    assert len(made.encode()) <= 255
    assert long.startswith(original_from_claim_name(made))
    assert original_from_claim_name(claim_name("orders.csv")) == "orders.csv"
