"""The committed CSV/XLSX samples still read exactly as their reviewed expected files say."""

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
_spec = importlib.util.spec_from_file_location(
    "tabular_expected", ROOT / "tests" / "tools" / "tabular_expected.py"
)
assert _spec is not None
assert _spec.loader is not None
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

SAMPLES = sorted(
    p
    for folder in ("csv", "xlsx")
    for p in (ROOT / "sample_files" / folder).iterdir()
    if not p.name.endswith(".expected.json")
)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_matches_expected(path):
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text(encoding="utf-8"))
    actual = tool.expected_for(path, tool.READERS[path.parent.name])
    assert actual == expected, f"regenerate with tests/tools/tabular_expected.py and review: {path}"


def test_there_is_a_valid_a_warning_and_an_error_sample_per_format():
    for folder in ("csv", "xlsx"):
        kinds = set()
        for path in (ROOT / "sample_files" / folder).glob("*.expected.json"):
            data = json.loads(path.read_text(encoding="utf-8"))
            if data["error"]:
                kinds.add("file error")
            for doc in data["documents"]:
                severities = {f["severity"] for f in doc["findings"]}
                kinds.add(
                    "error" if "error" in severities else "warning" if severities else "valid"
                )
        assert {"valid", "warning", "error", "file error"} <= kinds, folder


DOC = ROOT / "docs" / "formats" / "canonical-csv.md"


def test_documentation_lists_every_template_column():
    from orderport.formats.tabular import COLUMNS

    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in COLUMNS if f"| `{name}` |" not in text]
    assert missing == []


def test_documentation_example_reads_without_findings():
    import io

    from orderport.formats.base import ReadSettings
    from orderport.formats.csv_reader import READER
    from orderport.validation import normalize

    text = DOC.read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    docs = list(READER.read(io.BytesIO(example.encode()), "example.csv", ReadSettings()))
    assert [d.data["po_number"] for d in docs] == ["PO-1001", "PO-1002"]
    for doc in docs:
        po, findings = normalize(doc)
        assert po is not None
        assert findings == []
