"""Delivery: every pending outbox item sent through its partner's channel, then marked sent.

Each file is archived, then delivered under its deterministic outbox name (tmp + rename on the
channel), then marked sent. A crash between delivering and marking re-delivers under the same
name, so the partner ends with one copy. E-mail replies (``email_reply``) go by SMTP.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import Engine

from orderport.channels import Attachment, Channel, ChannelError, SmtpSender
from orderport.channels.smtp import build_message
from orderport.pipeline import crash_recovery
from orderport.pipeline.answers import EMAIL_KIND, parse_email_envelope
from orderport.pipeline.channel_factory import smtp_from_env
from orderport.pipeline.intake import IntakeContext, crash_point
from orderport.store import outbox
from orderport.store.archive import archive_bytes
from orderport.store.events import WEBHOOK_KIND

log = logging.getLogger(__name__)


@dataclass
class DeliverySummary:
    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    """Outbox id -> error of this attempt (counted with ``mark_attempt_failed``)."""


def _email(item: outbox.OutboxItem, smtp: SmtpSender) -> EmailMessage:
    reply = parse_email_envelope(item.content)
    return build_message(
        smtp.settings,
        to=reply.to,
        subject=reply.subject,
        body=reply.body,
        attachments=[Attachment(a.name, a.data, a.content_type) for a in reply.attachments],
        in_reply_to=reply.in_reply_to,
    )


def deliver_pending(
    engine: Engine,
    partner_id: str | None = None,
    *,
    home: Path,
    ctx: IntakeContext | None = None,
    smtp: SmtpSender | None = None,
    max_attempts: int = 5,
    progress: Callable[[int, int], None] | None = None,
) -> DeliverySummary:
    """Send every pending outbox item (of one partner, or all); returns what was sent.

    ``progress(done, total)`` is called after each item (the CLI's progress bar)."""
    context = ctx or IntakeContext(home=home)
    crash_recovery.register_owner(home)
    with engine.connect() as conn:
        # Webhooks go by HTTP (pipeline.webhooks), not to the partner's channel.
        items = [i for i in outbox.pending(conn, partner_id) if i.kind != WEBHOOK_KIND]
    summary = DeliverySummary()
    channels: dict[str, Channel] = {}
    try:
        for done, item in enumerate(items, start=1):
            if progress is not None and done > 1:
                progress(done - 1, len(items))
            try:
                archive_bytes(home, item.content)
                if item.kind == EMAIL_KIND:
                    sender = smtp or smtp_from_env()
                    if sender is None:
                        raise ChannelError("no SMTP server configured (ORDERPORT_SMTP_HOST)")
                    sender.send(_email(item, sender))
                else:
                    channel = channels.get(item.partner_id)
                    if channel is None:
                        channel = context.channel(context.profile(item.partner_id))
                        channels[item.partner_id] = channel
                        crash_recovery.clean_temporaries(channel, home)
                    channel.deliver(item.filename, item.content)
            except ChannelError as exc:
                log.warning("outbox #%s (%s): delivery failed: %s", item.id, item.filename, exc)
                with engine.begin() as conn:
                    outbox.mark_attempt_failed(conn, item.id, str(exc), max_attempts=max_attempts)
                summary.failed[item.id] = str(exc)
                continue
            crash_point("after_deliver")
            with engine.begin() as conn:
                outbox.mark_sent(conn, item.id)
            summary.sent.append(item.id)
        if progress is not None and items:
            progress(len(items), len(items))
    finally:
        for channel in channels.values():
            channel.close()
    return summary
