"""Adaptive tier: plug-in lookup (entry points for real, fallbacks) and the example transform."""

import sys
import textwrap
from pathlib import Path

import pytest

from orderport.formats.base import RawDocument
from orderport.model import Provenance, Severity, SourceLocation
from orderport.partners import (
    ENTRY_POINT_GROUP,
    PartnerProfile,
    TransformError,
    apply_mapping,
    load_profile,
    load_transform,
)
from orderport.partners.examples import split_style_color_size

SAMPLES = Path(__file__).parents[3] / "sample_files" / "partners"


@pytest.fixture(autouse=True)
def fresh_plugin_cache():
    load_transform.cache_clear()
    yield
    load_transform.cache_clear()


@pytest.fixture
def installed_plugin(tmp_path, monkeypatch):
    """A real distribution on sys.path registering ``shout`` in orderport.transforms."""
    (tmp_path / "shout_plugin.py").write_text(
        textwrap.dedent(
            """
            def shout(doc, profile):
                for line in doc.data.get("lines", []):
                    line["description"] = line.get("description", "").upper() + "!"
                return doc

            def broken(doc, profile):
                raise KeyError("Farbe")

            def wrong(doc, profile):
                return {"not": "a document"}
            """
        ),
        encoding="utf-8",
    )
    dist = tmp_path / "shout_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: shout-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (dist / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\nshout = shout_plugin:shout\nbroken = shout_plugin:broken\n"
        "wrong = shout_plugin:wrong\nmissing_module = no_such_module_xyz:fn\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    sys.modules.pop("shout_plugin", None)


def profile_with(plugin: str, **settings: object) -> PartnerProfile:
    return PartnerProfile.model_validate(
        {
            "id": "stylehaus",
            "name": "Stylehaus",
            "tier": "adaptive",
            "channel": {"kind": "folder", "path": "drop/stylehaus"},
            "formats": {"accepted": ["csv"]},
            "transform": {"plugin": plugin, "settings": settings},
        }
    )


def doc_with(*skus: str, field: str = "sku") -> RawDocument:
    provenance = Provenance(file="stylehaus.csv")
    lines = []
    for index, sku in enumerate(skus):
        lines.append({"line_number": index + 1, field: sku, "quantity": "1"})
        provenance.record(
            f"$.lines[{index}].{field}", SourceLocation(row=index + 2, column="B (Code)")
        )
    return RawDocument(data={"po_number": "SH-1", "lines": lines}, provenance=provenance)


def test_entry_point_is_found_and_run(installed_plugin):
    function = load_transform("shout")
    assert function.__module__ == "shout_plugin"
    doc = doc_with("A-B-C")
    doc.data["lines"][0]["description"] = "shirt"
    result = apply_mapping(profile_with("shout"), doc)
    assert result.data["lines"][0]["description"] == "SHIRT!"


def test_plugin_exception_becomes_an_error_finding_naming_the_plugin(installed_plugin):
    doc = apply_mapping(profile_with("broken"), doc_with("A-B-C"))
    [finding] = doc.findings
    assert finding.code == "transform.failed"
    assert finding.severity is Severity.ERROR
    assert "'broken'" in finding.message
    assert "KeyError" in finding.message
    assert finding.location.file == "stylehaus.csv"


def test_plugin_returning_something_else_is_an_error(installed_plugin):
    doc = apply_mapping(profile_with("wrong"), doc_with("A-B-C"))
    assert [f.code for f in doc.findings] == ["transform.failed"]
    assert "not a RawDocument" in doc.findings[0].message


def test_entry_point_that_cannot_load_is_a_transform_error(installed_plugin):
    with pytest.raises(TransformError, match="no_such_module_xyz"):
        load_transform("missing_module")


def test_unknown_name_lists_installed_plugins(installed_plugin):
    with pytest.raises(TransformError) as caught:
        load_transform("nope")
    assert "shout" in str(caught.value)
    assert ENTRY_POINT_GROUP in str(caught.value)


def test_module_function_fallback():
    function = load_transform("orderport.partners.examples:split_style_color_size")
    assert function is split_style_color_size
    with pytest.raises(TransformError, match="has no"):
        load_transform("orderport.partners.examples:nothing_here")
    with pytest.raises(TransformError, match="cannot import"):
        load_transform("orderport.no_such_module:fn")


def test_shipped_example_resolves_by_name():
    assert load_transform("style_color_size") is split_style_color_size


def test_split_style_color_size_with_provenance():
    doc = doc_with("TS-1001-BLK-M", "JK200-NVY-XL")
    result = split_style_color_size(doc, profile_with("style_color_size"))
    first, second = result.data["lines"]
    assert (first["style_id"], first["color"], first["size"]) == ("TS-1001", "BLK", "M")
    assert (second["style_id"], second["color"], second["size"]) == ("JK200", "NVY", "XL")
    assert first["sku"] == "TS-1001-BLK-M"
    assert result.provenance.locate("$.lines[1].size") == result.provenance.locate("$.lines[1].sku")
    assert result.provenance.locate("$.lines[1].size").row == 3


def test_unsplittable_code_is_a_located_warning():
    doc = split_style_color_size(doc_with("PLAIN", "A--M"), profile_with("style_color_size"))
    assert [f.code for f in doc.findings] == ["transform.sku_unsplit", "transform.sku_unsplit"]
    assert doc.findings[0].location.row == 2
    assert "style_id" not in doc.data["lines"][0]


def test_settings_field_separator_and_keep_sku():
    profile = profile_with("style_color_size", field="sku", separator="/", keep_sku=False)
    doc = split_style_color_size(doc_with("TS/RED/S"), profile)
    line = doc.data["lines"][0]
    assert "sku" not in line
    assert line["vendor_sku"] == "TS/RED/S"
    assert (line["style_id"], line["color"], line["size"]) == ("TS", "RED", "S")


def test_unknown_setting_fails_through_apply_mapping_as_finding():
    doc = apply_mapping(profile_with("style_color_size", sep="-"), doc_with("A-B-C"))
    assert [f.code for f in doc.findings] == ["transform.failed"]
    assert "sep" in doc.findings[0].message


def test_stylehaus_sample_runs_plugin_then_value_maps():
    stylehaus = load_profile(SAMPLES / "stylehaus.yaml")
    doc = apply_mapping(stylehaus, doc_with("TS-1001-BLK-M"))
    line = doc.data["lines"][0]
    assert (line["style_id"], line["color"], line["size"]) == ("TS-1001", "Black", "M")
    assert doc.data["options"] == {"on_errors": "hold"}
