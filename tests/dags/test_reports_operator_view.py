"""Issue 15, "the nightly report an operations lead reads first thing": on a real store, the
report lists what needs action first, totals every table, titles and labels every chart, counts
the findings of rejected files, carries every section in JSON, and lays out at 1400 px in headless
Chromium without horizontal overflow. The test writes the screenshot linked from the README."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert
from test_reports_chromium import CHROMIUM_FLAGS, chromium  # type: ignore[import-not-found]

from orderport.reports.actions import ACTION_SOURCES, KIND_LABELS, ActionItem
from orderport.reports.collect import collect
from orderport.reports.html import render_html
from orderport.reports.writer import write_report
from orderport.store import tables as t
from orderport.store.db import make_engine, migrate

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "img" / "nightly-report.png"
NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
MEASURE = """<script>
window.addEventListener('load', () => {
  const q = s => document.querySelectorAll(s).length;
  const out = {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    actions: q('#actions tr') - 1,
    totals: q('#partners tr.total'),
    captions: q('figcaption'),
    legends: q('p.legend'),
    axis_titles: q('text.axis-title'),
    first_h2: document.querySelector('h2').textContent.replace(/ /g, '_'),
  };
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = Object.entries(out).map(([k, v]) => k + '=' + v).join(' ');
  document.body.appendChild(pre);
});
</script>"""


def _store(url: str) -> Engine:
    """Two partners' week: held POs, a rejected file, a stuck claim, a failing delivery, and
    ``globex`` which sent a file every day until five days ago."""
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as conn:
        for pid in ("acme", "globex"):
            conn.execute(
                insert(t.partners).values(id=pid, name=pid.title(), settings={}, created_at=NOW)
            )

        def file(pid: str, name: str, state: str, at: datetime, **extra: object) -> int:
            values = {
                "partner_id": pid,
                "sha256": f"{abs(hash((pid, name, at))):064d}"[:64],
                "original_name": name,
                "size": 100,
                "format": "csv",
                "channel": "folder",
                "state": state,
                "received_at": at,
                "updated_at": at,
                **extra,
            }
            return int(
                conn.execute(insert(t.inbound_files).values(**values)).inserted_primary_key[0]
            )

        held_file = file("acme", "orders-2026-11-22.csv", "held", NOW - timedelta(hours=5))
        file(
            "acme",
            "orders from the buying office.csv",
            "rejected",
            NOW - timedelta(hours=3),
            error="orders from the buying office.csv, row 2: the file is not valid utf-8",
        )
        file(
            "acme",
            "late.csv",
            "claimed",
            NOW - timedelta(hours=4),
            claimed_at=NOW - timedelta(hours=4),
        )
        for day in range(5, 15):
            file("globex", f"globex-{day}.csv", "stored", NOW - timedelta(days=day))
        po_id = conn.execute(
            insert(t.purchase_orders).values(
                partner_id="acme",
                po_number="4500012345",
                status="on_hold",
                current_version=1,
                content_hash="0" * 64,
                created_at=NOW - timedelta(hours=5),
                updated_at=NOW - timedelta(hours=5),
            )
        ).inserted_primary_key[0]
        conn.execute(
            insert(t.findings).values(
                inbound_file_id=held_file,
                po_id=po_id,
                version=1,
                code="read.date",
                severity="error",
                path="$.lines[0].requested_ship_date",
                message="'01/12/2026' is not a date in the expected format (YYYY-MM-DD)",
            )
        )
        conn.execute(
            insert(t.outbox).values(
                partner_id="acme",
                kind="email",
                filename="reply-4500012345.json",
                media_type="application/json",
                content=b"{}",
                sha256="1" * 64,
                state="pending",
                attempts=2,
                created_at=NOW - timedelta(hours=2),
                last_error="no SMTP server configured (ORDERPORT_SMTP_HOST)",
            )
        )
    return engine


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    engine = _store(f"sqlite:///{tmp_path / 'report.db'}")
    yield engine
    engine.dispose()


def test_action_list_totals_and_json_sections(store: Engine, tmp_path: Path) -> None:
    report = collect(store, NOW.date(), now=NOW, partner_ids=["acme", "globex"])
    kinds = [a.kind for a in report.actions]
    assert kinds == [
        "po_on_hold",
        "file_rejected",
        "file_stuck",
        "delivery_failed",
        "partner_silent",
    ]
    held = report.actions[0]
    assert held.subject == "PO 4500012345 v1"
    assert "is not a date" in held.detail
    assert held.age(NOW) == timedelta(hours=5)
    assert "not valid utf-8" in report.actions[1].detail
    assert report.actions[4].partner_id == "globex"
    assert "usually a file every" in report.actions[4].detail
    assert report.partial
    acme = next(p for p in report.partners if p.partner_id == "acme")
    assert acme.findings_by_code == {"file.rejected": 1, "read.date": 1}

    paths = write_report(report, tmp_path / "out")
    data = json.loads(paths[2].read_text())
    assert {"actions", "partners", "totals", "trend", "day", "partial_day"} <= set(data)
    assert [a["kind"] for a in data["actions"]] == kinds
    assert data["actions"][0]["age_hours"] == 5.0
    assert data["totals"]["files_received"] == 3
    assert data["totals"]["findings"] == 2


def test_an_action_source_added_elsewhere_is_reported(store: Engine) -> None:
    def overdue_acks(conn: object, ctx: object) -> list[ActionItem]:
        return [ActionItem("ack_overdue", "acme", "855 #12", "no 997 after 24 h", NOW, "call")]

    ACTION_SOURCES.append(overdue_acks)
    KIND_LABELS["ack_overdue"] = "acknowledgment overdue"
    try:
        report = collect(store, NOW.date(), now=NOW)
        assert report.actions[-1].kind == "ack_overdue"
        assert "acknowledgment overdue" in render_html(report)
    finally:
        ACTION_SOURCES.remove(overdue_acks)
        del KIND_LABELS["ack_overdue"]


def test_report_renders_at_1400px_without_overflow(store: Engine, tmp_path: Path) -> None:
    report = collect(store, NOW.date(), now=NOW, partner_ids=["acme", "globex"])
    html = render_html(report)
    page = tmp_path / "report.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"))
    common = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run(
        [*common, "--window-size=1400,1000", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert dom.returncode == 0, dom.stderr[-3000:]
    found = re.search(r'<pre id="measured">([^<]*)</pre>', dom.stdout)
    assert found, dom.stdout[-2000:]
    measured = dict(item.split("=", 1) for item in found.group(1).split())
    assert measured["overflow"] == "0"
    assert measured["first_h2"].startswith("Needs_action")
    assert measured["actions"] == "5"
    assert measured["totals"] == "1"
    assert measured["captions"] == "2"
    assert measured["legends"] == "2"
    assert measured["axis_titles"] == "4"

    shown = tmp_path / "shown.html"
    shown.write_text(html)
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    shot = subprocess.run(
        [
            *common,
            "--window-size=1400,1500",
            "--hide-scrollbars",
            f"--screenshot={SCREENSHOT}",
            shown.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shot.returncode == 0, shot.stderr[-3000:]
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_rejected_and_overdue_acknowledgments_are_on_the_action_list(store: Engine) -> None:
    """Issue 14's acknowledgment alerts reach issue 15's action list while they are open."""
    rows = [
        ("ack_rejected", "856 interchange 17", "AK5*R: segment TD1 element 02", None),
        ("ack_overdue", "855 interchange 18", "no 997 within 24 h", None),
        ("ack_overdue", "855 interchange 19", "no 997 within 24 h", NOW),  # acknowledged
    ]
    with store.begin() as conn:
        ids = [
            conn.execute(
                insert(t.tracking_alerts).values(
                    partner_id="acme",
                    kind=kind,
                    subject=subject,
                    message=message,
                    raised_at=NOW - timedelta(hours=2),
                    outbox_ids=[],
                    acked_at=acked,
                )
            ).inserted_primary_key[0]
            for kind, subject, message, acked in rows
        ]
    try:
        report = collect(store, NOW.date(), now=NOW)
        acks = [a for a in report.actions if a.kind == "ack_problem"]
        assert [a.subject for a in acks] == ["856 interchange 17", "855 interchange 18"]
        assert "rejected our document" in acks[0].detail
        assert "TD1" in acks[0].detail
        assert "acknowledgment rejected or overdue" in render_html(report)
    finally:
        with store.begin() as conn:
            conn.execute(t.tracking_alerts.delete().where(t.tracking_alerts.c.id.in_(ids)))
