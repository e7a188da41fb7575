"""(Re)write sample_files/edifact/*.expected.json from the reader + normalize.

Run: .venv/bin/python tests/tools/edifact_expected.py  -- then review every diff by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orderport.formats.base import FormatError, ReadSettings
from orderport.formats.edifact import READER
from orderport.validation import normalize

SAMPLES = Path(__file__).resolve().parents[2] / "sample_files" / "edifact"


def expected_for(path: Path) -> dict[str, Any]:
    documents: list[dict[str, Any]] = []
    error: str | None = None
    try:
        with path.open("rb") as stream:
            for doc in READER.read(stream, path.name, ReadSettings()):
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
    return {"documents": documents, "error": error}


def main() -> None:
    for path in sorted(SAMPLES.glob("*.edi")):
        out = path.with_name(path.name + ".expected.json")
        out.write_text(
            json.dumps(expected_for(path), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )
        print("wrote", out.name)


if __name__ == "__main__":
    main()
