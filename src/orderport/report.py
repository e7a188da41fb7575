"""Readable terminal output for file results and findings (rich tables), and their JSON form."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from orderport.model import Finding
from orderport.pipeline.ingest import FileResult, file_error_finding
from orderport.store.lifecycle import StoredPo

_OUTCOME_STYLE = {
    "created": "green",
    "updated": "green",
    "duplicate": "cyan",
    "held": "yellow",
    "rejected": "red",
    "canceled": "magenta",
    "refused": "red",
}


def findings_view(findings: list[Finding], title: str | None = None) -> Group:
    """One finding per entry: severity, code, where and field on one line, the message below.

    Messages are sentences a partner reads; a list keeps them whole at any terminal width.
    """
    entries: list[RenderableType] = [Text(title, style="bold")] if title else []
    for f in findings:
        style = "red" if f.is_error else "yellow"
        where = str(f.location.model_copy(update={"file": None})) if f.location else ""
        head = Text("  ")
        head.append(f"{f.severity.value:<7}", style=style)
        head.append(f" {f.code}", style="bold")
        if where:
            head.append(f"  {where}")
        head.append(f"  {f.path}", style="dim")
        entries.append(head)
        entries.append(Padding(Text(f.message), (0, 0, 0, 12)))
    return Group(*entries)


def print_file_result(console: Console, result: FileResult, partner: str | None = None) -> None:
    """One file: a line per PO with its outcome, then every finding with its location."""
    head = f"[bold]{result.filename}[/]"
    if partner:
        head += f"  partner [bold]{partner}[/]"
    if result.format:
        head += f"  format {result.format}"
    console.print(head)
    if result.error is not None:
        console.print(findings_view([file_error_finding(result.error, result.filename)]))
        return
    table = Table(show_header=True)
    table.add_column("PO")
    table.add_column("outcome")
    table.add_column("status")
    table.add_column("errors", justify="right")
    table.add_column("warnings", justify="right")
    findings: list[Finding] = []
    for po in result.pos:
        errors = sum(1 for f in po.findings if f.is_error)
        outcome = po.outcome.value if po.outcome else ("invalid" if errors else "valid")
        style = _OUTCOME_STYLE.get(outcome, "green" if outcome == "valid" else "red")
        table.add_row(
            po.po_number or "?",
            f"[{style}]{outcome}[/]",
            po.status.value if po.status else "",
            str(errors),
            str(len(po.findings) - errors),
        )
        findings.extend(po.findings)
    console.print(table)
    if findings:
        console.print(findings_view(findings))


def file_result_json(result: FileResult) -> dict[str, Any]:
    """The machine-readable form of a file result (``--json``)."""
    return {
        "file": result.filename,
        "format": result.format,
        "error": (
            file_error_finding(result.error, result.filename).model_dump(
                mode="json", exclude_none=True
            )
            if result.error
            else None
        ),
        "purchase_orders": [
            {
                "po_number": po.po_number,
                "outcome": po.outcome.value if po.outcome else None,
                "status": po.status.value if po.status else None,
                "findings": [f.model_dump(mode="json", exclude_none=True) for f in po.findings],
                "po": po.po.model_dump(mode="json", exclude_none=True) if po.po else None,
            }
            for po in result.pos
        ],
    }


def stored_po_tables(stored: StoredPo) -> list[Table]:
    """A stored PO as the operator wants to see it: header, lines, history, fulfillment orders."""
    head = Table(title=f"PO {stored.po_number} ({stored.partner_id})", show_header=False)
    head.add_column("field")
    head.add_column("value")
    head.add_row("status", stored.status.value)
    head.add_row("version", str(stored.current_version))
    head.add_row("external id", stored.external_id or "")
    head.add_row("received", stored.created_at.isoformat(timespec="seconds"))
    head.add_row("updated", stored.updated_at.isoformat(timespec="seconds"))

    lines = Table(title="lines")
    for column in ("#", "sku", "gtin", "quantity", "uom", "unit cost"):
        lines.add_column(column)
    for line in stored.document.get("lines", []):
        cost = line.get("unit_cost") or {}
        lines.add_row(
            str(line["line_number"]),
            line.get("sku") or line.get("buyer_sku") or "",
            line.get("gtin") or "",
            str(line["quantity"]),
            line.get("uom", ""),
            f"{cost['amount']} {cost['currency']}" if cost else "",
        )

    history = Table(title="status history")
    for column in ("at", "status", "version", "actor", "reason"):
        history.add_column(column)
    for change in stored.status_history:
        history.add_row(
            change.at.isoformat(timespec="seconds"),
            change.status.value,
            str(change.version or ""),
            change.actor,
            change.reason or "",
        )

    orders = Table(title="fulfillment orders")
    for column in ("external id", "warehouse", "status", "lines"):
        orders.add_column(column)
    for order in stored.fulfillment_orders:
        orders.add_row(
            order.external_id,
            order.warehouse_code,
            order.status.value,
            ", ".join(f"{line.line_number}:{line.sku}x{line.quantity}" for line in order.lines),
        )
    return [head, lines, history, orders]


def stored_po_json(stored: StoredPo) -> dict[str, Any]:
    return {
        "partner_id": stored.partner_id,
        "po_number": stored.po_number,
        "status": stored.status.value,
        "version": stored.current_version,
        "external_id": stored.external_id,
        "document": stored.document,
        "status_history": [
            {
                "status": c.status.value,
                "at": c.at.isoformat(),
                "actor": c.actor,
                "reason": c.reason,
                "version": c.version,
            }
            for c in stored.status_history
        ],
        "fulfillment_orders": [
            {
                "external_id": o.external_id,
                "warehouse": o.warehouse_code,
                "status": o.status.value,
                "lines": [
                    {"line_number": ln.line_number, "sku": ln.sku, "quantity": str(ln.quantity)}
                    for ln in o.lines
                ],
            }
            for o in stored.fulfillment_orders
        ],
        "findings": [f.model_dump(mode="json", exclude_none=True) for f in stored.findings],
    }
