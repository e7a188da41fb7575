"""A real Dovecot IMAP server on a free loopback port, configured from scratch in a temp dir.

Needs Debian's ``dovecot-imapd``. No system configuration is read (``-c`` points at ours); mail
is stored as Maildir under the temp dir and owned by an unprivileged system user, because
Dovecot refuses to access mail as root.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from servers.ports import free_port, wait_for_port
from servers.procs import kill_tree

DOVECOT = Path("/usr/sbin/dovecot")
PACKAGES = "dovecot-imapd"
MAIL_USER = "nobody"


def require_binaries() -> None:
    if not DOVECOT.exists():
        raise RuntimeError(
            f"integration tests need {DOVECOT}: apt-get update && apt-get install -y {PACKAGES}"
        )


def dovecot_version() -> tuple[int, int]:
    out = subprocess.run([str(DOVECOT), "--version"], capture_output=True, text=True, check=True)
    major, minor = out.stdout.split()[0].split(".")[:2]
    return int(major), int(minor)


@dataclass
class ImapServer:
    host: str
    port: int
    username: str
    password: str
    base: Path
    proc: subprocess.Popen[bytes] | None = None

    def connect(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4(self.host, self.port, timeout=10)
        conn.login(self.username, self.password)
        return conn

    def append(self, raw: bytes, folder: str = "INBOX", flags: str = "") -> None:
        """Deliver a partner's message the way a mail client files one: IMAP APPEND."""
        conn = self.connect()
        try:
            typ, data = conn.append(folder, f"({flags})" if flags else None, None, raw)
            if typ != "OK":
                raise RuntimeError(f"APPEND to {folder} failed: {data!r}")
        finally:
            conn.logout()

    def stop(self) -> None:
        if self.proc is not None:
            kill_tree(self.proc)
            self.proc = None


def make_server() -> ImapServer:
    require_binaries()
    # pytest's tmp_path is private to root (0700); the mail user must be able to reach its mail.
    base = Path(tempfile.mkdtemp(prefix="orderport-dovecot-"))
    os.chmod(base, 0o755)
    mail_user = pwd.getpwnam(MAIL_USER)
    mail = base / "mail"
    mail.mkdir()
    os.chown(mail, mail_user.pw_uid, mail_user.pw_gid)
    port = free_port()
    username, password = "partner", "s3cret-test-only"
    passwd = base / "passwd"
    passwd.write_text(f"{username}:{{PLAIN}}{password}::::::\n")
    os.chmod(passwd, 0o644)
    major, minor = dovecot_version()
    if (major, minor) >= (2, 4):
        version_lines = ["dovecot_config_version = 2.4.0", "dovecot_storage_version = 2.4.0"]
        cleartext = "auth_allow_cleartext = yes"
        passdb = f"passdb passwd-file {{\n  passwd_file_path = {passwd}\n}}"
        userdb = (
            "userdb static {\n"
            f"  fields {{\n    uid = {mail_user.pw_uid}\n    gid = {mail_user.pw_gid}\n"
            f"    home = {mail}/%{{user}}\n  }}\n}}"
        )
        location = f"mail_driver = maildir\nmail_path = {mail}/%{{user}}/Maildir"
    else:
        version_lines = []
        cleartext = "disable_plaintext_auth = no"
        passdb = f"passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {passwd}\n}}"
        userdb = (
            "userdb {\n  driver = static\n"
            f"  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={mail}/%u\n}}"
        )
        location = f"mail_location = maildir:{mail}/%u/Maildir"
    config = base / "dovecot.conf"
    config.write_text(
        "\n".join(
            [
                *version_lines,
                f"base_dir = {base}/run",
                f"state_dir = {base}/state",
                f"log_path = {base}/dovecot.log",
                "protocols = imap",
                "listen = 127.0.0.1",
                "ssl = no",
                cleartext,
                "auth_mechanisms = plain login",
                f"first_valid_uid = {min(mail_user.pw_uid, 100)}",
                location,
                passdb,
                userdb,
                "service imap-login {\n  inet_listener imap {\n"
                f"    address = 127.0.0.1\n    port = {port}\n  }}\n"
                "  inet_listener imaps {\n    port = 0\n  }\n}",
                "service anvil {\n  chroot =\n}",
                "service imap-login {\n  chroot =\n}",
                "",
            ]
        )
    )
    server = ImapServer("127.0.0.1", port, username, password, base)
    with (base / "stdout.log").open("ab") as log:
        server.proc = subprocess.Popen(
            [str(DOVECOT), "-F", "-c", str(config)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, 15, "dovecot", _logs(base))
    except BaseException:
        server.stop()
        raise
    return server


def _logs(base: Path) -> str:
    parts = []
    for name in ("stdout.log", "dovecot.log"):
        p = base / name
        if p.exists():
            parts.append(p.read_text(errors="replace")[-2000:])
    return "\n".join(parts)


def remove(server: ImapServer) -> None:
    server.stop()
    shutil.rmtree(server.base, ignore_errors=True)
