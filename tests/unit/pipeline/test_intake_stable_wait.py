"""The ``stable`` convention waits inside a pass only while some listed file still has to prove
itself: an empty inbox (or one holding only temporary names) costs no sleep."""

from __future__ import annotations

import time
from pathlib import Path

from orderport.channels import Completeness, CompletenessSettings, FolderChannel, FolderSettings
from orderport.channels.completeness import Entry, StabilityTracker, complete_after_wait

STABLE = CompletenessSettings(
    convention=Completeness.STABLE, stable_seconds=0.6, stable_wait_in_pass=True
)


def channel(root: Path) -> FolderChannel:
    (root / "inbox").mkdir(parents=True, exist_ok=True)
    return FolderChannel(FolderSettings(root=root, completeness=STABLE))


def test_empty_inbox_returns_without_sleeping(tmp_path: Path) -> None:
    ch = channel(tmp_path / "drop")
    (tmp_path / "drop" / "inbox" / ".still-writing.csv").write_bytes(
        b"a,b\n"
    )  # temporary: never waited on
    started = time.monotonic()
    assert ch.list_candidates() == []
    assert time.monotonic() - started < STABLE.stable_seconds / 2


def test_a_new_file_is_waited_for_once_then_taken(tmp_path: Path) -> None:
    ch = channel(tmp_path / "drop")
    (tmp_path / "drop" / "inbox" / "orders.csv").write_bytes(b"a,b\n")
    started = time.monotonic()
    (cand,) = ch.list_candidates()
    assert cand.name == "orders.csv"
    assert time.monotonic() - started >= STABLE.stable_seconds


def test_sleeps_only_the_time_still_missing() -> None:
    now = [100.0]
    slept: list[float] = []
    tracker = StabilityTracker(clock=lambda: now[0])
    listing = [Entry("a.csv", 10, 1.0)]
    tracker.observe(listing, STABLE.stable_seconds)  # seen in an earlier pass
    now[0] += 0.4

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    chosen = complete_after_wait(lambda: listing, STABLE, tracker, sleep=sleep)
    assert [c.entry.name for c in chosen] == ["a.csv"]
    assert len(slept) == 1
    assert abs(slept[0] - 0.2) < 1e-9


def test_file_growing_during_the_wait_is_not_taken() -> None:
    now = [0.0]
    sizes = iter([10, 20])
    tracker = StabilityTracker(clock=lambda: now[0])

    def sleep(seconds: float) -> None:
        now[0] += seconds

    chosen = complete_after_wait(
        lambda: [Entry("a.csv", next(sizes), 1.0)], STABLE, tracker, sleep=sleep
    )
    assert chosen == []
