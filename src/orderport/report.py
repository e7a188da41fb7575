"""Readable terminal output for file results and findings (rich tables), and their JSON form."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from orderport.model import Finding
from orderport.pipeline.ingest import FileResult, file_error_finding

_OUTCOME_STYLE = {
    "created": "green",
    "updated": "green",
    "duplicate": "cyan",
    "held": "yellow",
    "rejected": "red",
    "canceled": "magenta",
    "refused": "red",
}


def findings_table(findings: list[Finding], title: str | None = None) -> Table:
    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("severity")
    table.add_column("code")
    table.add_column("where")
    table.add_column("field")
    table.add_column("message", overflow="fold")
    for f in findings:
        style = "red" if f.is_error else "yellow"
        where = str(f.location) if f.location else ""
        table.add_row(f"[{style}]{f.severity.value}[/]", f.code, where, f.path, f.message)
    return table


def print_file_result(console: Console, result: FileResult, partner: str | None = None) -> None:
    """One file: a line per PO with its outcome, then every finding with its location."""
    head = f"[bold]{result.filename}[/]"
    if partner:
        head += f"  partner [bold]{partner}[/]"
    if result.format:
        head += f"  format {result.format}"
    console.print(head)
    if result.error is not None:
        console.print(findings_table([file_error_finding(result.error, result.filename)]))
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
        console.print(findings_table(findings))


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
