"""A real OpenSSH sshd on a free loopback port, with generated host and client keys.

Needs Debian's ``openssh-server`` and ``openssh-client``. Missing binaries fail the test with a
message saying what to install: a channel test that silently skips would prove nothing.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path

from servers.ports import free_port, wait_for_port
from servers.procs import kill_tree, signal_tree

SSHD = Path("/usr/sbin/sshd")
PACKAGES = "openssh-server openssh-client"


def require_binaries() -> None:
    missing = [p for p in (str(SSHD), "ssh-keygen", "sftp") if shutil.which(p) is None]
    if missing:
        raise RuntimeError(
            f"integration tests need {', '.join(missing)}: "
            f"apt-get update && apt-get install -y {PACKAGES}"
        )


def keygen(path: Path, comment: str) -> None:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", str(path)],
        check=True,
    )


@dataclass
class SshServer:
    """A running sshd; ``root`` is the folder an SFTP session starts in."""

    host: str
    port: int
    username: str
    key_path: Path
    known_hosts: Path
    root: Path
    base: Path
    proc: subprocess.Popen[bytes] | None = None

    @property
    def config(self) -> Path:
        return self.base / "sshd_config"

    @property
    def log(self) -> Path:
        return self.base / "sshd.log"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [str(SSHD), "-D", "-e", "-f", str(self.config)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for_port(self.port, 10, "sshd", self.log.read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        """Kill sshd and every session it forked (a hard server crash)."""
        if self.proc is not None:
            kill_tree(self.proc)
            self.proc = None

    def freeze(self) -> None:
        """SIGSTOP the server and its sessions: connections stay open, no byte moves."""
        assert self.proc is not None
        signal_tree(self.proc, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        signal_tree(self.proc, signal.SIGCONT)

    def sftp_batch(self, commands: str, cwd: Path | None = None) -> str:
        """Run the OpenSSH ``sftp`` client in batch mode, as a partner would."""
        batch = self.base / "batch.txt"
        batch.write_text(commands)
        result = subprocess.run(
            [
                "sftp",
                "-b",
                str(batch),
                "-i",
                str(self.key_path),
                "-P",
                str(self.port),
                "-o",
                f"UserKnownHostsFile={self.known_hosts}",
                "-o",
                "StrictHostKeyChecking=yes",
                "-o",
                "BatchMode=yes",
                f"{self.username}@{self.host}",
            ],
            capture_output=True,
            text=True,
            cwd=cwd,
            timeout=60,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"sftp -b failed ({result.returncode}): {result.stderr}")
        return result.stdout


def make_server(base: Path) -> SshServer:
    """Write keys and config under ``base`` and start sshd."""
    require_binaries()
    base.mkdir(parents=True, exist_ok=True)
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # privilege-separation dir sshd insists on
    host_key = base / "host_ed25519"
    client_key = base / "client_ed25519"
    keygen(host_key, "orderport-test-host")
    keygen(client_key, "orderport-test-client")
    authorized = base / "authorized_keys"
    shutil.copyfile(client_key.with_suffix(".pub"), authorized)
    os.chmod(authorized, 0o600)
    root = base / "sftp-root"
    root.mkdir()
    port = free_port()
    host = "127.0.0.1"
    known_hosts = base / "known_hosts"
    host_pub = host_key.with_suffix(".pub").read_text().split()
    known_hosts.write_text(f"[{host}]:{port} {host_pub[0]} {host_pub[1]}\n")
    server = SshServer(
        host=host,
        port=port,
        username=getpass.getuser(),
        key_path=client_key,
        known_hosts=known_hosts,
        root=root,
        base=base,
    )
    server.config.write_text(
        "\n".join(
            [
                f"Port {port}",
                f"ListenAddress {host}",
                f"HostKey {host_key}",
                f"PidFile {base / 'sshd.pid'}",
                f"AuthorizedKeysFile {authorized}",
                "AuthenticationMethods publickey",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                "PermitRootLogin prohibit-password",
                "StrictModes no",
                "LogLevel INFO",
                "MaxStartups 50:30:100",
                "MaxSessions 50",
                f"Subsystem sftp internal-sftp -d {root}",
                "",
            ]
        )
    )
    server.start()
    return server
