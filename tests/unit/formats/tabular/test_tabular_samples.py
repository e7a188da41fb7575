"""The canonical CSV template documentation matches the reader."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


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
