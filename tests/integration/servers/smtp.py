"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives for the test to read."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from servers.ports import free_port


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class MailSink:
    """aiosmtpd handler: stores every accepted message."""

    received: list[Delivered] = field(default_factory=list)
    arrived: threading.Condition = field(default_factory=threading.Condition)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        msg = BytesParser(policy=policy.default).parsebytes(envelope.original_content)
        with self.arrived:
            self.received.append(Delivered(envelope.mail_from, list(envelope.rcpt_tos), msg))
            self.arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10) -> list[Delivered]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout):
                raise AssertionError(f"expected {count} messages, got {len(self.received)}")
            return list(self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    sink: MailSink
    controller: Controller
    running: bool = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            self.controller.stop()


def start_smtp() -> SmtpServer:
    sink = MailSink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    return SmtpServer("127.0.0.1", port, sink, controller)
