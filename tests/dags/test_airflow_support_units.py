"""The small pieces the DAG files stand on: the partner catalog, pool names, batching, settings
and the Airflow-Connection credential resolver (fed a Connection built by Airflow itself)."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from orderport.airflow_support.catalog import read_catalog
from orderport.airflow_support.credentials import AirflowConnectionResolver
from orderport.airflow_support.defaults import BATCH_SIZE, default_args, positive_int
from orderport.airflow_support.pools import DEFAULT_POOL, IMAP_POOL, pool_file, pool_for, sftp_pool
from orderport.airflow_support.tasks import batches
from orderport.channels import ChannelRefused

SAMPLES = Path(__file__).resolve().parents[2] / "sample_files" / "partners"


def test_catalog_reads_the_sample_profiles() -> None:
    catalog = read_catalog(SAMPLES)
    by_id = {p.id: p for p in catalog.partners}
    assert catalog.problems == ()
    assert by_id["initech"].kind == "sftp"
    assert (by_id["initech"].host, by_id["initech"].port) == ("sftp.orderport.example", 2222)
    assert by_id["initech"].export_schedule == "@hourly"
    assert by_id["loupe"].kind == "imap"
    assert by_id["analysts"].exports is False


def test_catalog_lists_broken_profiles_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text("id: good\nchannel: {kind: folder, path: x}\n")
    (tmp_path / "bad.yaml").write_text("id: bad\nchannel: [unclosed\n")
    (tmp_path / "renamed.yaml").write_text("id: other\nchannel: {kind: folder, path: x}\n")
    catalog = read_catalog(tmp_path)
    assert [p.id for p in catalog.partners] == ["good"]
    assert len(catalog.problems) == 2
    assert any("renamed.yaml" in p and "does not match" in p for p in catalog.problems)
    missing = read_catalog(tmp_path / "nope")
    assert missing.partners == ()
    assert "does not exist" in missing.problems[0]


def test_pools_one_per_sftp_host_and_port() -> None:
    catalog = read_catalog(SAMPLES)
    by_id = {p.id: p for p in catalog.partners}
    assert pool_for(by_id["globex"]) == "orderport_sftp_sftp_globex_example"
    assert pool_for(by_id["initech"]) == "orderport_sftp_sftp_orderport_example_2222"
    assert pool_for(by_id["loupe"]) == IMAP_POOL
    assert pool_for(by_id["acme"]) == DEFAULT_POOL
    assert sftp_pool("SFTP.Example.COM", 22) == sftp_pool("sftp.example.com")
    pools = json.loads(pool_file(catalog))
    assert set(pools) == {
        "orderport_imap",
        "orderport_sftp_sftp_globex_example",
        "orderport_sftp_sftp_orderport_example_2222",
        "orderport_sftp_b2b_umbrella_example",
    }
    assert all(p["slots"] >= 1 for p in pools.values())


def test_batches_group_ids_in_order() -> None:
    ids = list(range(1, 1001))
    grouped = batches(ids, 50)
    assert len(grouped) == 20
    assert [i for b in grouped for i in b] == ids
    assert batches([1, 2, 3], 2) == [[1, 2], [3]]
    assert batches([], 5) == []
    with pytest.raises(ValueError, match="at least 1"):
        batches([1], 0)


def test_settings_from_environment_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    assert positive_int(BATCH_SIZE) == 50
    monkeypatch.setenv("AIRFLOW_VAR_ORDERPORT_INTAKE_BATCH_SIZE", "200")
    assert positive_int(BATCH_SIZE) == 200
    monkeypatch.setenv("AIRFLOW_VAR_ORDERPORT_INTAKE_BATCH_SIZE", "-3")
    with pytest.raises(ValueError, match="AIRFLOW_VAR_ORDERPORT_INTAKE_BATCH_SIZE"):
        positive_int(BATCH_SIZE)
    monkeypatch.setenv("AIRFLOW_VAR_ORDERPORT_TASK_RETRIES", "1")
    args = default_args(timedelta(minutes=1))
    assert args["retries"] == 2  # never fewer than two
    assert args["retry_exponential_backoff"] > 1
    assert args["execution_timeout"] == timedelta(minutes=1)


def _connection(uri_extra: dict[str, str], login: str = "orderport"):  # type: ignore[no-untyped-def]
    from airflow.sdk import Connection

    return Connection(
        conn_id="c", conn_type="sftp", host="h", login=login, extra=json.dumps(uri_extra)
    )


def test_resolver_maps_sftp_provider_fields(tmp_path: Path) -> None:
    key = tmp_path / "id_ed25519"
    resolver = AirflowConnectionResolver(
        lambda cid: _connection({"key_file": str(key), "private_key_passphrase": "pw"})
    )
    secret = resolver.resolve("sftp_partner")
    assert secret.login == "orderport"
    assert secret.key_file == key
    assert secret.key_passphrase == "pw"
    assert secret.key_text is None
    assert "pw" not in repr(secret)
    text = AirflowConnectionResolver(lambda cid: _connection({"private_key": "KEYTEXT"}))
    assert text.resolve("x").key_text == "KEYTEXT"


def test_resolver_refuses_host_key_checking_off_and_missing_connections() -> None:
    off = AirflowConnectionResolver(lambda cid: _connection({"no_host_key_check": "true"}))
    with pytest.raises(ChannelRefused, match="no_host_key_check"):
        off.resolve("sftp_partner")

    def missing(cid: str) -> object:
        raise LookupError(f"The conn_id `{cid}` isn't defined")

    with pytest.raises(ChannelRefused, match="'nope' cannot be read"):
        AirflowConnectionResolver(missing).resolve("nope")
