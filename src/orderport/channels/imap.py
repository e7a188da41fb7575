"""IMAP channel: each attachment of a partner's mail is one candidate file.

Nothing is marked read (``BODY.PEEK``). A message is claimed by ``UID MOVE`` into a processing
folder: the server moves it once, so of two pollers only one sees a ``COPYUID`` answer. The
caller persists a seen set of ``uid:<folder>:<uidvalidity>:<uid>`` and ``msgid:<Message-ID>``
keys, so a message is not read twice even after the mailbox was rebuilt (new UIDVALIDITY) or
the partner's mail was filed twice.
"""

from __future__ import annotations

import contextlib
import hashlib
import imaplib
import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Protocol

from orderport.channels.base import (
    Candidate,
    ChannelRefused,
    Claimed,
    Fetched,
    TransportError,
)
from orderport.channels.mail_auth import auth_failures, sender_address, sender_allowed
from orderport.channels.names import generated_local_name, safe_display_name
from orderport.channels.smtp import Attachment, SmtpSender, build_message
from orderport.channels.transfer import check_size_cap

log = logging.getLogger(__name__)

_CLAIM_KEYWORD = "OrderportClaimedAt"
_COPYUID = re.compile(rb"(\d+)\s+\S+\s+(\d+)")


class SeenStore(Protocol):
    """What the caller persists; a plain ``set[str]`` will do in tests."""

    def __contains__(self, key: object) -> bool: ...

    def add(self, key: str) -> None: ...


@dataclass(frozen=True)
class ImapSettings:
    host: str
    username: str
    allowed_senders: tuple[str, ...]
    """Full addresses or ``@domain`` entries; partner identity comes from here."""
    port: int = 993
    ssl: bool = True
    starttls: bool = False
    folder: str = "INBOX"
    processing_folder: str = "orderport-processing"
    processed_folder: str = "orderport-processed"
    failed_folder: str = "orderport-failed"
    require_dmarc: bool = False
    require_dkim: bool = False
    authserv_ids: tuple[str, ...] = ()
    """authserv-ids of our own receiving MTA; only its Authentication-Results are trusted."""
    max_message_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int | None = 32 * 1024 * 1024
    timeout: float = 30.0
    stale_claim_seconds: float = 3600.0
    use_move: bool = True
    """False forces COPY + STORE \\Deleted + EXPUNGE (for servers without RFC 6851 MOVE)."""
    move_refused: bool = True
    """Move mail that fails the sender/authentication checks to the failed folder."""
    reply_to: str | None = None
    """Where ``deliver`` mails outbound files (needs an SmtpSender)."""

    def __post_init__(self) -> None:
        if not self.allowed_senders:
            raise ValueError("ImapSettings.allowed_senders must name the partner's senders")
        if (self.require_dmarc or self.require_dkim) and not self.authserv_ids:
            raise ValueError("requiring DMARC/DKIM needs authserv_ids of our own mail server")


@dataclass(frozen=True)
class Refused:
    """A message that was not taken, and why."""

    folder: str
    uid: int
    message_id: str
    sender: str
    reason: str


@dataclass
class _Message:
    folder: str
    uidvalidity: int
    uid: int
    msg: EmailMessage
    parts: list[EmailMessage]
    names: list[str]
    sender: str
    message_id: str
    pending: set[int] = field(default_factory=set)
    ok: bool = True
    origin_keys: list[str] = field(default_factory=list)
    """Seen keys of the message in the folder it was claimed from."""


def _ref(folder: str, uidvalidity: int, uid: int, part: int) -> str:
    return f"imap:{folder};UIDVALIDITY={uidvalidity};UID={uid};PART={part}"


def _attachments(msg: EmailMessage) -> tuple[list[EmailMessage], list[str]]:
    parts: list[EmailMessage] = []
    names: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        assert isinstance(part, EmailMessage)
        try:
            filename = part.get_filename()
        except (ValueError, LookupError):  # broken RFC 2231 / unknown charset
            filename = None
        if part.get_content_disposition() != "attachment" and filename is None:
            continue
        parts.append(part)
        names.append(filename if filename is not None else f"attachment-{len(parts)}")
    return parts, names


def _payload(part: EmailMessage) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


class ImapChannel:
    """One partner's mailbox folder."""

    def __init__(
        self,
        settings: ImapSettings,
        password: str,
        seen: SeenStore | None = None,
        sender: SmtpSender | None = None,
    ) -> None:
        self.settings = settings
        self._password = password
        self.seen: SeenStore = seen if seen is not None else set()
        self._smtp = sender
        self._conn: imaplib.IMAP4 | None = None
        self._selected: tuple[str, int] | None = None
        self._messages: dict[tuple[str, int, int], _Message] = {}
        self.refused: list[Refused] = []

    @property
    def where(self) -> str:
        s = self.settings
        return f"imap://{s.username}@{s.host}:{s.port}"

    # -- connection --------------------------------------------------------------------------

    def _connect(self) -> imaplib.IMAP4:
        if self._conn is not None:
            return self._conn
        s = self.settings
        try:
            conn: imaplib.IMAP4
            if s.ssl:
                conn = imaplib.IMAP4_SSL(s.host, s.port, timeout=s.timeout)
            else:
                conn = imaplib.IMAP4(s.host, s.port, timeout=s.timeout)
                if s.starttls:
                    conn.starttls()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise TransportError(f"{self.where}: cannot connect: {exc}") from exc
        try:
            conn.login(s.username, self._password)
        except imaplib.IMAP4.abort as exc:
            raise TransportError(f"{self.where}: connection lost at login: {exc}") from exc
        except imaplib.IMAP4.error as exc:
            with contextlib.suppress(Exception):
                conn.shutdown()
            raise ChannelRefused(f"{self.where}: authentication failed: {exc}") from exc
        except OSError as exc:
            raise TransportError(f"{self.where}: login: {exc}") from exc
        self._conn = conn
        self._selected = None
        for folder in (s.processing_folder, s.processed_folder, s.failed_folder):
            self._ensure_folder(folder)
        return conn

    def _folder_exists(self, folder: str) -> bool:
        typ, data = self._cmd("LIST", lambda c: c.list('""', _quote(folder)))
        return typ == "OK" and any(d for d in data if d)

    def _ensure_folder(self, folder: str) -> None:
        if self._folder_exists(folder):
            return
        typ, data = self._cmd("CREATE", lambda c: c.create(_quote(folder)))
        if typ != "OK" and not self._folder_exists(folder):  # not made by a concurrent poller
            raise ChannelRefused(f"{self.where}: cannot create folder {folder!r}: {data!r}")

    def _cmd(self, what: str, fn: _Command) -> tuple[str, list[bytes | tuple[bytes, bytes] | None]]:
        conn = self._conn
        assert conn is not None
        try:
            typ, data = fn(conn)
        except imaplib.IMAP4.abort as exc:
            self._drop()
            raise TransportError(f"{self.where}: {what}: connection lost: {exc}") from exc
        except (TimeoutError, OSError, EOFError) as exc:
            self._drop()
            raise TransportError(f"{self.where}: {what}: {type(exc).__name__}: {exc}") from exc
        except imaplib.IMAP4.error as exc:
            raise ChannelRefused(f"{self.where}: {what}: {exc}") from exc
        return typ, list(data)

    def _select(self, folder: str) -> int:
        """Select ``folder`` read-write; returns its UIDVALIDITY."""
        self._connect()
        if self._selected and self._selected[0] == folder:
            return self._selected[1]
        typ, data = self._cmd(f"SELECT {folder}", lambda c: c.select(_quote(folder)))
        if typ != "OK":
            raise ChannelRefused(f"{self.where}: cannot select {folder!r}: {data!r}")
        _, validity = self._cmd("UIDVALIDITY", lambda c: c.response("UIDVALIDITY"))
        raw = validity[0] if validity else None
        if not isinstance(raw, bytes):
            raise ChannelRefused(f"{self.where}: {folder!r} has no UIDVALIDITY")
        self._selected = (folder, int(raw))
        return int(raw)

    def _drop(self) -> None:
        conn, self._conn, self._selected = self._conn, None, None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.shutdown()

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.logout()
        self._drop()

    # -- reading -----------------------------------------------------------------------------

    def _uids(self) -> list[int]:
        _typ, data = self._cmd("UID SEARCH", lambda c: c.uid("SEARCH", "ALL"))
        raw = data[0] if data and isinstance(data[0], bytes) else b""
        return [int(u) for u in raw.split()]

    def _sizes(self, uids: list[int]) -> dict[int, int]:
        if not uids:
            return {}
        seq = ",".join(str(u) for u in uids)
        _, data = self._cmd("UID FETCH sizes", lambda c: c.uid("FETCH", seq, "(RFC822.SIZE)"))
        sizes: dict[int, int] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid = re.search(rb"UID (\d+)", line)
            size = re.search(rb"RFC822\.SIZE (\d+)", line)
            if uid and size:
                sizes[int(uid.group(1))] = int(size.group(1))
        return sizes

    def _fetch_raw(self, uid: int) -> bytes:
        typ, data = self._cmd(
            f"UID FETCH {uid}", lambda c: c.uid("FETCH", str(uid), "(BODY.PEEK[])")
        )
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        raise TransportError(f"{self.where}: UID {uid} returned no body ({typ})")

    def _parse(self, folder: str, uidvalidity: int, uid: int, raw: bytes) -> _Message:
        msg = BytesParser(policy=policy.default).parsebytes(raw)
        assert isinstance(msg, EmailMessage)
        parts, names = _attachments(msg)
        message_id = str(msg.get("Message-ID", "")).strip()
        return _Message(
            folder=folder,
            uidvalidity=uidvalidity,
            uid=uid,
            msg=msg,
            parts=parts,
            names=names,
            sender=sender_address(msg) or "",
            message_id=message_id,
        )

    def _seen_keys(self, folder: str, uidvalidity: int, uid: int, message_id: str) -> list[str]:
        keys = [f"uid:{folder}:{uidvalidity}:{uid}"]
        if message_id:
            keys.append(f"msgid:{message_id}")
        return keys

    def _refusal(self, m: _Message) -> str | None:
        s = self.settings
        if not m.sender:
            return "no single From address"
        if not sender_allowed(m.sender, s.allowed_senders):
            return f"sender {m.sender} is not on the allow-list"
        domain = m.sender.rsplit("@", 1)[1]
        failures = auth_failures(m.msg, domain, s.authserv_ids, s.require_dmarc, s.require_dkim)
        if failures:
            return "; ".join(failures)
        if not m.parts:
            return "no attachment"
        return None

    def list_candidates(self) -> list[Candidate]:
        s = self.settings
        uidvalidity = self._select(s.folder)
        fresh = [u for u in self._uids() if f"uid:{s.folder}:{uidvalidity}:{u}" not in self.seen]
        sizes = self._sizes(fresh)
        candidates: list[Candidate] = []
        for uid in fresh:
            size = sizes.get(uid, 0)
            if size > s.max_message_bytes:
                self._refuse(s.folder, uidvalidity, uid, "", "", f"message is {size} bytes")
                continue
            m = self._parse(s.folder, uidvalidity, uid, self._fetch_raw(uid))
            if m.message_id and f"msgid:{m.message_id}" in self.seen:
                log.info("%s: skipping %s, already read as another UID", self.where, m.message_id)
                continue
            reason = self._refusal(m)
            if reason:
                self._refuse(s.folder, uidvalidity, uid, m.message_id, m.sender, reason)
                continue
            self._messages[(s.folder, uidvalidity, uid)] = m
            candidates.extend(self._candidates(m))
        return candidates

    def _candidates(self, m: _Message) -> list[Candidate]:
        try:
            mtime = parsedate_to_datetime(str(m.msg.get("Date", ""))).timestamp()
        except (TypeError, ValueError):
            mtime = time.time()
        return [
            Candidate(
                name=name,
                size=len(_payload(part)),
                mtime=mtime,
                ref=_ref(m.folder, m.uidvalidity, m.uid, index),
            )
            for index, (part, name) in enumerate(zip(m.parts, m.names, strict=True))
        ]

    def _refuse(
        self, folder: str, uidvalidity: int, uid: int, message_id: str, sender: str, reason: str
    ) -> None:
        log.warning("%s: refusing UID %s from %r: %s", self.where, uid, sender, reason)
        self.refused.append(Refused(folder, uid, message_id, sender, reason))
        if self.settings.move_refused:
            self._move(uid, self.settings.failed_folder, message_id)
        for key in self._seen_keys(folder, uidvalidity, uid, message_id):
            self.seen.add(key)

    # -- moving ------------------------------------------------------------------------------

    def _move(self, uid: int, dest: str, message_id: str) -> int | None:
        """Move one message from the selected folder; its UID in ``dest``, None if it was gone."""
        conn = self._connect()
        use_move = self.settings.use_move and "MOVE" in conn.capabilities
        self._cmd("clear", lambda c: c.response("COPYUID"))
        if use_move:
            typ, _ = self._cmd(f"UID MOVE {uid}", lambda c: c.uid("MOVE", str(uid), _quote(dest)))
            _, codes = self._cmd("COPYUID", lambda c: c.response("COPYUID"))
            for code in codes:
                found = _COPYUID.match(code) if isinstance(code, bytes) else None
                if typ == "OK" and found:
                    return int(found.group(2))
            return None
        typ, _ = self._cmd(f"UID COPY {uid}", lambda c: c.uid("COPY", str(uid), _quote(dest)))
        if typ != "OK":
            return None
        self._cmd("STORE", lambda c: c.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Deleted)"))
        if "UIDPLUS" in conn.capabilities:
            self._cmd("UID EXPUNGE", lambda c: c._simple_command("UID", "EXPUNGE", str(uid)))
        else:
            self._cmd("EXPUNGE", lambda c: c.expunge())
        return self._find_by_message_id(dest, message_id)

    def _find_by_message_id(self, folder: str, message_id: str) -> int | None:
        if not message_id:
            return None
        previous = self._selected[0] if self._selected else None
        self._select(folder)
        _, data = self._cmd(
            "UID SEARCH", lambda c: c.uid("SEARCH", "HEADER", "Message-ID", _quote(message_id))
        )
        raw = data[0] if data and isinstance(data[0], bytes) else b""
        if previous:
            self._select(previous)
        uids = [int(u) for u in raw.split()]
        return uids[-1] if uids else None

    def _message_for(self, claimed_or_candidate_ref: str) -> tuple[_Message, int]:
        m = re.fullmatch(
            r"imap:(?P<folder>.*);UIDVALIDITY=(?P<v>\d+);UID=(?P<u>\d+);PART=(?P<p>\d+)",
            claimed_or_candidate_ref,
            flags=re.DOTALL,
        )
        if not m:
            raise ChannelRefused(
                f"{self.where}: not an IMAP reference: {claimed_or_candidate_ref!r}"
            )
        key = (m.group("folder"), int(m.group("v")), int(m.group("u")))
        message = self._messages.get(key)
        if message is None:
            raise ChannelRefused(
                f"{self.where}: {claimed_or_candidate_ref} was not listed by this channel"
            )
        return message, int(m.group("p"))

    def claim(self, candidate: Candidate) -> Claimed | None:
        m, part = self._message_for(candidate.ref)
        s = self.settings
        if m.folder == s.processing_folder:  # claimed by us already (another attachment)
            return Claimed(candidate, _ref(m.folder, m.uidvalidity, m.uid, part))
        self._select(m.folder)
        new_uid = self._move(m.uid, s.processing_folder, m.message_id)
        if new_uid is None:
            self._messages.pop((m.folder, m.uidvalidity, m.uid), None)
            return None
        origin_keys = self._seen_keys(m.folder, m.uidvalidity, m.uid, m.message_id)
        proc_validity = self._select(s.processing_folder)
        keyword = f"{_CLAIM_KEYWORD}{int(time.time())}"
        self._cmd("STORE", lambda c: c.uid("STORE", str(new_uid), "+FLAGS.SILENT", f"({keyword})"))
        m.folder, m.uidvalidity, m.uid = s.processing_folder, proc_validity, new_uid
        m.pending = set(range(len(m.parts)))
        m.origin_keys = origin_keys
        self._messages[(m.folder, m.uidvalidity, m.uid)] = m  # the origin key maps here too
        return Claimed(candidate, _ref(m.folder, m.uidvalidity, m.uid, part))

    def recover(self) -> list[Claimed]:
        """Messages left in the processing folder by a pass that died, one Claimed per file."""
        s = self.settings
        validity = self._select(s.processing_folder)
        uids = self._uids()
        if not uids:
            return []
        seq = ",".join(str(u) for u in uids)
        _, data = self._cmd("UID FETCH flags", lambda c: c.uid("FETCH", seq, "(FLAGS)"))
        now = time.time()
        claimed: list[Claimed] = []
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            if not isinstance(line, bytes):
                continue
            uid_match = re.search(rb"UID (\d+)", line)
            if not uid_match:
                continue
            stamp = re.search(rb"" + _CLAIM_KEYWORD.encode() + rb"(\d+)", line)
            at = int(stamp.group(1)) if stamp else 0
            if now - at < s.stale_claim_seconds:
                continue
            uid = int(uid_match.group(1))
            m = self._parse(s.processing_folder, validity, uid, self._fetch_raw(uid))
            m.pending = set(range(len(m.parts)))
            self._messages[(m.folder, validity, uid)] = m
            for cand in self._candidates(m):
                claimed.append(Claimed(cand, cand.ref))
        return claimed

    def fetch(self, claimed: Claimed, workdir: Path) -> Fetched:
        m, part_index = self._message_for(claimed.ref)
        name = m.names[part_index]
        where = f"{self.where}/{claimed.ref}"
        data = _payload(m.parts[part_index])
        check_size_cap(len(data), self.settings.max_file_bytes, name, where)
        if len(data) != claimed.candidate.size:
            raise TransportError(f"{where}: attachment size changed since it was listed")
        workdir.mkdir(parents=True, exist_ok=True)
        path = workdir / generated_local_name(name)
        with path.open("xb") as out:
            out.write(data)
        part = m.parts[part_index]
        return Fetched(
            claimed=claimed,
            path=path,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            original_name=name,
            metadata={
                "channel": "imap",
                "original_name": name,
                "display_name": safe_display_name(name),
                "sender": m.sender,
                "message_id": m.message_id,
                "subject": str(m.msg.get("Subject", "")),
                "date": str(m.msg.get("Date", "")),
                "content_type": part.get_content_type(),
                "attachment_index": str(part_index),
                "imap_folder": m.folder,
                "imap_uidvalidity": str(m.uidvalidity),
                "imap_uid": str(m.uid),
                "authentication_results": " | ".join(
                    str(h) for h in m.msg.get_all("Authentication-Results", [])
                ),
            },
        )

    def finish(self, claimed: Claimed, ok: bool) -> None:
        """Record one attachment's outcome; the message moves once all its attachments are done.

        Any failed attachment sends the whole message to the failed folder.
        """
        m, part_index = self._message_for(claimed.ref)
        m.pending.discard(part_index)
        m.ok = m.ok and ok
        if m.pending:
            return
        s = self.settings
        self._select(m.folder)
        dest = s.processed_folder if m.ok else s.failed_folder
        self._move(m.uid, dest, m.message_id)
        for key in m.origin_keys + self._seen_keys(m.folder, m.uidvalidity, m.uid, m.message_id):
            self.seen.add(key)
        for ref_key in [k for k, v in self._messages.items() if v is m]:
            del self._messages[ref_key]

    # -- outbound ----------------------------------------------------------------------------

    def deliver(self, name: str, data: bytes) -> None:
        """Mail an outbound file to the partner's reply address."""
        s = self.settings
        if self._smtp is None or not s.reply_to:
            raise ChannelRefused(f"{self.where}: no SMTP sender / reply_to configured to deliver")
        msg = build_message(
            self._smtp.settings,
            to=s.reply_to,
            subject=f"File {name}",
            body=f"Attached: {name}\n",
            attachments=[Attachment(name, data)],
        )
        self._smtp.send(msg)


class _Command(Protocol):
    def __call__(
        self, conn: imaplib.IMAP4
    ) -> tuple[str, Iterable[bytes | tuple[bytes, bytes] | None]]: ...


def _quote(text: str) -> str:
    """IMAP quoted string (folder names, search keys)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
