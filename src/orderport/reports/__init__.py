"""The operator's nightly report and the demand-planning extract, read from the store.

``collect`` gathers the figures, ``write_nightly`` writes them as CSV + JSON extracts, a
self-contained HTML page with SVG charts, and the demand-planning CSV.
"""

from orderport.reports.collect import DayTotals, NightlyReport, PartnerDay, collect
from orderport.reports.demand import DemandRow, demand_rows, write_demand_csv
from orderport.reports.writer import ReportFiles, write_nightly

__all__ = [
    "DayTotals",
    "DemandRow",
    "NightlyReport",
    "PartnerDay",
    "ReportFiles",
    "collect",
    "demand_rows",
    "write_demand_csv",
    "write_nightly",
]
