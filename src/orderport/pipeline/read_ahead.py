"""Read a big file in a second process while this one validates and stores what was read.

Reading (decoding, the header search, cell parsing, provenance) is about half of the work per
line; normalising and storing is the other half and needs the caller's transaction. So for a big
row or JSON file a child process runs the very same reader (``ingest.open_documents``) over the
archived bytes and sends the documents in batches through a pipe, while the parent goes on with
the batch before: on two cores both halves overlap. The pipe's buffer bounds how far the child
runs ahead, so memory stays that of a few batches.

Outcomes cannot differ from the sequential path: the parent receives the same documents in the
same order and does everything else itself. A read error is raised in the parent at the same
place in the document stream; a child that dies unexpectedly is reported as an error of ours
(``ReadAheadFailed``), never as a partial file. Where a child cannot be started (a daemonic
worker process, no ``fork``), the file is read in this process as before.

It is off unless ``ORDERPORT_READ_AHEAD`` names a file size. Measured on the 2-core development
machine, where the database server shares the cores, it did not pay: CSV 100k -> SQLite 16.3k
lines/s with it, 19.3k without; the pickling across the pipe costs ~30% more CPU than reading in
place and the parent's batch waits for it. It is kept, tested, for machines with cores to spare
(the database elsewhere): the overlap is there when the CPU is.

Only formats whose documents are plain data go this way (CSV, XLSX, JSON): an X12 860's
change document carries a merge function, and the EDI envelopes' receipts are filled while
reading, so X12 and EDIFACT are read in this process.
"""

from __future__ import annotations

import logging
import multiprocessing
import pickle
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Final

from orderport.formats.base import RawDocument
from orderport.partners import PartnerProfile
from orderport.settings import read_ahead_min_bytes

log = logging.getLogger(__name__)

FORMATS: Final = frozenset({"csv", "xlsx", "json"})
BATCH: Final = 200
"""Documents per message: big enough to amortise pickling, small enough to start early."""


class ReadAheadFailed(RuntimeError):
    """The reading process died without finishing the file (killed, out of memory)."""


def wanted(fmt: str, size: int) -> bool:
    """Whether a file of this format and size is read in a second process."""
    # Only when ORDERPORT_READ_AHEAD names a size (settings.read_ahead_min_bytes): off by default.
    threshold = read_ahead_min_bytes()
    return threshold is not None and fmt in FORMATS and size >= threshold


def _fork() -> multiprocessing.context.ForkContext | None:
    """The fork start method, when this process has no other thread.

    A forked child starts at once, with the readers already imported, and never re-runs the
    main module (spawn and forkserver do, which a script without a main guard does not
    survive). Forking is only safe with a single thread: another thread could hold a lock the
    child would wait on forever. A process with threads (an HTTP server) reads in-process.
    """
    if threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def documents(
    path: Path, filename: str, profile: PartnerProfile | None
) -> Iterator[RawDocument] | None:
    """The file's documents, read by a child process; None when no child could be started."""
    ctx = _fork()
    if ctx is None:
        log.info("%s: read in this process (it runs other threads)", filename)
        return None
    try:
        receiver, sender = ctx.Pipe(duplex=False)
        child = ctx.Process(target=_read, args=(sender, path, filename, profile), daemon=True)
        child.start()
    except (AssertionError, OSError) as exc:  # a daemonic worker process, out of processes
        log.info("%s: read in this process (no reading process: %s)", filename, exc)
        return None
    sender.close()
    return _receive(receiver, child, filename)


def _receive(
    receiver: Connection, child: multiprocessing.process.BaseProcess, filename: str
) -> Iterator[RawDocument]:
    try:
        while True:
            try:
                # Our own child's bytes, over a pipe only this process and it hold.
                message = pickle.loads(receiver.recv_bytes())  # noqa: S301
            except EOFError:
                child.join()
                raise ReadAheadFailed(
                    f"{filename}: the reading process stopped (exit code {child.exitcode}) "
                    "before the end of the file"
                ) from None
            kind, payload = message
            if kind == "docs":
                yield from payload
            elif kind == "error":
                raise payload
            else:
                return
    finally:
        receiver.close()
        if child.is_alive():  # the caller stopped early (an error while storing)
            child.terminate()
        child.join()


def _read(sender: Connection, path: Path, filename: str, profile: PartnerProfile | None) -> None:
    """In the child: the same reader as the sequential path, documents sent in batches."""
    from orderport.pipeline.ingest import open_documents

    def send(kind: str, payload: object) -> None:
        sender.send_bytes(pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL))

    batch: list[RawDocument] = []
    try:
        with path.open("rb") as stream:
            opened = open_documents(stream, filename, profile)
            for doc in opened.documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    send("docs", batch)
                    batch = []
        send("docs", batch)
        send("end", None)
    except BaseException as exc:  # every failure goes to the parent, raised there
        try:
            send("docs", batch)  # what was read before the error, as the sequential path has it
            send("error", exc)
        except Exception:  # the exception itself does not pickle: its words do
            send("error", RuntimeError(f"{type(exc).__name__}: {exc}"))
    finally:
        sender.close()
