"""Write the nightly report's files into one folder, named by the report day."""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine

from orderport.reports.collect import NightlyReport, collect, totals_by_partner
from orderport.reports.demand import demand_rows, write_demand_csv
from orderport.reports.html import render_html


@dataclass(frozen=True)
class ReportFiles:
    csv: Path
    findings_csv: Path
    json: Path
    html: Path
    demand_csv: Path

    def all(self) -> list[Path]:
        return [self.csv, self.findings_csv, self.json, self.html, self.demand_csv]


def _atomic_write(path: Path, text: str) -> None:
    """Readers (a browser, a BI import) see the old file or the whole new one."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8", newline="")
    os.replace(tmp, path)


def _csv_text(header: list[str], rows: Iterable[list[object]]) -> str:
    lines: list[str] = []

    class _Sink:
        def write(self, s: str) -> int:
            lines.append(s)
            return len(s)

    writer = csv.writer(_Sink())
    writer.writerow(header)
    writer.writerows(rows)
    return "".join(lines)


def write_report(report: NightlyReport, out_dir: Path) -> tuple[Path, Path, Path, Path]:
    """CSV (per partner), findings CSV (partner, code, count), JSON and HTML."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"nightly-{report.day.isoformat()}"
    flat = totals_by_partner(report)
    columns = list(next(iter(flat.values())).keys()) if flat else []
    summary = _csv_text(
        ["partner_id", *columns], ([p, *(c[k] for k in columns)] for p, c in flat.items())
    )
    findings = _csv_text(
        ["partner_id", "code", "count"],
        (
            [p.partner_id, code, n]
            for p in report.partners
            for code, n in p.findings_by_code.items()
        ),
    )
    paths = (
        out_dir / f"{stem}.csv",
        out_dir / f"{stem}-findings.csv",
        out_dir / f"{stem}.json",
        out_dir / f"{stem}.html",
    )
    _atomic_write(paths[0], summary)
    _atomic_write(paths[1], findings)
    _atomic_write(paths[2], json.dumps(report.as_dict(), indent=2, sort_keys=True) + "\n")
    _atomic_write(paths[3], render_html(report))
    return paths


def write_nightly(
    engine: Engine,
    day: date,
    out_dir: Path,
    *,
    now: datetime | None = None,
    partner_ids: Iterable[str] = (),
) -> ReportFiles:
    """Collect the day's figures and write every report file; returns their paths."""
    report = collect(engine, day, now=now, partner_ids=partner_ids)
    csv_path, findings_path, json_path, html_path = write_report(report, out_dir)
    demand_path = write_demand_csv(
        demand_rows(engine), out_dir / f"demand-{report.day.isoformat()}.csv"
    )
    return ReportFiles(csv_path, findings_path, json_path, html_path, demand_path)
