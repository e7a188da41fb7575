"""IMAP channel against a real Dovecot on loopback; partner mail arrives by IMAP APPEND."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from email.message import EmailMessage

import pytest

from orderport.channels import ChannelRefused, TransportError, safe_display_name
from orderport.channels.imap import ImapChannel, ImapSettings

pytestmark = pytest.mark.integration

PARTNER = "orders@acme.example"
TRUSTED = "mx.orderport.test"


def settings_for(server, **overrides) -> ImapSettings:
    base = ImapSettings(
        host=server.host,
        port=server.port,
        username=server.username,
        ssl=False,
        allowed_senders=(PARTNER, "@beta.example"),
        timeout=5,
    )
    return replace(base, **overrides)


def channel_for(server, seen=None, **overrides) -> ImapChannel:
    return ImapChannel(settings_for(server, **overrides), server.password, seen=seen)


def mail(
    files: list[tuple[str, bytes]],
    sender: str = PARTNER,
    message_id: str = "<po-1@acme.example>",
    headers: dict[str, str] | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"ACME Orders <{sender}>"
    msg["To"] = "po@orderport.test"
    msg["Subject"] = "Purchase orders"
    msg["Message-ID"] = message_id
    msg["Date"] = "Mon, 03 Mar 2025 10:00:00 +0000"
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content("Please find our orders attached.")
    for name, data in files:
        msg.add_attachment(data, maintype="text", subtype="csv", filename=name)
    return bytes(msg)


def flags_in(server, folder: str) -> list[str]:
    conn = server.connect()
    try:
        conn.select(f'"{folder}"', readonly=True)
        _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
        return [d.decode() for d in data if isinstance(d, bytes)]
    finally:
        conn.logout()


def count_in(server, folder: str) -> int:
    conn = server.connect()
    try:
        _typ, data = conn.select(f'"{folder}"', readonly=True)
        return int(data[0])
    finally:
        conn.logout()


def take_all(ch: ImapChannel, workdir, ok: bool = True):
    got = []
    for cand in ch.list_candidates():
        claimed = ch.claim(cand)
        assert claimed is not None
        got.append(ch.fetch(claimed, workdir))
        ch.finish(claimed, ok=ok)
    return got


def test_attachments_fetched_with_peek_and_never_marked_seen(dovecot, tmp_path):
    a, b = b"po,sku\n4500,001\n", b"\x00\x01binary\xff" * 100
    dovecot.append(mail([("orders.csv", a), ("more.csv", b)]))
    ch = channel_for(dovecot)
    cands = ch.list_candidates()
    assert [(c.name, c.size) for c in cands] == [("orders.csv", len(a)), ("more.csv", len(b))]
    claimed = [ch.claim(c) for c in cands]
    assert all(claimed)
    fetched = [ch.fetch(c, tmp_path) for c in claimed]
    assert [f.path.read_bytes() for f in fetched] == [a, b]
    assert fetched[0].sha256 == hashlib.sha256(a).hexdigest()
    assert fetched[0].metadata["sender"] == PARTNER
    assert fetched[0].metadata["message_id"] == "<po-1@acme.example>"
    [proc_flags] = flags_in(dovecot, "orderport-processing")
    assert "\\Seen" not in proc_flags
    for c in claimed:
        ch.finish(c, ok=True)
    assert count_in(dovecot, "INBOX") == 0
    assert count_in(dovecot, "orderport-processing") == 0
    [done_flags] = flags_in(dovecot, "orderport-processed")
    assert "\\Seen" not in done_flags
    ch.close()


def test_uid_and_message_id_tracking_reads_each_message_once(dovecot, tmp_path):
    seen: set[str] = set()
    dovecot.append(mail([("a.csv", b"1")], message_id="<a@acme.example>"))
    ch = channel_for(dovecot, seen=seen, move_refused=False)
    assert [f.original_name for f in take_all(ch, tmp_path)] == ["a.csv"]
    ch.close()
    assert any(k.startswith("uid:INBOX:") for k in seen)
    assert "msgid:<a@acme.example>" in seen
    # the partner's mail is filed again (new UID, same Message-ID) and a new one arrives
    dovecot.append(mail([("a.csv", b"1")], message_id="<a@acme.example>"))
    dovecot.append(mail([("b.csv", b"2")], message_id="<b@acme.example>"))
    again = channel_for(dovecot, seen=seen)
    assert [c.name for c in again.list_candidates()] == ["b.csv"]
    again.close()


def test_seen_uid_is_skipped_without_fetching(dovecot):
    dovecot.append(mail([("a.csv", b"1")]))
    ch = channel_for(dovecot)
    [cand] = ch.list_candidates()
    validity = re.search(r"UIDVALIDITY=(\d+);UID=(\d+)", cand.ref)
    assert validity
    seen = {f"uid:INBOX:{validity.group(1)}:{validity.group(2)}"}
    assert channel_for(dovecot, seen=seen).list_candidates() == []


ENCODED = (
    b"From: ACME <orders@acme.example>\r\n"
    b"To: po@orderport.test\r\n"
    b"Subject: =?ISO-8859-1?Q?Bestellung_f=FCr_M=E4rz?=\r\n"
    b"Message-ID: <enc@acme.example>\r\n"
    b"MIME-Version: 1.0\r\n"
    b'Content-Type: multipart/mixed; boundary="BB"\r\n'
    b"\r\n"
    b"--BB\r\n"
    b"Content-Type: text/plain; charset=windows-1252\r\n"
    b"Content-Transfer-Encoding: quoted-printable\r\n"
    b"\r\n"
    b"Gr=FC=DFe\r\n"
    b"--BB\r\n"
    b"Content-Type: text/csv; charset=iso-8859-1\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b'Content-Disposition: attachment; filename="=?UTF-8?B?w5xiZXJzaWNodCDimIMuY3N2?="\r\n'
    b"\r\n"
    b"cG8sTeRyego=\r\n"
    b"--BB\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Disposition: attachment; filename*=iso-8859-1''%E9t%E9%20commande.csv\r\n"
    b"\r\n"
    b"AAEC\r\n"
    b"--BB\r\n"
    b"Content-Type: application/octet-stream\r\n"
    b"Content-Transfer-Encoding: base64\r\n"
    b"Content-Disposition: attachment;\r\n"
    b" filename*0*=UTF-8''%E6%B3%A8%E6%96%87;\r\n"
    b" filename*1*=%E6%9B%B8.edi\r\n"
    b"\r\n"
    b"SVNBKg==\r\n"
    b"--BB--\r\n"
)


def test_rfc2047_and_rfc2231_names_are_decoded(dovecot, tmp_path):
    dovecot.append(ENCODED)
    got = take_all(channel_for(dovecot), tmp_path)
    assert [f.original_name for f in got] == ["Übersicht ☃.csv", "été commande.csv", "注文書.edi"]
    # attachment bytes are the partner's bytes, whatever charset they are in
    assert [f.path.read_bytes() for f in got] == [b"po,M\xe4rz\n", b"\x00\x01\x02", b"ISA*"]
    assert got[0].metadata["subject"] == "Bestellung für März"
    assert all(f.path.suffix in (".csv", ".edi") for f in got)


def test_sender_allow_list(dovecot, tmp_path):
    dovecot.append(mail([("a.csv", b"1")], sender="mallory@evil.example", message_id="<m@e>"))
    dovecot.append(mail([("b.csv", b"2")], sender="ops@beta.example", message_id="<b@b>"))
    dovecot.append(mail([("c.csv", b"3")], sender="ops@sub.beta.example", message_id="<c@b>"))
    seen: set[str] = set()
    ch = channel_for(dovecot, seen=seen)
    assert [c.name for c in ch.list_candidates()] == ["b.csv"]
    reasons = {r.sender: r.reason for r in ch.refused}
    assert set(reasons) == {"mallory@evil.example", "ops@sub.beta.example"}
    assert "allow-list" in reasons["mallory@evil.example"]
    assert count_in(dovecot, "orderport-failed") == 2
    assert "msgid:<m@e>" in seen
    ch.close()


def test_dmarc_and_dkim_requirements_trust_only_our_authserv_id(dovecot, tmp_path):
    def ar(text: str) -> dict[str, str]:
        return {"Authentication-Results": text}

    dovecot.append(
        mail(
            [("pass.csv", b"1")],
            message_id="<1@a>",
            headers=ar(
                f"{TRUSTED}; spf=pass smtp.mailfrom=acme.example;"
                " dkim=pass (good sig) header.d=acme.example header.s=k1;"
                " dmarc=pass (p=reject) header.from=acme.example"
            ),
        )
    )
    dovecot.append(
        mail(
            [("fail.csv", b"2")],
            message_id="<2@a>",
            headers=ar(
                f"{TRUSTED}; dkim=fail header.d=acme.example; dmarc=fail header.from=acme.example"
            ),
        )
    )
    dovecot.append(
        mail(
            [("forged.csv", b"3")],
            message_id="<3@a>",
            headers=ar(
                "mx.evil.example; dkim=pass header.d=acme.example;"
                " dmarc=pass header.from=acme.example"
            ),
        )
    )
    dovecot.append(
        mail(
            [("other-domain-dkim.csv", b"4")],
            message_id="<4@a>",
            headers=ar(
                f"{TRUSTED}; dkim=pass header.d=bulkmailer.example;"
                " dmarc=pass header.from=acme.example"
            ),
        )
    )
    dmarc = channel_for(dovecot, require_dmarc=True, authserv_ids=(TRUSTED,), move_refused=False)
    assert [c.name for c in dmarc.list_candidates()] == ["pass.csv", "other-domain-dkim.csv"]
    assert {r.message_id for r in dmarc.refused} == {"<2@a>", "<3@a>"}
    dmarc.close()
    both = channel_for(
        dovecot, require_dmarc=True, require_dkim=True, authserv_ids=(TRUSTED,), move_refused=False
    )
    assert [c.name for c in both.list_candidates()] == ["pass.csv"]
    both.close()
    with pytest.raises(ValueError, match="authserv_ids"):
        settings_for(dovecot, require_dmarc=True)


def test_same_name_attachments_both_survive(dovecot, tmp_path):
    dovecot.append(mail([("orders.csv", b"first\n"), ("orders.csv", b"second\n")]))
    got = take_all(channel_for(dovecot), tmp_path)
    assert [f.original_name for f in got] == ["orders.csv", "orders.csv"]
    assert len({f.path for f in got}) == 2
    assert sorted(f.path.read_bytes() for f in got) == [b"first\n", b"second\n"]


HOSTILE = ["../../x.csv", "/etc/passwd", "a\x00b.csv", "y" * 300 + ".csv", "line\nbreak.csv"]


def hostile_mail() -> bytes:
    """RFC 2231 lets a sender put any byte, NUL and newline included, into a file name."""
    parts = [
        b"From: orders@acme.example\r\nMessage-ID: <hostile@acme.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="BB"\r\n\r\n'
    ]
    for i, name in enumerate(HOSTILE):
        encoded = "".join(c if c.isalnum() or c in ".-" else f"%{ord(c):02X}" for c in name)
        parts.append(
            b"--BB\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Disposition: attachment; filename*=utf-8''"
            + encoded.encode()
            + b"\r\n\r\n"
            + str(i).encode()
            + b"\r\n"
        )
    parts.append(b"--BB--\r\n")
    return b"".join(parts)


def test_hostile_attachment_names_never_become_paths(dovecot, tmp_path):
    dovecot.append(hostile_mail())
    work = tmp_path / "work"
    got = take_all(channel_for(dovecot), work)
    assert [f.original_name for f in got] == HOSTILE
    for f in got:
        assert f.path.parent == work
        assert f.path.read_bytes() == str(HOSTILE.index(f.original_name)).encode()
        shown = f.metadata["display_name"]
        assert "\n" not in shown
        assert "\x00" not in shown
        assert len(shown) <= 120
    assert sorted(p.name for p in work.iterdir()) == sorted(f.path.name for f in got)
    assert not (tmp_path.parent / "x.csv").exists()
    assert safe_display_name("line\nbreak.csv") == "line\\nbreak.csv"


def test_claim_race_one_poller_wins(dovecot, tmp_path):
    dovecot.append(mail([("a.csv", b"1")]))
    a, b = channel_for(dovecot), channel_for(dovecot)
    [ca], [cb] = a.list_candidates(), b.list_candidates()
    assert a.claim(ca) is not None
    assert b.claim(cb) is None
    assert count_in(dovecot, "orderport-processing") == 1
    a.close()
    b.close()


def test_copy_store_expunge_fallback(dovecot, tmp_path):
    dovecot.append(mail([("a.csv", b"1")]))
    ch = channel_for(dovecot, use_move=False)
    [got] = take_all(ch, tmp_path, ok=False)
    assert got.path.read_bytes() == b"1"
    assert count_in(dovecot, "INBOX") == 0
    assert count_in(dovecot, "orderport-processing") == 0
    assert count_in(dovecot, "orderport-failed") == 1
    ch.close()


def test_crashed_pass_is_recovered(dovecot, tmp_path):
    dovecot.append(mail([("a.csv", b"1"), ("b.csv", b"2")]))
    first = channel_for(dovecot)
    for cand in first.list_candidates():
        assert first.claim(cand) is not None
    first.close()  # dies before fetching
    assert channel_for(dovecot).recover() == []  # a fresh claim is not stolen
    later = channel_for(dovecot, stale_claim_seconds=0)
    assert later.list_candidates() == []
    orphans = later.recover()
    assert [o.candidate.name for o in orphans] == ["a.csv", "b.csv"]
    for o in orphans:
        assert later.fetch(o, tmp_path).size == 1
        later.finish(o, ok=True)
    assert count_in(dovecot, "orderport-processed") == 1
    assert count_in(dovecot, "orderport-processing") == 0


def test_size_caps(dovecot, tmp_path):
    dovecot.append(mail([("big.csv", b"x" * 5000)], message_id="<big@a>"))
    ch = channel_for(dovecot, max_file_bytes=1000)
    [cand] = ch.list_candidates()
    claimed = ch.claim(cand)
    assert claimed is not None
    with pytest.raises(ChannelRefused, match="over the cap"):
        ch.fetch(claimed, tmp_path)
    ch.finish(claimed, ok=False)
    assert count_in(dovecot, "orderport-failed") == 1
    dovecot.append(mail([("huge.csv", b"x" * 5000)], message_id="<huge@a>"))
    small = channel_for(dovecot, max_message_bytes=2000)
    assert small.list_candidates() == []
    assert "bytes" in small.refused[0].reason


def test_wrong_password_and_server_down(dovecot):
    bad = ImapChannel(settings_for(dovecot), "wrong-password")
    with pytest.raises(ChannelRefused, match="authentication failed"):
        bad.list_candidates()
    ch = channel_for(dovecot)
    dovecot.stop()
    with pytest.raises(TransportError):
        ch.list_candidates()
