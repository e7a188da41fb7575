"""What every command shares: the console, opening the store, partner look-ups.

Heavy modules (SQLAlchemy, the pipeline) are imported inside the functions so that
``orderport --help`` and small commands start quickly.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from orderport.errors import (
    ConfigurationError,
    DatabaseUrlError,
    StoreNotInitialisedError,
    UnknownPartnerError,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from orderport.partners import PartnerProfile

console = Console()
err_console = Console(stderr=True)

OnlyPartnerOpt = Annotated[
    str | None, typer.Option("--partner", "-p", help="Only this partner (its profile id).")
]

_PASSWORD = re.compile(r"(//[^:/@]*):[^@/]*@")
SUPPORTED_BACKENDS = ("sqlite", "postgresql", "postgres")


def safe_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (fit for messages and logs)."""
    return _PASSWORD.sub(r"\1:***@", url)


def configured_url() -> str:
    """The store's URL (``ORDERPORT_DATABASE_URL`` or the SQLite file in ``ORDERPORT_HOME``)."""
    url = os.environ.get("ORDERPORT_DATABASE_URL")
    if url:
        return url
    from orderport.settings import home_dir

    return f"sqlite:///{home_dir() / 'orderport.db'}"


def _sqlite_file(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL; None for in-memory or URI forms."""
    database = url.split("///", 1)[1] if "///" in url else ""
    database = database.split("?", 1)[0]
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def check_url(url: str) -> str:
    """The backend name of ``url``; ``DatabaseUrlError`` saying what to write instead."""
    scheme, sep, _rest = url.partition("://")
    backend = scheme.split("+", 1)[0].lower()
    if not sep or not re.fullmatch(r"[a-z][a-z0-9+.-]*", scheme.lower()):
        raise DatabaseUrlError(
            f"ORDERPORT_DATABASE_URL={safe_url(url)!r} is not a database URL",
            "use sqlite:///PATH/orderport.db or postgresql://USER@HOST:PORT/DATABASE",
        )
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseUrlError(
            f"ORDERPORT_DATABASE_URL: {backend!r} databases are not supported",
            "use sqlite:///PATH/orderport.db or postgresql://USER@HOST:PORT/DATABASE",
        )
    return backend


def open_store(*, create: bool = False) -> Engine:
    """An engine on the configured store.

    Only ``create=True`` (init, intake, ingest, demo) may create the SQLite file or its folder;
    every other command finds a missing store and says to run ``orderport init`` instead.
    """
    url = configured_url()
    backend = check_url(url)
    if backend == "sqlite" and not create:
        path = _sqlite_file(url)
        if path is not None and not path.is_file():
            raise StoreNotInitialisedError(str(path))
    from orderport.store.db import make_engine

    return make_engine(url)


def open_migrated_store() -> Engine:
    """An engine on the store, created or migrated to the newest schema first."""
    from orderport.store.db import migrate

    engine = open_store(create=True)
    migrate(engine)
    return engine


def load_partner_profiles() -> dict[str, PartnerProfile]:
    """The partner profiles; a missing profiles folder is a configuration error."""
    from orderport.partners import load_profiles
    from orderport.settings import profiles_dir

    load_partner_profiles_folder_check()
    return load_profiles(profiles_dir())


def load_partner_profiles_folder_check() -> None:
    """A missing profiles folder is a configuration error naming the folder."""
    from orderport.settings import PARTNERS_ENV, profiles_dir

    folder = profiles_dir()
    if not folder.is_dir():
        raise ConfigurationError(
            f"partner profiles folder {folder} does not exist ({PARTNERS_ENV})",
            f"create it with one YAML profile per partner, or unset {PARTNERS_ENV} to use "
            "./partners or the sample profiles",
        )


def require_partner(partner: str) -> PartnerProfile:
    """The profile of ``partner``; ``UnknownPartnerError`` listing the known ones otherwise."""
    from orderport.partners import load_partner_profile, load_valid_profiles
    from orderport.settings import profiles_dir

    load_partner_profiles_folder_check()
    folder = profiles_dir()
    try:
        # Only this partner's profile must be valid (a broken other profile must not stop it).
        return load_partner_profile(partner, folder)
    except KeyError:
        known = ", ".join(sorted(load_valid_profiles(folder)[0])) or "none"
        raise UnknownPartnerError(
            f"unknown partner: no profile for partner {partner!r} in {folder}",
            f"known partners: {known}",
        ) from None


def require_partners(partners: list[str] | None) -> None:
    """Each of ``partners`` has a profile (None or empty means "every partner")."""
    for partner in partners or []:
        require_partner(partner)


class CountProgress:
    """A rich progress bar (done/total, rate, ETA) started at the first report of a total.

    Use as a context manager and pass ``advance`` as the pipeline's ``progress`` callback.
    On a terminal it redraws in place; in a log or pipe only the final state is printed.
    """

    def __init__(self, description: str, unit: str = "files") -> None:
        self.description = description
        self.unit = unit
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> CountProgress:
        return self

    def advance(self, done: int, total: int) -> None:
        """``done`` of ``total`` items are finished."""
        if self._progress is None:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(bar_width=24),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TextColumn("elapsed"),
                TimeElapsedColumn(),
                TextColumn("ETA"),
                TimeRemainingColumn(),
                console=console,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.description, total=total, rate="")
        elapsed = self._progress.tasks[0].elapsed or 0.0
        rate = f"{done / elapsed:.1f} {self.unit}/s" if elapsed > 0 else ""
        self._progress.update(self._task, completed=done, total=total, rate=rate)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
