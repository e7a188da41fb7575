"""Fixtures: an operator's shell around the installed ``orderport`` command."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_shell import Operator, base_env, shop_partners


@pytest.fixture
def operator(tmp_path: Path) -> Operator:
    """A fresh folder with nothing in it: no store, partners in ``./profiles``."""
    work = tmp_path / "work"
    work.mkdir()
    partners = shop_partners(work / "profiles")
    return Operator(work, base_env(work / "data", ORDERPORT_PARTNERS=str(partners)))


@pytest.fixture
def shop(operator: Operator) -> Operator:
    """``operator`` after ``orderport init`` (SQLite store in ``./data``)."""
    ran = operator("init")
    assert ran.code == 0, ran.text
    return operator
