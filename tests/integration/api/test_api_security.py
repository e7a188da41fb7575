"""Keys, roles, partner isolation and hostile bodies, on a real server on loopback."""

from __future__ import annotations

import json

import pytest
from api_harness import ROOT, Api
from sqlalchemy import func, select

from orderport.api.keys import revoke_key
from orderport.store.tables import api_keys, inbound_files, purchase_orders

pytestmark = pytest.mark.integration

PROBLEM = "application/problem+json"
JSON = {"Content-Type": "application/json"}
VALID = (ROOT / "sample_files" / "json" / "threepl_valid.json").read_bytes()


def _counts(api: Api) -> tuple[int, int]:
    with api.engine.connect() as conn:
        files = conn.execute(select(func.count()).select_from(inbound_files)).scalar_one()
        pos = conn.execute(select(func.count()).select_from(purchase_orders)).scalar_one()
    return int(files), int(pos)


def test_keys_are_stored_hashed_and_revocation_is_immediate(api: Api) -> None:
    key = api.keys["threepl"]
    with api.engine.connect() as conn:
        stored = [tuple(r) for r in conn.execute(select(api_keys))]
    assert not any(key.split("_", 2)[2] in str(row) for row in stored)  # never the secret
    with api.client() as http:
        missing = http.get("/api/3pl/purchase-orders", params={"orderNo": "x"})
        wrong = http.get(
            "/api/3pl/purchase-orders",
            params={"orderNo": "x"},
            headers={"Authorization": f"Bearer {key[:-2]}xx"},
        )
    assert missing.status_code == wrong.status_code == 401
    assert missing.headers["content-type"] == PROBLEM
    assert missing.headers["www-authenticate"].startswith("Bearer")
    with api.engine.begin() as conn:
        assert revoke_key(conn, key.split("_")[1])
    with api.client("threepl") as http:
        revoked = http.post("/api/3pl/purchase-orders", content=VALID, headers=JSON)
    assert revoked.status_code == 401
    assert _counts(api) == (0, 0)


def test_a_key_sees_and_changes_only_its_own_partners_pos(api: Api) -> None:
    with api.client("threepl") as owner:
        created = owner.post("/api/3pl/purchase-orders", content=VALID, headers=JSON)
        assert created.status_code == 200
        file_id = created.json()["requestId"]
    doc = json.loads(VALID)
    with api.client("acme") as other:
        # Guessing the other partner's order number, external id, split id and request id:
        for params in (
            {"orderNo": "PO-100234"},
            {"externalId": "ACME-PO-100234"},
            {"externalId": "ACME-PO-100234.1"},
        ):
            seen = other.get("/api/3pl/purchase-orders", params=params)
            assert seen.json()["resource"]["total"] == 0
        assert other.get("/api/v1/purchase-orders/PO-100234").status_code == 404
        assert other.get("/api/v1/purchase-orders/PO-100234/status-history").status_code == 404
        assert other.put("/api/3pl/purchase-orders/PO-100234", json=doc).status_code == 404
        assert other.post("/api/3pl/purchase-orders/PO-100234/cancel").status_code == 404
        assert other.post("/api/3pl/purchase-orders/PO-100234/approve").status_code == 404
        # The same bytes from another partner are that partner's own, separate PO.
        mine = other.post("/api/3pl/purchase-orders", content=VALID, headers=JSON)
        assert mine.json()["requestId"] != file_id
    with api.client("threepl") as owner:
        still = owner.get("/api/v1/purchase-orders/PO-100234").json()
    assert still["status"] == "approved"
    assert still["partner_id"] == "threepl"
    with api.engine.connect() as conn:
        owners = conn.execute(
            select(purchase_orders.c.partner_id).where(purchase_orders.c.po_number == "PO-100234")
        ).scalars()
        assert sorted(owners) == ["acme", "threepl"]


def test_roles(api: Api) -> None:
    with api.client("operator") as operator:
        assert (
            operator.post("/api/3pl/purchase-orders", content=VALID, headers=JSON).status_code
            == 403
        )
        assert operator.get("/api/v1/ledger").status_code == 200
    with api.client("analyst") as analyst:
        assert (
            analyst.post("/api/3pl/purchase-orders", content=VALID, headers=JSON).status_code == 403
        )
        assert analyst.get("/api/v1/ledger").status_code == 403
    with api.client("threepl") as partner:
        denied = partner.get("/api/v1/ledger")
    assert denied.status_code == 403
    assert denied.headers["content-type"] == PROBLEM
    assert "operator" in denied.json()["detail"]


HOSTILE: list[object] = [
    ("broken JSON", b'{"purchaseOrderNo": ', JSON),
    ("not UTF-8", b'{"purchaseOrderNo": "\xff\xfe"}', JSON),
    ("deep nesting", b"[" * 100_000 + b"]" * 100_000, JSON),
    ("a bare array", b"[1, 2, 3]", JSON),
    ("a number", b"12", JSON),
    ("NaN", b'{"purchaseOrderNo": NaN, "items": []}', JSON),
    ("huge integer", b'{"purchaseOrderNo": "P", "items": [{"qty": ' + b"9" * 5000 + b"}]}", JSON),
    ("lone surrogate", b'{"purchaseOrderNo": "\\ud800"}', JSON),
    ("wrong media type", VALID, {"Content-Type": "text/plain"}),
    ("no media type", VALID, {}),
    ("empty", b"", JSON),
    ("null bytes", b'{"purchaseOrderNo": "A\\u0000B", "items": null}', JSON),
]


@pytest.mark.parametrize(("what", "body", "headers"), HOSTILE)
def test_hostile_bodies_get_a_4xx_problem_and_apply_nothing(
    api: Api, what: str, body: bytes, headers: dict[str, str]
) -> None:
    with api.client("threepl") as http:
        answer = http.post("/api/3pl/purchase-orders", content=body, headers=headers)
    assert 400 <= answer.status_code < 500, (what, answer.status_code, answer.text)
    assert answer.json()  # always a JSON answer saying what is wrong
    if answer.headers["content-type"] == PROBLEM:
        problem = answer.json()
        assert problem["status"] == answer.status_code
        assert problem["detail"]
    else:  # read, but refused: the 3PL envelope with findings and pointers
        assert answer.json()["resource"]["total"] == 0
        assert answer.json()["v4Errors"]
    assert _counts(api)[1] == 0


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_oversized_body_is_refused_before_anything_is_recorded(api: Api, chunked: bool) -> None:
    big = b'{"purchaseOrderNo": "' + b"A" * (2 * 1024 * 1024) + b'"}'
    content = iter([big[i : i + 65536] for i in range(0, len(big), 65536)]) if chunked else big
    with api.client("threepl") as http:
        answer = http.post("/api/3pl/purchase-orders", content=content, headers=JSON)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert "larger than" in answer.json()["detail"]
    assert _counts(api) == (0, 0)


def test_bad_idempotency_key_and_unknown_route_are_problems(api: Api) -> None:
    with api.client("threepl") as http:
        bad = http.post(
            "/api/3pl/purchase-orders",
            content=VALID,
            headers={**JSON, "Idempotency-Key": "x" * 300},
        )
        nowhere = http.get("/api/nowhere")
        no_query = http.get("/api/3pl/purchase-orders")
    assert bad.status_code == 400
    assert bad.headers["content-type"] == PROBLEM
    assert nowhere.status_code == 404
    assert nowhere.headers["content-type"] == PROBLEM
    assert no_query.status_code == 400
    assert "externalId" in no_query.json()["detail"]


def test_nul_in_the_url_is_a_problem_not_a_database_error(api: Api) -> None:
    with api.client("threepl") as http:
        in_path = http.get("/api/v1/purchase-orders/A%00B")
        in_query = http.get("/api/3pl/purchase-orders", params={"orderNo": "A\x00B"})
    assert in_path.status_code == in_query.status_code == 400
    assert in_path.headers["content-type"] == PROBLEM
