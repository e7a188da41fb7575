"""The memory a measurement really holds: the PSS of its process and of every child, sampled.

``ru_maxrss`` sees one process. The intake's reading process (``pipeline.read_ahead``) is a
fork: it shares the parent's pages until either writes them, so adding the two RSS peaks would
count the shared pages twice. PSS (proportional set size) splits each shared page between the
processes that map it, so the sum over the tree is what the machine actually gives the file.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            found.extend(int(p) for p in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _pss(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_pss(pid: int) -> int:
    """Bytes: the PSS of ``pid`` and all its descendants now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _pss(current)
        todo.extend(_children(current))
    return total


def run_sampled(command: list[str], cwd: Path, every: float = 0.2) -> tuple[str, str, int, int]:
    """Run ``command``; (stdout, stderr, return code, the largest tree PSS seen in bytes)."""
    peak = 0
    with subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        out: dict[str, str] = {}

        def drain(name: str) -> None:
            stream = proc.stdout if name == "out" else proc.stderr
            assert stream is not None
            out[name] = stream.read()

        readers = [threading.Thread(target=drain, args=(n,)) for n in ("out", "err")]
        for reader in readers:
            reader.start()
        while proc.poll() is None:
            peak = max(peak, tree_pss(proc.pid))
            time.sleep(every)
        for reader in readers:
            reader.join()
    return out.get("out", ""), out.get("err", ""), proc.returncode, peak
