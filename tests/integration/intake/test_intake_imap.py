"""The intake pass over a REAL Dovecot: partners' mail arrives by IMAP APPEND of real MIME
messages; replies leave through a real SMTP server (aiosmtpd) and are read back from it.

One Dovecot and one SMTP server per module; each test reads its own mailbox folder.
"""

from __future__ import annotations

import base64
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1]))

from intake_helpers import SAMPLES
from intake_servers import (
    IMAP_ENV,
    context,
    count,
    imap_section,
    sample_profile,
    sha,
    write_profiles,
)
from servers.dovecot import ImapServer, remove
from servers.dovecot import make_server as make_imap
from servers.smtp import SmtpServer, start_smtp

from orderport.pipeline.deliver import deliver_pending
from orderport.pipeline.intake import intake_pass
from orderport.store import ledger
from orderport.store.archive import open_archived
from orderport.store.ledger import FileState
from orderport.store.tables import inbound_files, purchase_orders

pytestmark = pytest.mark.integration

PARTNER = "orders@acme.example"
VALID_CSV = (SAMPLES / "csv" / "canonical_valid.csv").read_bytes()
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture(scope="module")
def imap() -> Iterator[ImapServer]:
    server = make_imap()
    try:
        yield server
    finally:
        remove(server)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = start_smtp()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mailbox(
    imap: ImapServer,
    smtp: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> str:
    """This test's own folder in the partner mailbox; secrets and SMTP through the environment."""
    name = "t-" + "".join(ch if ch.isalnum() else "-" for ch in request.node.name)[-60:]
    conn = imap.connect()
    try:
        conn.create(f'"{name}"')
    finally:
        conn.logout()
    monkeypatch.setenv(f"{IMAP_ENV}_PASSWORD", imap.password)
    monkeypatch.setenv(f"{IMAP_ENV}_SSL", "false")
    monkeypatch.setenv("ORDERPORT_SMTP_HOST", smtp.host)
    monkeypatch.setenv("ORDERPORT_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("ORDERPORT_SMTP_STARTTLS", "false")
    monkeypatch.setenv("ORDERPORT_SMTP_SENDER", "orderport@orderport.test")
    smtp.sink.received.clear()
    return name


def profile_for(imap: ImapServer, mailbox: str, pid: str = "acme") -> dict[str, object]:
    data = sample_profile("acme")
    data["id"] = pid
    channel = imap_section(imap, [PARTNER, "@acme-eu.example"])
    channel.update(
        mailbox=mailbox, processed_folder=f"{mailbox}-done", failed_folder=f"{mailbox}-failed"
    )
    data["channel"] = channel
    data.setdefault("outbound", {})["acknowledgment"] = True
    return data


def csv_with(po_a: str, po_b: str) -> bytes:
    out = VALID_CSV
    for old, new in (("PO-1001", po_a), ("PO-1002", po_b)):
        out = out.replace(old.encode(), new.encode())
        out = out.replace(old.replace("PO-", "EXT-").encode(), new.replace("PO-", "EXT-").encode())
    return out


def mail(
    files: list[tuple[str, bytes]],
    *,
    sender: str = PARTNER,
    message_id: str = "<po-1@acme.example>",
    encoded_word_names: bool = False,
) -> bytes:
    """A real MIME message; attachment names in RFC 2231 (``filename*=``) or, with
    ``encoded_word_names``, as RFC 2047 encoded words, as some mail clients still write them."""
    msg = EmailMessage()
    msg["From"] = f"ACME Einkauf <{sender}>"
    msg["To"] = "po@orderport.test"
    msg["Subject"] = "Bestellungen März"
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 03 Mar 2025 10:00:00 +0000"
    msg.set_content("Anbei unsere Bestellungen.")
    for index, (name, data) in enumerate(files):
        placeholder = f"attachment-{index}.csv"
        msg.add_attachment(
            data,
            maintype="text",
            subtype="csv",
            filename=placeholder if encoded_word_names else name,
        )
    raw = bytes(msg)
    if encoded_word_names:
        for index, (name, _) in enumerate(files):
            word = "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="
            placeholder = f'filename="attachment-{index}.csv"'.encode()
            raw = raw.replace(placeholder, f'filename="{word}"'.encode())
    return raw


def messages_in(imap: ImapServer, folder: str) -> int:
    conn = imap.connect()
    try:
        typ, data = conn.select(f'"{folder}"', readonly=True)
        return int(data[0]) if typ == "OK" and data[0] else 0
    finally:
        conn.logout()


def test_mailed_po_is_ingested_once_filed_and_answered_by_smtp(
    engine: Engine, imap: ImapServer, smtp: SmtpServer, mailbox: str, tmp_path: Path
) -> None:
    partners = write_profiles(tmp_path / "partners", profile_for(imap, mailbox))
    home = tmp_path / "home"
    body = csv_with("PO-4101", "PO-4102")
    raw = mail([("Bestellung März.csv", body)], message_id="<m1@acme.example>")
    assert b"filename*=utf-8''Bestellung%20M%C3%A4rz.csv" in raw  # RFC 2231 on the wire
    imap.append(raw, mailbox)
    ctx = context(home, partners)

    summary = intake_pass(engine, home=home, ctx=ctx)

    assert summary.errors == []
    (outcome,) = summary.outcomes
    assert outcome.state is FileState.STORED, outcome.error
    (row,) = _rows(engine)
    assert row.original_name == "Bestellung März.csv"
    assert row.channel == "imap"
    assert open_archived(home, row.sha256).read_bytes() == body
    assert messages_in(imap, mailbox) == 0
    assert messages_in(imap, f"{mailbox}-done") == 1
    assert count(engine, purchase_orders) == 2

    assert intake_pass(engine, home=home, ctx=context(home, partners)).outcomes == []
    imap.append(raw, mailbox)  # the partner's client files the same message again
    assert intake_pass(engine, home=home, ctx=context(home, partners)).outcomes == []
    assert count(engine, inbound_files) == 1

    sent = deliver_pending(engine, home=home, ctx=ctx)
    assert sent.failed == {}
    assert len(sent.sent) == 1
    (reply,) = smtp.sink.wait_for(1)
    assert reply.rcpt_tos == [PARTNER]
    message = reply.message
    assert message["In-Reply-To"] == "<m1@acme.example>"
    assert str(message["Subject"]) == "Re: Bestellungen März"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "Bestellung März.csv.result.csv"  # after the upload
    result = attachment.get_payload(decode=True).decode("utf-8-sig")
    assert "PO-4101" in result
    assert "PO-4102" in result


@SQLITE_ONLY
def test_sender_not_on_the_allow_list_is_refused_and_filed_as_failed(
    engine: Engine, imap: ImapServer, smtp: SmtpServer, mailbox: str, tmp_path: Path
) -> None:
    partners = write_profiles(tmp_path / "partners", profile_for(imap, mailbox))
    home = tmp_path / "home"
    imap.append(mail([("orders.csv", VALID_CSV)], sender="orders@acme.example.evil.test"), mailbox)

    summary = intake_pass(engine, home=home, ctx=context(home, partners))

    assert summary.outcomes == []
    assert summary.claimed == []
    assert _rows(engine) == []
    assert count(engine, purchase_orders) == 0
    assert messages_in(imap, mailbox) == 0
    assert messages_in(imap, f"{mailbox}-failed") == 1
    assert deliver_pending(engine, home=home, ctx=context(home, partners)).sent == []
    assert smtp.sink.received == []  # a stranger gets no answer


@SQLITE_ONLY
def test_two_attachments_with_the_same_encoded_name_are_two_files(
    engine: Engine, imap: ImapServer, smtp: SmtpServer, mailbox: str, tmp_path: Path
) -> None:
    partners = write_profiles(tmp_path / "partners", profile_for(imap, mailbox))
    home = tmp_path / "home"
    first, second = csv_with("PO-4201", "PO-4202"), csv_with("PO-4203", "PO-4204")
    raw = mail(
        [("Aufträge.csv", first), ("Aufträge.csv", second)],
        sender="einkauf@acme-eu.example",
        message_id="<m2@acme-eu.example>",
        encoded_word_names=True,
    )
    assert raw.count(b'filename="=?utf-8?b?') == 2  # RFC 2047 encoded words on the wire
    imap.append(raw, mailbox)
    ctx = context(home, partners)

    summary = intake_pass(engine, home=home, ctx=ctx)

    assert [o.state for o in summary.outcomes] == [FileState.STORED, FileState.STORED]
    rows = _rows(engine)
    assert [r.original_name for r in rows] == ["Aufträge.csv", "Aufträge.csv"]
    assert sorted(r.sha256 for r in rows) == sorted([sha(first), sha(second)])
    assert count(engine, purchase_orders) == 4
    assert messages_in(imap, f"{mailbox}-done") == 1  # moved once, after both files
    assert messages_in(imap, mailbox) == 0
    sent = deliver_pending(engine, home=home, ctx=ctx)
    assert len(sent.sent) == 2
    replies = smtp.sink.wait_for(2)
    assert {r.rcpt_tos[0] for r in replies} == {"einkauf@acme-eu.example"}


def _rows(engine: Engine) -> list[ledger.LedgerRow]:
    with engine.connect() as conn:
        return ledger.list_files(conn)
