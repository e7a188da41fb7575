"""The contract: every sample file reads, maps and validates exactly as its expected file says.

Each ``sample_files/<format>/<name>`` has ``<name>.expected.json`` with the canonical JSON of every
PO it holds and every finding (code, severity, path, location), or the file-level error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orderport.formats import registry
from orderport.formats.base import FormatError, ReadSettings
from orderport.validation import normalize

SAMPLES = Path(__file__).resolve().parents[1] / "sample_files"
EXPECTED = sorted(SAMPLES.glob("*/*.expected.json"))


def _settings(spec: dict[str, Any]) -> ReadSettings:
    raw = dict(spec.get("settings") or {})
    for key in ("date_formats", "sheets"):
        if key in raw:
            raw[key] = tuple(raw[key])
    return ReadSettings(**raw)


COMPARED = ("code", "severity", "path", "location")


def _finding_view(finding: dict[str, Any], keys: tuple[str, ...] = COMPARED) -> dict[str, Any]:
    return {k: finding[k] for k in keys if k in finding}


def read_sample(
    source: Path, spec: dict[str, Any], *, with_messages: bool = False
) -> dict[str, Any]:
    """What the pipeline makes of a sample file, in the expected file's shape."""
    keys = (*COMPARED, "message") if with_messages else COMPARED
    head = source.read_bytes()[: registry.SNIFF_BYTES]
    reader = registry.detect(head, source.name)
    try:
        documents = []
        with source.open("rb") as stream:
            for doc in reader.read(stream, source.name, _settings(spec)):
                if doc.merge is not None and "stored" in spec:
                    doc.data = doc.merge(spec["stored"])
                po, findings = normalize(doc)
                documents.append(
                    {
                        "po": po.model_dump(mode="json", exclude_none=True) if po else None,
                        "findings": [
                            _finding_view(f.model_dump(mode="json", exclude_none=True), keys)
                            for f in findings
                        ],
                    }
                )
    except FormatError as exc:
        return {
            "reader": reader.name,
            "documents": [],
            "error": str(exc),
            "error_message": exc.message,
        }
    return {"reader": reader.name, "documents": documents, "error": None, "error_message": None}


@pytest.mark.parametrize("folder", ["csv", "xlsx", "json", "x12", "edifact"])
def test_every_format_has_valid_warning_and_error_samples(folder: str) -> None:
    kinds = set()
    for path in (SAMPLES / folder).glob("*.expected.json"):
        spec = json.loads(path.read_text(encoding="utf-8"))
        if spec["error"]:
            kinds.add("file error")
        for doc in spec["documents"]:
            severities = {f["severity"] for f in doc["findings"]}
            kinds.add("error" if "error" in severities else "warning" if severities else "valid")
    assert {"valid", "warning", "error"} <= kinds, folder


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sample_file_reads_as_expected(expected_path: Path) -> None:
    spec = json.loads(expected_path.read_text(encoding="utf-8"))
    source = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
    got = read_sample(source, spec)
    assert got["reader"] == spec.get("format", expected_path.parent.name)
    if spec.get("error"):
        assert got["error"] is not None, "expected the file to be refused"
        assert spec["error"] in got["error"]
        return
    assert got["error"] is None, got["error"]
    assert len(got["documents"]) == len(spec["documents"])
    for index, (actual, wanted) in enumerate(zip(got["documents"], spec["documents"], strict=True)):
        assert actual["po"] == wanted["po"], f"PO #{index + 1}"
        wanted_findings = [_finding_view(f) for f in wanted["findings"]]
        assert sorted(actual["findings"], key=json.dumps) == sorted(
            wanted_findings, key=json.dumps
        ), f"findings of PO #{index + 1}"
