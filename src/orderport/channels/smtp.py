"""Replies by mail (smtplib): the result files go back to the partner's verified sender."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from orderport.channels.base import ChannelRefused, Fetched, TransportError
from orderport.channels.names import check_outbound_name


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    content_type: str = "application/octet-stream"


def build_message(
    settings: SmtpSettings,
    to: str,
    subject: str,
    body: str,
    attachments: Sequence[Attachment] = (),
    in_reply_to: str | None = None,
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[-1])
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    for att in attachments:
        check_outbound_name(att.name)
        maintype, _, subtype = att.content_type.partition("/")
        msg.add_attachment(
            att.data, maintype=maintype, subtype=subtype or "octet-stream", filename=att.name
        )
    return msg


class SmtpSender:
    """Sends one message per call; a connection is not kept between replies."""

    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self._password = password

    def send(self, msg: EmailMessage) -> str:
        """Send ``msg``; returns its Message-ID."""
        s = self.settings
        where = f"smtp://{s.host}:{s.port}"
        try:
            smtp: smtplib.SMTP
            if s.ssl:
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            with smtp:
                if s.starttls and not s.ssl:
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, self._password or "")
                smtp.send_message(msg)
        except smtplib.SMTPAuthenticationError as exc:
            raise ChannelRefused(f"{where}: authentication failed: {exc}") from exc
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as exc:
            raise ChannelRefused(f"{where}: refused: {exc}") from exc
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise ChannelRefused(f"{where}: {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise TransportError(f"{where}: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransportError(f"{where}: {type(exc).__name__}: {exc}") from exc
        return str(msg["Message-ID"])

    def reply(self, fetched: Fetched, body: str, attachments: Sequence[Attachment] = ()) -> str:
        """Answer the message a file came in: to its sender, threaded under it."""
        sender = fetched.metadata.get("sender")
        if not sender:
            raise ChannelRefused(
                f"{fetched.original_name!r} did not come by mail; there is no sender to reply to"
            )
        subject = fetched.metadata.get("subject", "")
        if not subject.lower().startswith("re:"):
            subject = f"Re: {subject}".strip()
        msg = build_message(
            self.settings,
            to=sender,
            subject=subject,
            body=body,
            attachments=attachments,
            in_reply_to=fetched.metadata.get("message_id") or None,
        )
        return self.send(msg)
