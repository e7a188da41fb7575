"""(Re)write sample_files/json/*.expected.json from the JSON reader + normalize.

Run: .venv/bin/python tests/tools/json_expected.py  -- then review every diff by hand: the
expected files are the contract. Messages are written too (the contract test ignores them) so a
reviewer can judge what the partner would be told.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.json_shapes import READER
from orderport.validation import normalize

SAMPLES = Path(__file__).resolve().parents[2] / "sample_files" / "json"
SUFFIXES = (".json", ".jsonl")

# Partner-profile settings some samples are read with (kept in their expected files).
SETTINGS: dict[str, dict[str, Any]] = {
    "loupe_defaults_warnings.jsonl": {
        "defaults": {
            "ship_to": {
                "name": "Loupe default DC",
                "line1": "1 Rue du Depot",
                "city": "Lyon",
                "province": "Auvergne-Rhone-Alpes",
                "postal_code": "69007",
                "country": "FR",
            },
            "bill_to": {
                "name": "Maison Exemple SAS",
                "line1": "3 Avenue Montaigne",
                "city": "Paris",
                "province": "Ile-de-France",
                "postal_code": "75008",
                "country": "FR",
            },
        }
    },
}


def expected_for(path: Path, settings: dict[str, Any]) -> dict[str, Any]:
    documents: list[dict[str, Any]] = []
    error: str | None = None
    try:
        with path.open("rb") as stream:
            for doc in READER.read(stream, path.name, ReadSettings(**settings)):
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
                                "message": f.message,
                            }
                            for f in findings
                        ],
                    }
                )
    except FormatError as exc:
        documents = []
        error = exc.message
    spec: dict[str, Any] = {"documents": documents, "error": error}
    if settings:
        spec["settings"] = settings
    return spec


def main() -> None:
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix not in SUFFIXES or path.name.endswith(".expected.json"):
            continue
        out = path.with_name(path.name + ".expected.json")
        spec = expected_for(path, SETTINGS.get(path.name, {}))
        out.write_text(json.dumps(spec, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print("wrote", out.name)


if __name__ == "__main__":
    main()
