"""(Re)write sample_files/{csv,xlsx}/*.expected.json from the readers + normalize.

Run: .venv/bin/python tests/tools/tabular_expected.py  -- then review every diff by hand.
The partner settings a sample needs are written under "settings" (ReadSettings fields).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orderport.formats import csv_reader, xlsx_reader
from orderport.formats.base import FormatError, Reader, ReadSettings
from orderport.validation import normalize

ROOT = Path(__file__).resolve().parents[2] / "sample_files"

SETTINGS: dict[str, dict[str, Any]] = {
    "partner_semicolon_cp1252.csv": {
        "delimiter": ";",
        "fallback_encoding": "cp1252",
        "decimal_comma": True,
        "date_formats": ["%d.%m.%Y"],
        "column_aliases": {
            "Bestellnummer": "po_number",
            "Bestelldatum": "order_date",
            "Währung": "currency",
            "Lieferant": "vendor_id",
            "Lieferadresse Name": "ship_to_name",
            "Strasse": "ship_to_line1",
            "PLZ": "ship_to_postal_code",
            "Ort": "ship_to_city",
            "Bundesland": "ship_to_province",
            "Land": "ship_to_country",
            "Pos": "line_number",
            "Artikel": "sku",
            "EAN": "gtin",
            "Bezeichnung": "description",
            "Menge": "quantity",
            "Einzelpreis": "unit_cost",
            "Liefertermin": "requested_delivery_date",
        },
    },
    "analyst_orders.xlsx": {
        "column_aliases": {
            "PO #": "po_number",
            "Vendor": "vendor_id",
            "Line": "line_number",
            "UPC": "gtin",
            "Qty": "quantity",
            "Unit price": "unit_cost",
        }
    },
    "dates_and_text.xlsx": {"date_formats": ["%Y-%m-%d", "%d/%m/%Y"]},
}

READERS: dict[str, Reader] = {"csv": csv_reader.READER, "xlsx": xlsx_reader.READER}


def settings_for(name: str) -> ReadSettings:
    raw = dict(SETTINGS.get(name, {}))
    if "date_formats" in raw:
        raw["date_formats"] = tuple(raw["date_formats"])
    if "sheets" in raw:
        raw["sheets"] = tuple(raw["sheets"])
    return ReadSettings(**raw)


def expected_for(path: Path, reader: Reader) -> dict[str, Any]:
    documents: list[dict[str, Any]] = []
    error: str | None = None
    try:
        with path.open("rb") as stream:
            for doc in reader.read(stream, path.name, settings_for(path.name)):
                po, findings = normalize(doc)
                documents.append(
                    {
                        "po": po.model_dump(mode="json", exclude_none=True) if po else None,
                        "findings": [
                            {
                                "code": f.code,
                                "severity": f.severity.value,
                                "path": f.path,
                                "location": f.location.model_dump(exclude_none=True)
                                if f.location
                                else {},
                            }
                            for f in findings
                        ],
                    }
                )
    except FormatError as exc:
        error = exc.message
    out: dict[str, Any] = {"documents": documents, "error": error}
    if path.name in SETTINGS:
        out["settings"] = SETTINGS[path.name]
    return out


def main() -> None:
    for folder, reader in READERS.items():
        for path in sorted((ROOT / folder).iterdir()):
            if path.name.endswith(".expected.json") or path.name.startswith("."):
                continue
            out = path.with_name(path.name + ".expected.json")
            text = json.dumps(
                expected_for(path, reader), indent=2, sort_keys=True, ensure_ascii=False
            )
            out.write_text(text + "\n", encoding="utf-8")
            print("wrote", out.relative_to(ROOT))


if __name__ == "__main__":
    main()
