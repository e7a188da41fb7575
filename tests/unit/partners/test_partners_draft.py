"""Issue 13: ``orderport partners draft FILE --id ID`` writes a profile that reads the sample."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from orderport.cli import app
from orderport.partners import load_profile, read_settings
from orderport.partners.draft import draft_profile

US = (
    "PO #,Item #,Description,UPC,Qty,Unit Price,Ship To Address,City,State,Zip,Order Date\n"
    "4500123456,A-100,Widget,036000291452,10,12.50,1 Main St,Springfield,IL,62701,04/05/2024\n"
)
DE = "Bestellnummer;Artikel;Menge;Einzelpreis;Lieferdatum\n4711;A;1.200;0,12;05.04.2024\n"


def test_draft_pins_every_inference_with_its_evidence(tmp_path: Path) -> None:
    sample = tmp_path / "de.csv"
    sample.write_bytes(DE.encode("cp1252"))
    text, draft = draft_profile(sample, "kraut")
    assert draft.tier == "assisted"
    assert re.search(r'"Bestellnummer":\s+po_number\s+# vocabulary', text)
    assert "decimal_comma: true" in text
    assert 'delimiter: ";"' in text
    path = tmp_path / "kraut.yaml"
    path.write_text(text, encoding="utf-8")
    profile = load_profile(path)
    assert profile.mapping is not None
    assert profile.mapping.column_aliases["Menge"] == "quantity"
    settings = read_settings(profile)
    assert settings.decimal_comma is True
    assert settings.delimiter == ";"


def test_draft_marks_an_assumed_date_order_and_missing_defaults(tmp_path: Path) -> None:
    sample = tmp_path / "us.csv"
    sample.write_text(US, encoding="utf-8")
    text, _ = draft_profile(sample, "erpus")
    assert '"%m/%d/%Y"' in text
    assert "CHECK THIS" in text
    assert "# currency: TODO" in text


def test_draft_command_writes_the_profile_and_shows_the_canonical_result(
    tmp_path: Path, monkeypatch
) -> None:
    sample = tmp_path / "us.csv"
    sample.write_text(US.replace("04/05/2024", "04/25/2024"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["partners", "draft", str(sample), "--id", "erpus"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "erpus.yaml").exists()
    after = result.output.split("read with this profile:", 1)[1]
    shown = json.loads(after[after.index("{") :])
    [po] = shown["purchase_orders"]
    assert po["po_number"] == "4500123456"
    again = CliRunner().invoke(app, ["partners", "draft", str(sample), "--id", "erpus"])
    assert again.exit_code == 2
    assert "--force" in again.output
