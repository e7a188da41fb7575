"""The nightly report as one self-contained HTML page: inline CSS and SVG charts, no scripts,
no network (the operators' machines may have no internet, and a CDN would leak the report).
"""

from __future__ import annotations

from html import escape

from orderport.reports.actions import KIND_LABELS
from orderport.reports.collect import (
    FILE_STATES,
    PO_OUTCOMES,
    DayTotals,
    NightlyReport,
    report_totals,
    totals_by_partner,
)

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 52
_CSS = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:2rem}
table{border-collapse:collapse;font-size:.85rem}th,td{border:1px solid #ccd;padding:.25rem .5rem}
th{background:#eef1f5}td.n{text-align:right}svg{background:#fafbfc;border:1px solid #dde}
tr.total td{font-weight:bold;background:#f4f6f9}.scroll{max-width:100%;overflow-x:auto}
#actions td{vertical-align:top}#actions td.n{white-space:nowrap}#actions td.why{max-width:40rem}
figure{margin:1rem 0}
figcaption{font-weight:bold;margin-bottom:.3rem}.ok{color:#2a7a2a}
.legend span{display:inline-block;margin-right:1rem}.sw{width:.8rem;height:.8rem;
display:inline-block;margin-right:.3rem;vertical-align:middle}
"""


def _axis(max_value: float, label: str, y_title: str) -> list[str]:
    plot_h = HEIGHT - TOP - BOTTOM
    mid = TOP + plot_h / 2
    parts = [
        f'<text class="axis-title" x="14" y="{mid:.0f}" font-size="11" text-anchor="middle" '
        f'transform="rotate(-90 14 {mid:.0f})">{escape(y_title)}</text>',
        f'<text class="axis-title" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2:.0f}" '
        f'y="{HEIGHT - 8}" font-size="11" text-anchor="middle">day (UTC)</text>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{HEIGHT - BOTTOM}" stroke="#889"/>',
        f'<line x1="{LEFT}" y1="{HEIGHT - BOTTOM}" x2="{WIDTH - RIGHT}" '
        f'y2="{HEIGHT - BOTTOM}" stroke="#889"/>',
    ]
    for i in range(5):
        value = max_value * i / 4
        y = HEIGHT - BOTTOM - plot_h * i / 4
        text = f"{value:.0%}" if label == "%" else f"{value:.0f}"
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{text}</text>'
        )
    return parts


def _day_labels(trend: list[DayTotals], step: float) -> list[str]:
    parts = []
    for i, d in enumerate(trend):
        if i % 5 == 0 or i == len(trend) - 1:
            x = LEFT + step * (i + 0.5)
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                f'text-anchor="middle">{d.day.strftime("%m-%d")}</text>'
            )
    return parts


def volume_chart(trend: list[DayTotals]) -> str:
    """Grouped bars per day: files received and POs processed."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max([d.files_received for d in trend] + [d.pos for d in trend] + [1])
    step = plot_w / max(len(trend), 1)
    bar = step * 0.38
    parts = _axis(top, "n", "count per day")
    for i, d in enumerate(trend):
        for j, (value, colour, what) in enumerate(
            ((d.files_received, "#4c78a8", "files"), (d.pos, "#f58518", "POs"))
        ):
            h = plot_h * value / top
            x = LEFT + step * i + step * 0.12 + j * bar
            parts.append(
                f'<rect class="bar {what}" x="{x:.1f}" y="{HEIGHT - BOTTOM - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{d.day.isoformat()}: {value} {what}</title></rect>"
            )
    parts += _day_labels(trend, step)
    return _svg("volumes", "Files received and POs per day", parts)


def error_chart(trend: list[DayTotals]) -> str:
    """Share of POs held or rejected per day, as a line with a dot per day."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    top = max([d.error_rate for d in trend] + [0.1])
    step = plot_w / max(len(trend), 1)
    points = [
        (LEFT + step * (i + 0.5), HEIGHT - BOTTOM - plot_h * d.error_rate / top)
        for i, d in enumerate(trend)
    ]
    parts = _axis(top, "%", "share of POs")
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    parts.append(f'<polyline class="error-rate" points="{path}" fill="none" stroke="#e45756"/>')
    for (x, y), d in zip(points, trend, strict=True):
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#e45756">'
            f"<title>{d.day.isoformat()}: {d.error_rate:.1%} of {d.pos} POs</title></circle>"
        )
    parts += _day_labels(trend, step)
    return _svg("error-rate", "Error rate per day (POs held or rejected)", parts)


def _svg(chart_id: str, title: str, parts: list[str]) -> str:
    body = "".join(parts)
    return (
        f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>{body}</svg>'
    )


def _legend(entries: list[tuple[str, str]], chart_id: str) -> str:
    spans = "".join(
        f'<span><i class="sw" style="background:{colour}"></i>{escape(text)}</span>'
        for colour, text in entries
    )
    return f'<p class="legend" id="{chart_id}-legend">{spans}</p>'


def _figure(chart_id: str, title: str, legend: str, svg: str) -> str:
    return (
        f'<figure id="{chart_id}-figure"><figcaption>{escape(title)}</figcaption>'
        f'{legend}<div class="scroll">{svg}</div></figure>'
    )


def _age(hours: float | None) -> str:
    if hours is None:
        return ""
    return f"{hours / 24:.1f} d" if hours >= 48 else f"{hours:.0f} h"


def _actions(report: NightlyReport) -> str:
    if not report.actions:
        return '<p id="actions" class="ok">Nothing needs action.</p>'
    rows = []
    for item in report.actions:
        d = item.as_dict(report.generated_at)
        rows.append(
            f'<tr class="{escape(item.kind)}"><td>{escape(KIND_LABELS.get(item.kind, item.kind))}'
            f"</td><td>{escape(item.partner_id)}</td><td>{escape(item.subject)}</td>"
            f'<td class="why">{escape(item.detail)}</td><td class="n">{_age(d["age_hours"])}</td>'
            f"<td>{escape(item.action)}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("what", "partner", "which", "why", "age", "what to do")
    )
    return f'<table id="actions"><tr>{head}</tr>{"".join(rows)}</table>'


def _partner_table(report: NightlyReport) -> str:
    flat = totals_by_partner(report)
    columns = ["files_received", *(f"files_{s}" for s in FILE_STATES)]
    columns += [f"pos_{o}" for o in PO_OUTCOMES]
    columns += ["findings", "status_files_sent", "booking_files_sent", "bookings_confirmed"]
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in ["partner", *columns])
    rows = []
    for partner_id, counts in flat.items():
        cells = "".join(f'<td class="n">{counts[c]}</td>' for c in columns)
        rows.append(f"<tr><td>{escape(partner_id)}</td>{cells}</tr>")
    totals = report_totals(report)
    cells = "".join(f'<td class="n">{totals.get(c, 0)}</td>' for c in columns)
    rows.append(f'<tr class="total"><td>all partners</td>{cells}</tr>')
    return f'<div class="scroll"><table id="partners"><tr>{head}</tr>{"".join(rows)}</table></div>'


def _findings_table(report: NightlyReport) -> str:
    rows = [
        f'<tr><td>{escape(p.partner_id)}</td><td>{escape(code)}</td><td class="n">{n}</td></tr>'
        for p in report.partners
        for code, n in p.findings_by_code.items()
    ]
    if not rows:
        return "<p>No findings.</p>"
    return (
        '<table id="findings"><tr><th>partner</th><th>code</th><th>count</th></tr>'
        + "".join(rows)
        + "</table>"
    )


def render_html(report: NightlyReport) -> str:
    day = report.day.isoformat()
    so_far = " so far" if report.partial else ""
    volumes = _figure(
        "volumes",
        f"Files received and POs per day, last {len(report.trend)} days",
        _legend([("#4c78a8", "files received"), ("#f58518", "POs processed")], "volumes"),
        volume_chart(report.trend),
    )
    errors = _figure(
        "error-rate",
        f"Error rate per day, last {len(report.trend)} days",
        _legend([("#e45756", "share of POs held or rejected")], "error-rate"),
        error_chart(report.trend),
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>Orderport nightly report {day}'
        f"</title><style>{_CSS}</style></head><body>"
        f"<h1>Orderport nightly report for {day} (UTC){so_far}</h1>"
        f"<p>Generated {escape(report.generated_at.isoformat(timespec='seconds'))}.</p>"
        f"<h2>Needs action ({len(report.actions)})</h2>{_actions(report)}"
        f"<h2>Per partner</h2>{_partner_table(report)}"
        f"<h2>Findings by code</h2>{_findings_table(report)}"
        f"<h2>Trends</h2>{volumes}{errors}"
        "</body></html>\n"
    )
