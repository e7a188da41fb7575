"""One error tree for Orderport, and how each branch ends a command.

Every error we expect (a partner's bad file, a broken deployment, a server that is down) is an
``OrderportError`` in one of four branches, so callers decide by branch, not by module:

- ``RetriableError``: transport failures, a busy or unreachable database. The next pass may work.
- ``FatalForFileError``: this file can never be processed as sent (wrong format, hostile name).
- ``PartnerInputError``: the partner's data is wrong in a way the partner must fix.
- ``ConfigurationError``: the deployment is wrong (store not initialised, bad URL, profiles);
  an operator must act.

``explain`` also turns the few foreign exceptions a deployment mistake produces (SQLAlchemy
connection and "no such table" errors) into these, so the CLI can print one or two lines instead
of a traceback. Standard library only: the CLI imports this before anything else.
"""

from __future__ import annotations

import re
from enum import IntEnum


class ExitCode(IntEnum):
    """The ``orderport`` command's exit codes (documented in the README)."""

    OK = 0
    FINDINGS = 1
    """Findings or rejections: the command ran, the data has problems."""
    CONFIG = 2
    """Usage or configuration: fix the command line, the environment or the profiles."""
    TRANSIENT = 3
    """A server was unreachable or busy: try again later."""
    BUG = 4
    """An unexpected error in Orderport itself (traceback shown)."""


class OrderportError(Exception):
    """Root of every error Orderport expects. ``hint`` says what to do about it."""

    exit_code: ExitCode = ExitCode.FINDINGS

    def __init__(self, message: str = "", hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class RetriableError(OrderportError):
    """Transient: a transport failure or a busy/unreachable database; the next pass retries."""

    exit_code = ExitCode.TRANSIENT


class FatalForFileError(OrderportError):
    """This file cannot be processed as sent; retrying the same bytes cannot help."""


class PartnerInputError(OrderportError):
    """The partner's data is wrong; the partner (or an analyst) must correct it."""


class ConfigurationError(OrderportError):
    """The deployment or the command line is wrong; an operator must act."""

    exit_code = ExitCode.CONFIG


class StoreNotInitialisedError(ConfigurationError):
    """The fulfillment store has no tables (or no file) yet."""

    def __init__(self, where: str) -> None:
        super().__init__(f"store not initialised at {where}", "run: orderport init")


class DatabaseUrlError(ConfigurationError):
    """``ORDERPORT_DATABASE_URL`` is not a URL we can use."""


class DatabaseConnectError(ConfigurationError):
    """The server answered but refused us (unknown role or database, bad password)."""


class DatabaseUnavailableError(RetriableError):
    """The database server could not be reached, or stayed busy (locked) too long."""


class UnknownPartnerError(ConfigurationError, LookupError):
    """No profile (or no registered row) for the partner named on the command line."""


class NotFoundError(OrderportError, LookupError):
    """A PO, file or alert the operator named does not exist."""


class AmbiguousError(ConfigurationError):
    """A short name matched more than one thing; the operator must say which."""


_PG_FATAL = re.compile(r"FATAL:\s+(?P<reason>[^\n]+)")
_REFUSED = ("Connection refused", "could not translate host name", "timeout expired", "timed out")
_LOCKED = ("database is locked", "database is busy")
_NO_TABLE = re.compile(r"no such table|relation \"[^\"]+\" does not exist|UndefinedTable")


def explain(exc: BaseException, where: str = "the store") -> OrderportError | None:
    """``exc`` as an ``OrderportError`` when it is a known deployment/transient problem."""
    if isinstance(exc, OrderportError):
        return exc
    module = type(exc).__module__
    if module.startswith("sqlalchemy"):
        return _explain_sqlalchemy(exc, where)
    return None


def _explain_sqlalchemy(exc: BaseException, where: str) -> OrderportError | None:
    text = str(getattr(exc, "orig", None) or exc)
    name = type(exc).__name__
    if _NO_TABLE.search(text) or _NO_TABLE.search(type(getattr(exc, "orig", None)).__name__):
        return StoreNotInitialisedError(where)
    if name == "ArgumentError":
        return DatabaseUrlError(
            f"ORDERPORT_DATABASE_URL is not a database URL ({where})",
            "use sqlite:///PATH/orderport.db or postgresql://USER@HOST:PORT/DATABASE",
        )
    if name != "OperationalError":
        return None
    fatal = _PG_FATAL.search(text)
    if fatal:
        return DatabaseConnectError(
            f"cannot connect to {where}: {fatal.group('reason').strip()}",
            "check the role, password and database name in ORDERPORT_DATABASE_URL",
        )
    if any(marker in text for marker in _REFUSED):
        first = text.strip().splitlines()[0] if text.strip() else name
        reason = first.split("failed:")[-1].strip()
        return DatabaseUnavailableError(
            f"cannot connect to {where}: {reason}",
            "is the server running, and are host and port in ORDERPORT_DATABASE_URL right?",
        )
    if any(marker in text for marker in _LOCKED):
        return DatabaseUnavailableError(
            f"{where} is busy: {text.strip().splitlines()[0]}",
            "another orderport process holds the store; try again shortly",
        )
    return None
