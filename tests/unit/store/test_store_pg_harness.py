import psycopg
import pytest

import pg_harness


@pytest.mark.postgres
def test_starts_a_throwaway_cluster_on_a_free_port(pg_server):
    # pg_server proves some server is available; this exercises the start path regardless.
    cluster = pg_harness.TempCluster.start()
    try:
        assert cluster.url != pg_server
        with psycopg.connect(cluster.url, autocommit=True) as conn:
            port = conn.execute("SHOW port").fetchone()
            fsync = conn.execute("SHOW fsync").fetchone()
        assert port == (str(cluster.port),)
        assert fsync == ("off",)
        name = pg_harness.unique_name()
        url = pg_harness.create_database(cluster.url, name)
        assert pg_harness.can_connect(url)
        pg_harness.drop_database(cluster.url, name)
        assert not pg_harness.can_connect(url)
    finally:
        cluster.stop()
    assert not cluster.base.exists()
    assert not pg_harness.can_connect(cluster.url, timeout=1)


def test_missing_binaries_fail_with_instructions(monkeypatch, tmp_path):
    monkeypatch.setattr(pg_harness, "PG_BIN_GLOB", str(tmp_path / "*" / "bin" / "initdb"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pg_harness.find_bindir() is None
    with pytest.raises(pg_harness.PgUnavailableError, match="README's test command"):
        pg_harness.TempCluster.start()
    with pytest.raises(pg_harness.PgUnavailableError, match="README's test command"):
        pg_harness.TempCluster.start(bindir=tmp_path)
