"""Deciding which listed files are completely written, per the partner's convention."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from orderport.channels.base import Completeness, CompletenessSettings

log = logging.getLogger(__name__)

_CLOCK_SLACK = 1e-6
"""Float rounding of ``since + wait`` must not make a file wait a second pass."""


@dataclass(frozen=True)
class Entry:
    """One regular file in a listing."""

    name: str
    size: int
    mtime: float


@dataclass(frozen=True)
class Complete:
    """A complete file, and its done-marker's name when the convention has one."""

    entry: Entry
    marker: str | None = None


class StabilityTracker:
    """Remembers the previous listing so ``stable`` needs no waiting inside a pass."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[str, tuple[int, float, float]] = {}

    def observe(self, entries: list[Entry], stable_seconds: float) -> list[Entry]:
        """Record this listing; return the entries unchanged for at least ``stable_seconds``.

        A file must have been seen in an earlier listing, so a single listing never qualifies.
        """
        now = self._clock()
        stable: list[Entry] = []
        current: dict[str, tuple[int, float, float]] = {}
        for entry in entries:
            previous = self._seen.get(entry.name)
            if previous is not None and previous[0] == entry.size and previous[1] == entry.mtime:
                since = previous[2]
                if now - since + _CLOCK_SLACK >= stable_seconds:
                    stable.append(entry)
            else:
                since = now
            current[entry.name] = (entry.size, entry.mtime, since)
        self._seen = current
        return stable

    def forget(self, name: str) -> None:
        self._seen.pop(name, None)

    def wait_needed(self, stable_seconds: float) -> float | None:
        """Seconds until every file of the last listing that is not yet stable will be, if
        unchanged; None when nothing is waiting (an empty inbox costs no sleep)."""
        now = self._clock()
        left = [stable_seconds - (now - since) for _, _, since in self._seen.values()]
        waiting = [x for x in left if x > 0]
        return max(waiting) if waiting else None


def select_complete(
    entries: list[Entry],
    settings: CompletenessSettings,
    tracker: StabilityTracker,
) -> list[Complete]:
    """The complete files among ``entries``, sorted by modification time then name."""
    convention = settings.convention
    if convention is Completeness.DONE_MARKER:
        suffix = settings.marker_suffix
        names = {e.name for e in entries}
        chosen = [
            Complete(e, e.name + suffix)
            for e in entries
            if not e.name.endswith(suffix) and e.name + suffix in names
        ]
    elif convention is Completeness.TEMP_RENAME:
        chosen = [Complete(e) for e in entries if not _is_temporary(e.name, settings)]
    else:
        settled = [e for e in entries if not _is_temporary(e.name, settings)]
        chosen = [Complete(e) for e in tracker.observe(settled, settings.stable_seconds)]
    chosen.sort(key=lambda c: (c.entry.mtime, c.entry.name))
    return chosen


def complete_after_wait(
    list_entries: Callable[[], list[Entry]],
    settings: CompletenessSettings,
    tracker: StabilityTracker,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Complete]:
    """``select_complete`` over a fresh listing; for ``stable`` with ``stable_wait_in_pass``,
    sleep only as long as some listed file still needs to prove itself, then list again."""
    chosen = select_complete(list_entries(), settings, tracker)
    if settings.convention is not Completeness.STABLE or not settings.stable_wait_in_pass:
        return chosen
    wait = tracker.wait_needed(settings.stable_seconds)
    if wait is None:
        return chosen
    log.info("waiting %.0f s for files to stop changing (stable convention)", wait)
    sleep(wait)
    return select_complete(list_entries(), settings, tracker)


def _is_temporary(name: str, settings: CompletenessSettings) -> bool:
    return name.startswith(settings.temp_prefixes) or name.endswith(settings.temp_suffixes)


LONE_MARKER_SECONDS = 3600.0
"""A done-marker without its data file for this long is reported to the operator."""


def lone_markers(
    entries: list[Entry],
    settings: CompletenessSettings,
    now: float | None = None,
    older_than: float = LONE_MARKER_SECONDS,
) -> list[str]:
    """Done-markers whose data file is missing, older than ``older_than`` seconds."""
    if settings.convention is not Completeness.DONE_MARKER:
        return []
    suffix = settings.marker_suffix
    names = {e.name for e in entries}
    at = time.time() if now is None else now
    return sorted(
        e.name
        for e in entries
        if e.name.endswith(suffix)
        and e.name[: -len(suffix)] not in names
        and at - e.mtime >= older_than
    )
