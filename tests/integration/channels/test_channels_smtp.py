"""Mail replies through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import pytest

from orderport.channels import ChannelRefused, TransportError
from orderport.channels.imap import ImapChannel, ImapSettings
from orderport.channels.smtp import Attachment, SmtpSender, SmtpSettings, build_message

pytestmark = pytest.mark.integration


def sender_for(server) -> SmtpSender:
    return SmtpSender(
        SmtpSettings(
            host=server.host,
            port=server.port,
            sender="po@orderport.test",
            starttls=False,
            timeout=5,
        )
    )


def partner_mail() -> bytes:
    return (
        b"From: ACME <orders@acme.example>\r\nTo: po@orderport.test\r\n"
        b"Subject: Orders week 10\r\nMessage-ID: <w10@acme.example>\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n'
        b"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        b'--B\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename="w10.csv"\r\n'
        b"\r\npo,qty\r\n1,2\r\n--B--\r\n"
    )


def test_reply_to_the_sender_with_result_file(dovecot, smtp_server, tmp_path):
    dovecot.append(partner_mail())
    settings = ImapSettings(
        host=dovecot.host,
        port=dovecot.port,
        username=dovecot.username,
        ssl=False,
        allowed_senders=("@acme.example",),
    )
    ch = ImapChannel(settings, dovecot.password)
    [cand] = ch.list_candidates()
    claimed = ch.claim(cand)
    assert claimed is not None
    fetched = ch.fetch(claimed, tmp_path)
    result = b"po,outcome\n1,created\n"
    sent_id = sender_for(smtp_server).reply(
        fetched, "1 PO created.", [Attachment("w10-result.csv", result, "text/csv")]
    )
    ch.finish(claimed, ok=True)
    ch.close()
    [got] = smtp_server.sink.wait_for(1)
    assert got.rcpt_tos == ["orders@acme.example"]
    assert got.message["Subject"] == "Re: Orders week 10"
    assert got.message["In-Reply-To"] == "<w10@acme.example>"
    assert got.message["Message-ID"] == sent_id
    [att] = list(got.message.iter_attachments())
    assert att.get_filename() == "w10-result.csv"
    assert att.get_payload(decode=True) == result
    assert "1 PO created." in got.message.get_body(("plain",)).get_content()


def test_imap_channel_delivers_outbound_files_by_mail(dovecot, smtp_server):
    settings = ImapSettings(
        host=dovecot.host,
        port=dovecot.port,
        username=dovecot.username,
        ssl=False,
        allowed_senders=("@acme.example",),
        reply_to="edi@acme.example",
    )
    ch = ImapChannel(settings, dovecot.password, sender=sender_for(smtp_server))
    ch.deliver("status-20250303.csv", b"po,status\n1,shipped\n")
    [got] = smtp_server.sink.wait_for(1)
    assert got.rcpt_tos == ["edi@acme.example"]
    [att] = list(got.message.iter_attachments())
    assert (att.get_filename(), att.get_payload(decode=True)) == (
        "status-20250303.csv",
        b"po,status\n1,shipped\n",
    )
    without = ImapChannel(settings, dovecot.password)
    with pytest.raises(ChannelRefused):
        without.deliver("x.csv", b"1")


def test_smtp_down_is_transport_error_and_bad_names_refused(smtp_server):
    sender = sender_for(smtp_server)
    msg = build_message(sender.settings, to="a@b.example", subject="s", body="b")
    smtp_server.stop()
    with pytest.raises(TransportError):
        sender.send(msg)
    with pytest.raises(ChannelRefused):
        build_message(sender.settings, "a@b.example", "s", "b", [Attachment("../etc/passwd", b"x")])
