"""Issue 15, "tracebacks instead of messages": every expected error is one or two lines saying
what is wrong and what to do, with a documented exit code; read-only commands create nothing."""

from __future__ import annotations

import io
import socket
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from operator_shell import Operator, Ran
from orderport import cli
from orderport.channels import ChannelRefused, TransportError
from orderport.errors import (
    ConfigurationError,
    ExitCode,
    FatalForFileError,
    OrderportError,
    PartnerInputError,
    RetriableError,
    explain,
)
from orderport.formats.base import FormatError
from orderport.partners.loading import ProfileError
from orderport.store.tracking import TrackingError


def short_message(ran: Ran, code: int) -> list[str]:
    """The error lines; fails unless they are few, traceback-free and end with ``code``."""
    assert ran.code == code, ran.text
    assert "Traceback" not in ran.text, ran.text
    lines = [line for line in ran.err.splitlines() if line.strip()]
    assert 1 <= len(lines) <= 2, ran.err
    return lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_every_command_before_init_says_run_init_and_creates_nothing(operator: Operator) -> None:
    for args in (["files"], ["pos"], ["show", "PO-1"], ["alerts", "list"], ["deliver"]):
        lines = short_message(operator(*args), ExitCode.CONFIG)
        assert "store not initialised" in lines[0]
        assert "orderport init" in lines[-1]
    assert not operator.home.exists()


def test_store_file_without_tables_says_run_init(operator: Operator) -> None:
    operator.home.mkdir()
    (operator.home / "orderport.db").write_bytes(b"")
    lines = short_message(operator("pos"), ExitCode.CONFIG)
    assert "store not initialised" in lines[0]


def test_mistyped_sqlite_path_creates_no_directories(operator: Operator, tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "deeper" / "orderport.db"
    operator.env["ORDERPORT_DATABASE_URL"] = f"sqlite:///{typo}"
    lines = short_message(operator("files"), ExitCode.CONFIG)
    assert str(typo) in lines[0]
    assert not (tmp_path / "typo").exists()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("notaurl", "not a database URL"),
        ("mysql://user@localhost/orders", "'mysql' databases are not supported"),
    ],
)
def test_unusable_database_url_is_a_configuration_error(
    operator: Operator, url: str, expected: str
) -> None:
    operator.env["ORDERPORT_DATABASE_URL"] = url
    lines = short_message(operator("files"), ExitCode.CONFIG)
    assert expected in lines[0]
    assert "postgresql://" in lines[1]


@pytest.mark.postgres
def test_postgres_wrong_role_and_database_are_named(operator: Operator, pg_server: str) -> None:
    host = pg_server.split("@", 1)[1].rsplit("/", 1)[0]
    operator.env["ORDERPORT_DATABASE_URL"] = f"postgresql://nobody:secret@{host}/postgres"
    lines = short_message(operator("files"), ExitCode.CONFIG)
    assert f"cannot connect to postgresql://nobody:***@{host}/postgres" in lines[0]
    assert 'role "nobody" does not exist' in lines[0]
    assert "secret" not in "".join(lines)
    operator.env["ORDERPORT_DATABASE_URL"] = f"postgresql://postgres@{host}/no_such_db"
    lines = short_message(operator("pos"), ExitCode.CONFIG)
    assert 'database "no_such_db" does not exist' in lines[0]


def test_postgres_wrong_port_is_transient(operator: Operator) -> None:
    operator.env["ORDERPORT_DATABASE_URL"] = f"postgresql://orderport@127.0.0.1:{free_port()}/x"
    lines = short_message(operator("files"), ExitCode.TRANSIENT)
    assert "cannot connect to postgresql://orderport@127.0.0.1" in lines[0]
    assert "refused" in lines[0].lower()


def test_init_with_missing_partners_folder_says_so(operator: Operator) -> None:
    missing = operator.cwd / "partners"
    operator.env["ORDERPORT_PARTNERS"] = str(missing)
    lines = short_message(operator("init"), ExitCode.CONFIG)
    assert f"partner profiles folder {missing} does not exist" in lines[0]
    assert not operator.home.exists()


def test_broken_profile_is_a_configuration_error_without_traceback(operator: Operator) -> None:
    folder = Path(operator.env["ORDERPORT_PARTNERS"])
    (folder / "broken.yaml").write_text("id: broken\ntier: nonsense\n")
    ran = operator("init")
    assert ran.code == ExitCode.CONFIG, ran.text
    assert "Traceback" not in ran.text
    assert "broken.yaml" in ran.err


def test_unknown_po_is_named(shop: Operator) -> None:
    lines = short_message(shop("show", "PO-NOPE"), ExitCode.FINDINGS)
    assert "no PO 'PO-NOPE'" in lines[0]


def test_usage_errors_exit_two(operator: Operator) -> None:
    assert operator("intake").code == ExitCode.CONFIG
    assert operator("files", "--state", "nonsense").code == ExitCode.CONFIG


def test_a_bug_still_shows_a_traceback_and_debug_the_whole_of_it() -> None:
    def inner() -> None:
        raise ZeroDivisionError("boom")

    try:
        inner()
    except ZeroDivisionError as exc:
        error = exc
    for debug in (False, True):
        cli._state["debug"] = debug
        buffer = io.StringIO()
        with redirect_stderr(buffer):
            code = cli.report_error(error)
        assert code == ExitCode.BUG
        assert "Traceback" in buffer.getvalue()
        assert "ZeroDivisionError: boom" in buffer.getvalue()
        assert ("--debug for the full traceback" in buffer.getvalue()) is not debug
    cli._state["debug"] = False


def test_one_error_tree_holds_the_existing_errors() -> None:
    assert issubclass(TransportError, RetriableError)
    assert issubclass(ChannelRefused, FatalForFileError)
    assert issubclass(FormatError, FatalForFileError)
    assert issubclass(TrackingError, PartnerInputError)
    assert issubclass(TrackingError, ValueError)
    assert issubclass(ProfileError, ConfigurationError)
    for branch in (RetriableError, FatalForFileError, PartnerInputError, ConfigurationError):
        assert issubclass(branch, OrderportError)
    assert TransportError("x").exit_code == ExitCode.TRANSIENT
    assert explain(ValueError("not ours")) is None
