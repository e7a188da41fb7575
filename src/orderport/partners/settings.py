"""The reading knobs a profile gives the format readers."""

from __future__ import annotations

import copy

from orderport.formats.base import ReadSettings
from orderport.partners.profile import PartnerProfile


def read_settings(profile: PartnerProfile) -> ReadSettings:
    """``ReadSettings`` for this partner's files: CSV/XLSX options, JSON variant, aliases, defaults.

    Defaults are handed to readers as well (seed 004 readers fill an empty address from them);
    ``apply_mapping`` fills whatever is still absent afterwards.
    """
    csv = profile.formats.csv
    mapping = profile.mapping
    return ReadSettings(
        encoding=csv.encoding,
        fallback_encoding=csv.fallback_encoding,
        delimiter=csv.delimiter,
        decimal_comma=csv.decimal_comma,
        date_formats=tuple(csv.date_formats),
        sheet_date_formats=tuple(profile.formats.xlsx.date_formats),
        ignore_columns=tuple(profile.formats.tabular.ignore_columns),
        totals_labels=tuple(profile.formats.tabular.totals_labels),
        column_aliases=dict(mapping.column_aliases) if mapping else {},
        sheets=tuple(profile.formats.xlsx.sheets),
        variant=profile.formats.json_variant,
        defaults=copy.deepcopy(mapping.defaults) if mapping else {},
        expected_sender=profile.edi.interchange_id if profile.edi else None,
    )
