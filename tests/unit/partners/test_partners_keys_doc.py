"""Issue 13: docs and validator agree on every profile key (the docs table is generated)."""

from orderport.partners.keys_doc import DOC, documented_table, profile_keys, render_keys_table


def test_docs_table_is_the_generated_one() -> None:
    assert documented_table(DOC.read_text(encoding="utf-8")) == render_keys_table()


def test_table_covers_the_new_and_the_disputed_keys() -> None:
    keys = dict(profile_keys())
    for key in (
        "formats.tabular.ignore_columns",
        "formats.tabular.totals_labels",
        "formats.xlsx.date_formats",
        "formats.csv.decimal_comma",
        "mapping.defaults",
        "mapping.column_aliases",
    ):
        assert keys[key], key
    assert "PO field" in keys["mapping.defaults"]  # keyed by canonical PO field, as validated
