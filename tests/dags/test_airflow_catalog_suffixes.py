"""The DAGs see the same profile files as ``orderport partners check``: .yaml and .yml."""

from __future__ import annotations

from pathlib import Path

from orderport.airflow_support.catalog import read_catalog
from orderport.partners import load_profiles

PROFILE = """id: {pid}
name: Partner {pid}
tier: quick_deploy
channel:
  kind: folder
  path: drop/{pid}
formats:
  accepted: [csv]
"""


def test_yml_profiles_become_dags_like_yaml_ones(tmp_path: Path) -> None:
    (tmp_path / "alpha.yaml").write_text(PROFILE.format(pid="alpha"), encoding="utf-8")
    (tmp_path / "beta.yml").write_text(PROFILE.format(pid="beta"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not a profile", encoding="utf-8")
    catalog = read_catalog(tmp_path)
    assert catalog.problems == ()
    assert [p.id for p in catalog.partners] == sorted(load_profiles(tmp_path)) == ["alpha", "beta"]
