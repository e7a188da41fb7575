"""The app as uvicorn builds it in each worker, from the environment (``orderport.settings``)."""

from __future__ import annotations

import os

from fastapi import FastAPI

from orderport.api.app import create_app
from orderport.api.limits import DEFAULT_MAX_BODY
from orderport.partners import load_profiles, profiles_dir
from orderport.settings import home_dir
from orderport.store.db import make_engine


def app_from_environment() -> FastAPI:
    max_body = int(os.environ.get("ORDERPORT_API_MAX_BODY", DEFAULT_MAX_BODY))
    every = float(os.environ.get("ORDERPORT_API_WEBHOOKS_EVERY", "5"))
    return create_app(
        make_engine(),
        home_dir(),
        load_profiles(profiles_dir()),
        max_body=max_body,
        webhooks_every=every if every > 0 else None,
    )
