"""Issue 15, "silence on long work" and "blind spots": the command an operator uses all day,
run as the installed ``orderport`` subprocess at 100 columns."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from operator_shell import (
    SAMPLES,
    SHOP_PROFILE,
    Operator,
    Ran,
    base_env,
    orderport_command,
    shop_partners,
    valid_csv,
)
from orderport.api.keys import Role
from orderport.cli import app
from orderport.commands.choices import (
    FileStateChoice,
    PoStatusChoice,
    RoleChoice,
    StatusCodeChoice,
)
from orderport.errors import ExitCode
from orderport.model.tracking import StatusCode
from orderport.store.ledger import FileState
from orderport.store.lifecycle import PoStatus

HELD_CSV = (SAMPLES / "csv" / "canonical_errors.csv").read_text()
NO_PO_COLUMN = b"colour,size\nred,9\n"
"""A file no PO can be read from: rejected as a whole."""


def child_cpu_seconds(args: list[str], env: dict[str, str] | None = None) -> float:
    """CPU time (user + system) of one child process running ``args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, env=env, capture_output=True, check=True, timeout=60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def test_help_and_small_commands_start_within_half_a_second_of_python(operator: Operator) -> None:
    floor = min(child_cpu_seconds([sys.executable, "-c", "pass"]) for _ in range(3))
    for args in (["--help"], ["--version"]):
        spent = min(child_cpu_seconds([orderport_command(), *args], operator.env) for _ in range(5))
        assert spent - floor < 0.5, (args, spent, floor)


def test_version(operator: Operator) -> None:
    ran = operator("--version")
    assert ran.code == 0
    assert ran.out.startswith("orderport ")


def test_every_option_and_argument_has_help_text() -> None:
    missing: list[str] = []

    def walk(command: typer.main.click.Command, path: str) -> None:  # type: ignore[name-defined]
        for param in command.params:
            if param.name in ("help",):
                continue
            if not getattr(param, "help", None):
                missing.append(f"{path} {param.name}")
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}")

    walk(typer.main.get_command(app), "orderport")
    assert not missing, missing


def test_option_choices_match_the_pipeline_enums() -> None:
    assert [c.value for c in FileStateChoice] == [s.value for s in FileState]
    assert [c.value for c in PoStatusChoice] == [s.value for s in PoStatus]
    assert [c.value for c in StatusCodeChoice] == [s.value for s in StatusCode]
    assert [c.value for c in RoleChoice] == [r.value for r in Role]


LONG_NAME = "quarterly replenishment order for the northern warehouse cluster 2026.csv"
OTHER_PROFILE = (
    SHOP_PROFILE.replace("id: shop", "id: other")
    .replace("name: Shop", "name: Other")
    .replace("drop/shop", "drop/other")
    .replace("auto_approve: true", "auto_approve: false")
    .replace(
        "convention: temp_rename\n    suffix: .tmp", "convention: stable\n    interval_seconds: 1"
    )
)
ALERTING_SHOP = SHOP_PROFILE + "  alerts:\n    email: [buyer@shop.example]\n"


class Morning:
    """One store after an operator's typical night, shared by this module's tests.

    Partners: ``shop`` (folder drop, alerts by e-mail, no SMTP configured) and ``other`` (stable
    convention with a 1 s interval, POs need approval). A first pass takes two unreadable files
    only; the second takes 13 ``shop`` files (one with held POs, one with a long name) and two
    ``other`` files; ``PO-BOTH`` exists for both partners.
    """

    def __init__(self, root: Path) -> None:
        work = root / "work"
        work.mkdir()
        partners = shop_partners(work / "profiles", {"other": OTHER_PROFILE})
        (partners / "shop.yaml").write_text(ALERTING_SHOP)
        self.op = Operator(work, base_env(work / "data", ORDERPORT_PARTNERS=str(partners)))
        assert self.op("init").code == 0
        inbox = self.op.home / "drop" / "shop"
        inbox.mkdir(parents=True)
        (inbox / "bad-a.csv").write_bytes(NO_PO_COLUMN)
        (inbox / "bad-b.csv").write_bytes(NO_PO_COLUMN + b"blue,10\n")
        self.rejected_pass = self.op("intake", "--partner", "shop")
        for i in range(11):
            self.op.drop(f"orders {i:02}.csv", valid_csv(f"PO-{i:03}"))
        self.op.drop(LONG_NAME, valid_csv("PO-LONG"))
        self.op.drop("held.csv", HELD_CSV)
        self.op.drop("both.csv", valid_csv("PO-BOTH"))
        self.op.drop("only.csv", valid_csv("PO-ONLY", approved=False), partner="other")
        self.op.drop("both.csv", valid_csv("PO-BOTH"), partner="other")
        self.second_pass = self.op("intake", "--all")
        self.raised = self.op("alerts")


@pytest.fixture(scope="module")
def morning(tmp_path_factory: pytest.TempPathFactory) -> Morning:
    return Morning(tmp_path_factory.mktemp("morning"))


def test_intake_exits_one_when_every_file_is_rejected(morning: Morning) -> None:
    ran = morning.rejected_pass
    assert ran.code == ExitCode.FINDINGS, ran.text
    assert "total: 2 file(s): 2 rejected" in ran.out


def test_intake_shows_progress_then_a_table_with_totals(morning: Morning) -> None:
    ran = morning.second_pass
    assert ran.code == 0, ran.text
    progress = next(line for line in ran.out.splitlines() if "processing files" in line)
    assert "16/16" in progress
    assert "files/s" in progress
    assert "ETA" in progress
    assert "total: 16 file(s): 1 held, 15 stored" in ran.out


def test_intake_says_it_waits_for_a_stable_interval(morning: Morning) -> None:
    assert "waiting 1 s for files to stop changing" in morning.second_pass.out


def test_files_shows_full_names_pages_and_json(morning: Morning) -> None:
    ran = morning.op("files")
    assert ran.code == 0, ran.text
    words = set(ran.out.replace("│", " ").split())
    assert set(LONG_NAME.split()) <= words, ran.out
    assert "…" not in ran.out
    assert "18 of 18 file(s), page 1 of 1" in ran.out
    first = morning.op("files", "--limit", "10")
    assert "10 of 18 file(s), page 1 of 2; next: --page 2" in first.out
    second = morning.op("files", "--limit", "10", "--page", "2", "--json")
    data = json.loads(second.out)
    assert data["total"] == 18
    assert len(data["files"]) == 8
    assert {f["name"] for f in data["files"]} >= {"bad-a.csv", "bad-b.csv"}


def test_unknown_partner_is_an_error_everywhere(morning: Morning) -> None:
    for args in (
        ["files", "-p", "nobody"],
        ["deliver", "-p", "nobody"],
        ["export", "-p", "nobody"],
        ["pos", "-p", "nobody"],
        ["intake", "-p", "nobody"],
    ):
        ran = morning.op(*args)
        assert ran.code == ExitCode.CONFIG, (args, ran.text)
        assert "no profile for partner 'nobody'" in ran.err, (args, ran.text)
        assert "known partners: other, shop" in ran.err


def test_pos_lists_and_filters(morning: Morning) -> None:
    everything = json.loads(morning.op("pos", "--json", "--limit", "100").out)
    numbers = {p["po_number"] for p in everything["pos"]}
    assert {"PO-000", "PO-LONG", "PO-3001", "PO-3002", "PO-ONLY", "PO-BOTH"} <= numbers
    held = json.loads(morning.op("pos", "--held", "--json").out)
    assert {p["po_number"] for p in held["pos"]} == {"PO-3001", "PO-3002"}
    assert all(p["first_finding"] for p in held["pos"])
    file_id = held["pos"][0]["file_id"]
    of_file = json.loads(morning.op("pos", "--file", str(file_id), "--json").out)
    assert {p["po_number"] for p in of_file["pos"]} >= {"PO-3001", "PO-3002"}
    table = morning.op("pos", "--status", "on_hold", "--partner", "shop")
    assert table.code == 0, table.text
    assert "2 of 2 PO(s)" in table.out
    assert "PO-000" not in table.out
    other = json.loads(morning.op("pos", "-p", "other", "--json").out)
    assert {p["po_number"] for p in other["pos"]} == {"PO-ONLY", "PO-BOTH"}


def test_show_and_approve_without_partner_unless_ambiguous(morning: Morning) -> None:
    shown = morning.op("show", "PO-ONLY", "--json")
    assert shown.code == 0, shown.text
    assert json.loads(shown.out)["status"] == "needs_approval"
    approved = morning.op("approve", "PO-ONLY")
    assert approved.code == 0, approved.text
    assert "PO-ONLY: approved" in approved.out
    ambiguous = morning.op("show", "PO-BOTH")
    assert ambiguous.code == ExitCode.CONFIG
    assert "PO 'PO-BOTH' exists for 2 partners: other, shop" in ambiguous.err
    assert "--partner" in ambiguous.err
    assert morning.op("show", "PO-BOTH", "--partner", "shop").code == 0


def test_alerts_list_gives_the_hold_reason_and_ack_closes_them(morning: Morning) -> None:
    assert morning.raised.code == 0, morning.raised.text
    assert "[po_on_hold] PO PO-3002 (version 1) is on hold" in morning.raised.out
    listed = json.loads(morning.op("alerts", "list", "--json").out)
    reasons = {a["subject"]: a["reason"] for a in listed["alerts"]}
    assert reasons["po:PO-3002:v1"]  # the PO's first finding, in words
    table = morning.op("alerts", "list")
    assert "is on hold: " in table.out.replace("\n", " ")
    assert f"total: {listed['total']} alert(s)" in table.out
    first = listed["alerts"][0]["id"]
    acked = morning.op("alerts", "ack", str(first), "--by", "dana")
    assert acked.code == 0, acked.text
    after = json.loads(morning.op("alerts", "list", "--json").out)
    assert first not in [a["id"] for a in after["alerts"]]
    assert after["total"] == listed["total"] - 1
    everything = json.loads(morning.op("alerts", "list", "--all", "--json").out)
    assert {"id": first, "acked_by": "dana"}.items() <= next(
        a for a in everything["alerts"] if a["id"] == first
    ).items()
    missing = morning.op("alerts", "ack", "999")
    assert missing.code == ExitCode.FINDINGS
    assert "no alert #999" in missing.err


def test_deliver_prints_each_failure_once(morning: Morning) -> None:
    ran: Ran = morning.op("deliver")
    assert ran.code == ExitCode.FINDINGS, ran.text
    assert ran.text.count("no SMTP server configured") == 1, ran.text
    assert "1 failed" in ran.out
    assert "delivering" in ran.out
