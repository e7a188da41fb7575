"""Issue 13: profile mistakes stay with their partner; new tabular profile keys."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from orderport.cli import app
from orderport.formats.csv_reader import READER as CSV
from orderport.formats.xlsx_reader import READER as XLSX
from orderport.partners import (
    ProfileError,
    apply_mapping,
    check_profiles,
    load_partner_profile,
    load_profile,
    read_settings,
)

SAMPLES = Path(__file__).resolve().parents[3] / "sample_files"

ASSISTED = """\
id: {id}
name: Test partner
tier: assisted
channel: {{kind: folder, path: drop/{id}}}
formats:
  accepted: [csv, xlsx]
{formats}
mapping:
  column_aliases:
{aliases}
"""


def write(folder: Path, pid: str, aliases: str, formats: str = "") -> Path:
    path = folder / f"{pid}.yaml"
    path.write_text(ASSISTED.format(id=pid, aliases=aliases, formats=formats), encoding="utf-8")
    return path


def test_mistyped_alias_target_fails_check_with_did_you_mean(tmp_path: Path) -> None:
    write(tmp_path, "globex", "    PLZ: ship_to_zip\n    Menge: quantity")
    [problem] = check_profiles(tmp_path)
    assert problem.path == "mapping.column_aliases.PLZ"
    assert "'ship_to_zip' is not a canonical column" in problem.message
    assert "did you mean 'ship_to_postal_code'" in problem.message
    assert problem.line == 10  # the PLZ line


def test_a_broken_profile_affects_only_its_partner(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_bytes((SAMPLES / "partners" / "acme.yaml").read_bytes())
    write(tmp_path, "globex", "    PLZ: ship_to_zip")
    assert load_partner_profile("acme", tmp_path).id == "acme"
    with pytest.raises(ProfileError) as caught:
        load_partner_profile("globex", tmp_path)
    assert [Path(p.file).name for p in caught.value.problems] == ["globex.yaml"]
    with pytest.raises(KeyError):
        load_partner_profile("nobody", tmp_path)


def test_convert_for_one_partner_works_while_another_profile_is_invalid(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "acme.yaml").write_bytes((SAMPLES / "partners" / "acme.yaml").read_bytes())
    write(tmp_path, "globex", "    PLZ: ship_to_zip")
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(tmp_path))
    runner = CliRunner()
    sample = str(SAMPLES / "csv" / "canonical_valid.csv")
    good = runner.invoke(app, ["convert", sample, "--partner", "acme"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["purchase_orders"]
    bad = runner.invoke(app, ["convert", sample, "--partner", "globex"])
    assert bad.exit_code == 2
    assert bad.exception is None or isinstance(bad.exception, SystemExit)
    assert "Traceback" not in bad.output
    lines = [line for line in bad.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "globex.yaml" in lines[0]
    assert "ship_to_zip" in lines[0]


def test_ignore_columns_and_totals_labels_from_the_profile(tmp_path: Path) -> None:
    formats = "  tabular:\n    ignore_columns: [Lagerort]\n    totals_labels: [Endbetrag]"
    profile = load_profile(write(tmp_path, "kraut", "    Art.-Nr.: buyer_sku", formats))
    settings = read_settings(profile)
    text = "Bestellnummer;Art.-Nr.;Menge;Lagerort\n4711;A;2;L1\nEndbetrag;;2;\n"
    [doc] = list(CSV.read(io.BytesIO(text.encode()), "k.csv", settings))
    assert doc.data["lines"] == [{"buyer_sku": "A", "quantity": "2", "line_number": 1}]
    assert [f.code for f in doc.findings if f.severity.value != "info"] == []
    ignored = [f for f in doc.findings if f.code == "read.column_ignored"]
    assert [f.location.column for f in ignored] == ["Lagerort"]


def _book(date_text: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["PO Number", "SKU", "Qty", "Order Date"])
    ws.append(["P1", "S", 1, date_text])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_xlsx_text_date_formats_have_their_own_key_and_csv_ones_still_apply(
    tmp_path: Path,
) -> None:
    own = load_profile(
        write(tmp_path, "a", "    X: sku", '  xlsx:\n    date_formats: ["%d|%m|%Y"]')
    )
    [doc] = list(XLSX.read(io.BytesIO(_book("05|04|2024")), "b.xlsx", read_settings(own)))
    assert doc.data["order_date"] == "2024-04-05"
    legacy = load_profile(
        write(tmp_path, "b", "    X: sku", '  csv:\n    date_formats: ["%d|%m|%Y"]')
    )
    [doc] = list(XLSX.read(io.BytesIO(_book("05|04|2024")), "b.xlsx", read_settings(legacy)))
    assert doc.data["order_date"] == "2024-04-05"


def test_value_map_writes_another_field(tmp_path: Path) -> None:
    path = write(tmp_path, "dcmap", "    Lager: ship_to_location_id")
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  value_maps_to:\n"
        + "    - {source: location_id, target: name, values: {DC01: Main DC}}\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    text = "PO;SKU;Qty;Lager\nP1;S;1;DC01\n"
    [doc] = list(CSV.read(io.BytesIO(text.encode()), "d.csv", read_settings(profile)))
    mapped = apply_mapping(profile, doc)
    assert mapped.data["ship_to"] == {"location_id": "DC01", "name": "Main DC"}
    where = mapped.provenance.locate("$.ship_to.name")
    assert (where.row, where.column) == (2, "Lager")


def test_value_map_target_must_be_a_canonical_field(tmp_path: Path) -> None:
    path = write(tmp_path, "dcbad", "    Lager: ship_to_location_id")
    path.write_text(
        path.read_text(encoding="utf-8")
        + "  value_maps_to:\n"
        + "    - {source: location_id, target: nmae, values: {DC01: Main DC}}\n",
        encoding="utf-8",
    )
    [problem] = check_profiles(tmp_path)
    assert problem.path == "mapping.value_maps_to[0].target"
    assert "did you mean 'name'" in problem.message
