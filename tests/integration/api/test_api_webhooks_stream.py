"""Webhooks to a real receiver on loopback, status/booking batches, and the SSE stream."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from api_harness import ROOT, Api
from receiver import receiver
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from typer.testing import CliRunner

from orderport.pipeline.webhooks import dead_letters, deliver_webhooks
from orderport.store.events import events_after

pytestmark = pytest.mark.integration

VALID = (ROOT / "sample_files" / "json" / "threepl_valid.json").read_bytes()
JSON = {"Content-Type": "application/json"}
SHIPPED = {
    "document_type": "order_status",
    "events": [
        {
            "po_number": "PO-100234",
            "fulfillment_order": "ACME-PO-100234",
            "code": "shipped",
            "at": "2026-12-20T15:30:00Z",
            "carrier": "UPSN",
            "tracking_number": "1Z999AA10123456784",
        }
    ],
}
BOOKING: dict[str, Any] = json.loads(
    (ROOT / "sample_files" / "tracking" / "booking_confirmation.json").read_text()
)
BOOKING["bookings"][0]["purchase_orders"] = ["PO-100234"]


def _subscribe(http: httpx.Client, url: str, events: list[str]) -> dict[str, Any]:
    made = http.post("/api/v1/webhooks", json={"url": url, "events": events})
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_webhooks_are_signed_and_delivered_once_per_event(api: Api) -> None:
    events = ["po.accepted", "status.changed", "order.completed", "booking.confirmed"]
    with receiver() as hooks, api.client("threepl") as http:
        sub = _subscribe(http, hooks.url, events)
        assert http.post("/api/3pl/purchase-orders", content=VALID, headers=JSON).status_code == 200
        shipped = http.post("/api/v1/status-events", json=SHIPPED)
        assert shipped.status_code == 200, shipped.text
        booked = http.post("/api/v1/booking-confirmations", json=BOOKING)
        assert booked.json()["recorded"] == 1, booked.text
        first = deliver_webhooks(api.engine)
        again = deliver_webhooks(api.engine)
    assert first.retrying == {}
    assert first.dead == {}
    assert again.sent == []
    verifier = Webhook(sub["secret"])
    kinds = []
    for call in hooks.calls:
        payload = verifier.verify(call.body, call.headers)  # raises on a bad signature
        kinds.append(payload["type"])
    assert kinds.count("po.accepted") == 1
    assert kinds.count("order.completed") == 1
    assert kinds.count("booking.confirmed") == 1
    assert "status.changed" in kinds
    completed = next(json.loads(c.body) for c in hooks.calls if b"order.completed" in c.body)
    assert completed["data"]["externalId"] == "ACME-PO-100234"
    assert len({c.headers["webhook-id"] for c in hooks.calls}) == len(hooks.calls)
    tampered = hooks.calls[0]
    with pytest.raises(WebhookVerificationError):
        verifier.verify(tampered.body + b" ", tampered.headers)


def test_receiver_down_retries_with_backoff_then_dead_letter_then_replay_once(
    api: Api, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with receiver() as probe:
        port = int(probe.url.split(":")[2].split("/")[0])
    down_url = f"http://127.0.0.1:{port}/hooks"  # nothing listens there now
    with api.client("threepl") as http:
        _subscribe(http, down_url, ["po.accepted"])
        http.post("/api/3pl/purchase-orders", content=VALID, headers=JSON)
    t0 = datetime.now(UTC)
    tries = dict(max_attempts=3, backoff_seconds=60.0)
    one = deliver_webhooks(api.engine, now=t0, **tries)  # type: ignore[arg-type]
    assert list(one.retrying)
    assert "ConnectError" in next(iter(one.retrying.values()))
    too_soon = deliver_webhooks(api.engine, now=t0 + timedelta(seconds=30), **tries)  # type: ignore[arg-type]
    assert (too_soon.sent, too_soon.retrying, too_soon.dead) == ([], {}, {})  # backoff holds
    two = deliver_webhooks(api.engine, now=t0 + timedelta(seconds=61), **tries)  # type: ignore[arg-type]
    assert list(two.retrying)
    three = deliver_webhooks(api.engine, now=t0 + timedelta(seconds=61 + 121), **tries)  # type: ignore[arg-type]
    assert list(three.dead)
    later = deliver_webhooks(api.engine, now=t0 + timedelta(days=2), **tries)  # type: ignore[arg-type]
    assert (later.sent, later.retrying) == ([], {})  # dead stays dead
    (dead,) = dead_letters(api.engine)
    assert dead.attempts == 3

    from orderport.cli import app

    monkeypatch.setenv("ORDERPORT_DATABASE_URL", str(api.engine.url.render_as_string(False)))
    runner = CliRunner()
    listed = runner.invoke(app, ["webhooks", "dead"])
    assert str(dead.outbox_id) in listed.output
    with receiver(port) as hooks:
        replayed = runner.invoke(app, ["webhooks", "replay", str(dead.outbox_id)])
        assert replayed.exit_code == 0, replayed.output
        delivered = runner.invoke(app, ["webhooks", "deliver"])
        assert delivered.exit_code == 0, delivered.output
        runner.invoke(app, ["webhooks", "deliver"])
        deliver_webhooks(api.engine, now=t0 + timedelta(days=3))
    assert len(hooks.calls) == 1
    assert json.loads(hooks.calls[0].body)["type"] == "po.accepted"
    assert dead_letters(api.engine) == []


def test_custom_status_codes_from_the_profile_and_history(api: Api) -> None:
    canonical = json.loads((ROOT / "sample_files" / "json" / "canonical_valid.json").read_text())
    number = canonical["po_number"]
    with api.client("globex") as http:
        assert http.post("/api/v1/purchase-orders", json=canonical).status_code == 200
        custom = {
            "document_type": "order_status",
            "events": [{"po_number": number, "code": "ZUGESTELLT", "at": "2026-12-21T10:00:00Z"}],
        }
        recorded = http.post("/api/v1/status-events", json=custom)
        unknown = http.post(
            "/api/v1/status-events",
            json={
                "document_type": "order_status",
                "events": [{"po_number": "NOPE", "code": "shipped", "at": "2026-12-21T10:00:00Z"}],
            },
        )
        wrong = http.post("/api/v1/status-events", json=BOOKING)
        history = http.get(f"/api/v1/purchase-orders/{number}/status-history").json()
        fos = http.get(f"/api/v1/purchase-orders/{number}/fulfillment-orders")
        books = http.get(f"/api/v1/purchase-orders/{number}/bookings")
    assert recorded.status_code == 200, recorded.text
    assert [e["code"] for e in history["events"]][-1] == "delivered"
    assert unknown.status_code == 422
    assert unknown.json()["findings"][0]["code"] == "tracking.unknown_reference"
    assert wrong.status_code == 422
    assert "booking-confirmations" in wrong.json()["detail"]
    assert fos.status_code == 200
    assert books.json()["bookings"] == []


def _read_events(api: Api, headers: dict[str, str], want: int) -> list[dict[str, str]]:
    got: list[dict[str, str]] = []
    with (
        api.client("threepl") as http,
        http.stream("GET", "/api/v1/stream", headers=headers, timeout=20) as answer,
    ):
        assert answer.headers["content-type"].startswith("text/event-stream")
        current: dict[str, str] = {}
        for line in answer.iter_lines():
            if not line:
                if "id" in current:
                    got.append(current)
                    if len(got) >= want:
                        break
                current = {}
                continue
            key, _, value = line.partition(":")
            current[key] = value.strip()
    return got


def test_stream_delivers_changes_and_resumes_with_last_event_id(api: Api) -> None:
    with api.client("threepl") as http:
        http.post("/api/3pl/purchase-orders", content=VALID, headers=JSON)
    result: list[list[dict[str, str]]] = []
    reader = threading.Thread(target=lambda: result.append(_read_events(api, {}, 1)))
    reader.start()
    with api.client("threepl") as http:
        http.post("/api/v1/status-events", json=SHIPPED)
    reader.join(timeout=30)
    (first,) = result[0]
    assert first["event"] in ("status.changed", "order.completed")
    with api.engine.connect() as conn:  # everything the partner has had so far
        last = str(events_after(conn, "threepl", 0)[-1].id)
    replayed = _read_events(api, {"Last-Event-ID": str(int(first["id"]) - 1)}, 1)
    assert replayed[0]["id"] == first["id"]  # resuming just before it gives it again
    with api.client("threepl") as http:
        http.post("/api/v1/booking-confirmations", json=BOOKING)
    resumed = _read_events(api, {"Last-Event-ID": last}, 1)
    assert resumed[0]["event"] == "booking.confirmed"
    assert int(resumed[0]["id"]) > int(last)
    lines: list[str] = []
    with (  # another partner's stream never shows these: it times out with nothing but comments
        api.client("acme") as other,
        other.stream(
            "GET", "/api/v1/stream", params={"after": 0}, timeout=httpx.Timeout(5, read=1.5)
        ) as quiet,
        pytest.raises(httpx.ReadTimeout),
    ):
        lines.extend(quiet.iter_lines())
    assert not [line for line in lines if line.startswith("id:")]
