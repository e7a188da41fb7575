"""The shipped sample profiles: all valid, and each carries what its demo needs."""

from decimal import Decimal
from pathlib import Path

import pytest

from orderport.partners import (
    FolderChannel,
    ImapChannel,
    SftpChannel,
    Tier,
    check_profiles,
    load_profiles,
    read_settings,
)

SAMPLES = Path(__file__).parents[3] / "sample_files" / "partners"
NAMES = {
    "acme",
    "globex",
    "initech",
    "umbrella",
    "loupe",
    "inspectorio",
    "threepl",
    "analysts",
    "stylehaus",
}


@pytest.fixture(scope="module")
def profiles():
    return load_profiles(SAMPLES)


def test_samples_check_clean():
    assert check_profiles(SAMPLES) == []


def test_all_sample_partners_present(profiles):
    assert set(profiles) == NAMES


def test_tiers(profiles):
    tiers = {name: p.tier for name, p in profiles.items()}
    assert tiers["acme"] is Tier.QUICK_DEPLOY
    assert tiers["globex"] is Tier.ASSISTED
    assert tiers["loupe"] is Tier.ASSISTED
    assert tiers["stylehaus"] is Tier.ADAPTIVE


def test_channels(profiles):
    assert isinstance(profiles["acme"].channel, FolderChannel)
    initech = profiles["initech"].channel
    assert isinstance(initech, SftpChannel)
    assert initech.completeness.convention == "done_marker"
    assert initech.connection_id == "sftp_initech"
    assert initech.port == 2222
    umbrella = profiles["umbrella"].channel
    assert isinstance(umbrella, SftpChannel)
    assert umbrella.completeness.convention == "temp_rename"
    assert isinstance(profiles["loupe"].channel, ImapChannel)
    assert profiles["loupe"].channel.require_dmarc_pass is True


def test_globex_read_settings(profiles):
    settings = read_settings(profiles["globex"])
    assert settings.delimiter == ";"
    assert settings.decimal_comma is True
    assert settings.fallback_encoding == "cp1252"
    assert settings.date_formats == ("%d.%m.%Y", "%d.%m.%y")
    assert settings.column_aliases["Menge"] == "quantity"
    assert settings.column_aliases["Artikelnummer"] == "buyer_sku"
    assert settings.defaults["currency"] == "EUR"
    assert settings.defaults["bill_to"]["postal_code"] == "70565"


def test_loupe_defaults_are_canonical_addresses(profiles):
    settings = read_settings(profiles["loupe"])
    assert settings.variant == "loupe"
    assert settings.defaults["ship_to"]["country"] == "FR"
    assert settings.defaults["bill_to"]["line2"] == "3e étage"
    # settings get a copy: a reader changing it cannot change the profile
    settings.defaults["ship_to"]["city"] = "Lyon"
    assert profiles["loupe"].mapping.defaults["ship_to"]["city"] == "Paris"


def test_quick_deploy_settings_have_no_mapping(profiles):
    settings = read_settings(profiles["acme"])
    assert settings.column_aliases == {}
    assert settings.defaults == {}


def test_analysts_settings_map_their_spreadsheet_headers(profiles):
    settings = read_settings(profiles["analysts"])
    assert settings.column_aliases["PO #"] == "po_number"
    assert settings.column_aliases["Qty"] == "quantity"
    assert settings.sheets == ("Orders",)
    assert settings.date_formats == ("%Y-%m-%d", "%d/%m/%Y")


def test_threepl_options(profiles):
    options = profiles["threepl"].options
    assert options.auto_approve is True
    assert options.can_split is True
    assert options.on_errors == "reject"
    assert read_settings(profiles["threepl"]).variant == "threepl"


def test_globex_xref_keeps_leading_zeros(profiles):
    assert profiles["globex"].mapping.sku_xref["0004711"] == "SKU-4711"
    assert profiles["globex"].mapping.value_maps["uom"]["Stück"] == "EA"


def test_defaults_are_normalised_to_canonical_json(tmp_path):
    text = (SAMPLES / "acme.yaml").read_text(encoding="utf-8")
    text = text.replace("tier: quick_deploy", "tier: assisted")
    text += (
        "mapping:\n  defaults:\n    total_quantity: 12.50\n    in_store_date: 2026-03-01\n"
        "  line_defaults:\n    pack_size: 6\n    uom: CS\n"
    )
    (tmp_path / "acme.yaml").write_text(text, encoding="utf-8")
    profile = load_profiles(tmp_path)["acme"]
    assert profile.mapping.defaults == {"total_quantity": "12.50", "in_store_date": "2026-03-01"}
    assert Decimal(profile.mapping.defaults["total_quantity"]) == Decimal("12.5")
    assert profile.mapping.line_defaults == {"pack_size": 6, "uom": "CS"}
