"""``orderport.settings``: the one reader of process-wide environment settings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from orderport import settings


def test_home_dir_treats_an_empty_value_as_unset(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORDERPORT_HOME", "")
    assert settings.home_dir() == tmp_path.resolve() / "orderport-data"
    monkeypatch.setenv("ORDERPORT_HOME", "data")
    assert settings.home_dir() == tmp_path.resolve() / "data"


def test_env_int_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORDERPORT_X_DAYS", raising=False)
    assert settings.env_int("ORDERPORT_X_DAYS", 7) == 7
    monkeypatch.setenv("ORDERPORT_X_DAYS", " 12 ")
    assert settings.env_int("ORDERPORT_X_DAYS", 7) == 12
    for bad in ("0", "-1", "1.5", "٣"):
        monkeypatch.setenv("ORDERPORT_X_DAYS", bad)
        with pytest.raises(ValueError, match=r"ORDERPORT_X_DAYS=.*at least 1"):
            settings.env_int("ORDERPORT_X_DAYS", 7)


def test_edi_identity_authserv_and_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORDERPORT_EDI_ID", raising=False)
    monkeypatch.setenv("ORDERPORT_EDI_QUALIFIER", "01")
    assert settings.edi_identity() == settings.EdiIdentity("ORDERPORT", "01")
    monkeypatch.setenv("ORDERPORT_AUTHSERV_IDS", "mx1.example, mx2.example  mx3")
    assert settings.authserv_ids() == ("mx1.example", "mx2.example", "mx3")
    assert settings.smtp_env({}) is None
    smtp = settings.smtp_env({"ORDERPORT_SMTP_HOST": "smtp", "ORDERPORT_SMTP_SSL": "yes"})
    assert smtp is not None
    assert (smtp.host, smtp.port, smtp.ssl, smtp.starttls) == ("smtp", 587, True, True)
    with pytest.raises(ValueError, match="ORDERPORT_SMTP_PORT"):
        settings.smtp_env({"ORDERPORT_SMTP_HOST": "smtp", "ORDERPORT_SMTP_PORT": "x"})


def test_profile_files_take_yaml_and_yml(tmp_path: Path) -> None:
    for name in ("b.yml", "a.yaml", "c.json", "d.YAML.bak"):
        (tmp_path / name).write_text("id: x\n", encoding="utf-8")
    assert [p.name for p in settings.profile_files(tmp_path)] == ["a.yaml", "b.yml"]


def test_importing_settings_pulls_in_neither_pydantic_nor_sqlalchemy() -> None:
    code = (
        "import sys, orderport.settings; "
        "print(sorted(m for m in ('pydantic', 'sqlalchemy', 'yaml') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
