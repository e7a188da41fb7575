"""Stopping a server we started together with the per-connection children it forked.

sshd and dovecot put each session in its own process session, so killing the listener alone
leaves established connections alive; we walk /proc for the descendants of our own process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from pathlib import Path


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found: list[int] = []
    stack = [pid]
    while stack:
        for child in children.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return found


def signal_tree(proc: subprocess.Popen[bytes], sig: int, include_root: bool = True) -> None:
    pids = descendants(proc.pid)
    if include_root:
        pids.append(proc.pid)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)


def kill_tree(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    signal_tree(proc, signal.SIGKILL)
    proc.wait(timeout=10)
