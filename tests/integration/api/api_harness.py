"""A real uvicorn server on loopback, serving the app on a test's store, with API keys."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import Engine

from orderport.api.app import create_app
from orderport.api.keys import Role, create_key
from orderport.partners import load_profiles
from orderport.store.lifecycle import upsert_partner

ROOT = Path(__file__).resolve().parents[3]
PARTNERS = ROOT / "sample_files" / "partners"
SEEDS = Path("/work/shared/seeds")
"""The seed documents; the bodies the tests use from them are also copied under fixtures/."""

PARTNER_KEYS = ("threepl", "inspectorio", "loupe", "acme", "globex")


@dataclass
class Api:
    base_url: str
    engine: Engine
    home: Path
    keys: dict[str, str] = field(default_factory=dict)

    def client(self, who: str | None = None, **kwargs: object) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys[who]}"} if who else {}
        return httpx.Client(base_url=self.base_url, headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


@contextmanager
def running_api(engine: Engine, home: Path, *, max_body: int = 1024 * 1024) -> Iterator[Api]:
    """Serve the app with uvicorn on a free loopback port until the block ends."""
    profiles = load_profiles(PARTNERS)
    api = Api(base_url="", engine=engine, home=home)
    with engine.begin() as conn:
        for partner in PARTNER_KEYS:
            upsert_partner(conn, partner, profiles[partner].name)
            api.keys[partner] = create_key(conn, Role.PARTNER, partner)
        upsert_partner(conn, "analysts", profiles["analysts"].name)
        api.keys["analyst"] = create_key(conn, Role.ANALYST, "analysts")
        api.keys["operator"] = create_key(conn, Role.OPERATOR, None)
    app = create_app(engine, home, profiles, max_body=max_body)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    api.base_url = f"http://127.0.0.1:{port}"
    try:
        yield api
    finally:
        server.should_exit = True
        thread.join(timeout=10)
