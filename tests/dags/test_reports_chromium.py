"""The HTML report opened in headless Chromium: both charts are laid out with visible marks.

The page itself has no script; the test adds one to a copy that measures the rendered SVG
(``getBBox``/``getBoundingClientRect`` need real layout) and writes the figures into the DOM,
which ``--dump-dom`` returns.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from orderport.reports.collect import DayTotals, NightlyReport, PartnerDay
from orderport.reports.html import render_html

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MEASURE = """<script>
window.addEventListener('load', () => {
  const out = {};
  for (const id of ['volumes', 'error-rate']) {
    const svg = document.getElementById(id);
    const box = svg.getBoundingClientRect();
    out[id + '-width'] = Math.round(box.width);
    out[id + '-height'] = Math.round(box.height);
  }
  out.bars = [...document.querySelectorAll('#volumes rect.bar')]
    .filter(r => r.getBBox().height > 0).length;
  out.points = [...document.querySelectorAll('#error-rate circle.point')]
    .filter(c => c.getBBox().width > 0).length;
  out.line = Math.round(document.querySelector('#error-rate polyline').getBBox().width);
  const pre = document.createElement('pre');
  pre.id = 'measured';
  pre.textContent = Object.entries(out).map(([k, v]) => k + '=' + v).join(' ');
  document.body.appendChild(pre);
});
</script>"""


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed: apt-get install -y chromium"
    return found


def sample_report(days: int = 30) -> NightlyReport:
    end = date(2026, 11, 22)
    trend = [
        DayTotals(
            end - timedelta(days=days - 1 - i),
            files_received=i % 7,
            pos=2 * (i % 7),
            pos_with_errors=i % 3 if i % 7 else 0,
        )
        for i in range(days)
    ]
    partner = PartnerDay("acme", files_received=6, findings_by_code={"read.date": 2})
    return NightlyReport(end, datetime(2026, 11, 23, 1, 30, tzinfo=UTC), [partner], trend)


def test_charts_render_in_headless_chromium(tmp_path: Path) -> None:
    report = sample_report()
    page = tmp_path / "report.html"
    page.write_text(render_html(report).replace("</body>", MEASURE + "</body>"))
    result = subprocess.run(
        [
            chromium(),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = re.search(r'<pre id="measured">([^<]*)</pre>', result.stdout)
    assert found, "the page did not finish loading:\n" + result.stdout[-2000:]
    measured = dict(item.split("=") for item in found.group(1).split())
    assert int(measured["volumes-width"]) >= 700
    assert int(measured["volumes-height"]) >= 200
    assert int(measured["error-rate-width"]) >= 700
    nonzero_bars = sum(1 for d in report.trend if d.files_received) + sum(
        1 for d in report.trend if d.pos
    )
    assert int(measured["bars"]) == nonzero_bars
    assert int(measured["points"]) == len(report.trend)
    assert int(measured["line"]) > 600
