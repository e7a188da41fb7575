"""Integration fixtures: real servers on loopback (see servers/)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from servers.dovecot import ImapServer, remove
from servers.dovecot import make_server as make_imap
from servers.smtp import SmtpServer, start_smtp
from servers.sshd import SshServer
from servers.sshd import make_server as make_sshd


@pytest.fixture
def sshd(tmp_path: Path) -> Iterator[SshServer]:
    server = make_sshd(tmp_path / "sshd")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def dovecot() -> Iterator[ImapServer]:
    server = make_imap()
    try:
        yield server
    finally:
        remove(server)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = start_smtp()
    try:
        yield server
    finally:
        server.stop()
