"""Loading profiles and locating their problems in the YAML (file, line, column, field)."""

from pathlib import Path

import pytest

from orderport.partners import (
    PartnerProfile,
    ProfileError,
    Tier,
    check_profiles,
    load_profile,
    load_profiles,
    profiles_dir,
)
from orderport.partners.loading import SAMPLE_PROFILES

HERE = Path(__file__).parent
BROKEN = HERE / "fixtures" / "broken"
SAMPLES = HERE.parents[2] / "sample_files" / "partners"


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line of ``path`` containing ``needle``."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in text:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


# file stem -> (dotted path, text on the expected line, fragment of the message)
EXPECTED = {
    "secret_key": ("channel.password", "password:", "looks like a secret"),
    "quick_with_mapping": ("mapping", "mapping:", "tier quick_deploy"),
    "assisted_no_mapping": ("tier", "tier:", "needs a mapping section"),
    "adaptive_no_transform": ("tier", "tier:", "needs a transform section"),
    "both_credentials": ("channel.credentials_env", "credentials_env:", "only one of"),
    "id_mismatch": ("id", "id:", "must match the file name"),
    "duplicate_key": ("name", "name: Second", "appears twice"),
    "bad_yaml": ("", "   path:", "invalid YAML"),
    "bad_cron": ("outbound.schedule", "schedule:", "hour 25 is outside 0-23"),
    "bad_kind": ("channel.kind", "kind: ftp", "'ftp'"),
    "pinned_not_accepted": ("formats.pinned", "pinned:", "not in accepted"),
    "missing_plugin": ("transform.plugin", "plugin:", "no plug-in named"),
    "contacts_email": ("contacts[1].email", "not-an-email", "not-an-email"),
}


@pytest.fixture(scope="module")
def broken_problems():
    return check_profiles(BROKEN)


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_check_profiles_locates_each_problem(broken_problems, stem):
    path, needle, fragment = EXPECTED[stem]
    file = BROKEN / f"{stem}.yaml"
    mine = [p for p in broken_problems if p.file == str(file)]
    assert mine, f"no problem reported for {stem}"
    matching = [p for p in mine if p.path == path and fragment in p.message]
    assert matching, [str(p) for p in mine]
    assert matching[0].line == line_of(file, needle)


def test_every_broken_fixture_is_reported(broken_problems):
    reported = {Path(p.file).stem for p in broken_problems}
    assert reported == {p.stem for p in BROKEN.glob("*.yaml")}


def test_secret_is_reported_once_not_also_as_unknown_field(broken_problems):
    file = str(BROKEN / "secret_key.yaml")
    assert [p.path for p in broken_problems if p.file == file] == ["channel.password"]


def test_several_problems_in_one_file_each_located():
    file = BROKEN / "typo_and_port.yaml"
    problems = check_profiles(BROKEN)
    mine = {p.path: p for p in problems if p.file == str(file)}
    assert mine["channel.hots"].line == line_of(file, "hots:")
    assert "unknown field 'hots'" in mine["channel.hots"].message
    assert mine["channel.port"].line == line_of(file, "port:")
    assert "65535" in mine["channel.port"].message
    assert "required field 'host' is missing" in mine["channel.host"].message
    # the missing key is reported at its section
    assert mine["channel.host"].line == line_of(file, "channel:")


def test_mapping_problems_point_inside_the_mapping():
    file = BROKEN / "bad_mapping.yaml"
    problems = {p.path: p for p in check_profiles(BROKEN) if p.file == str(file)}
    assert "did you mean 'uom'" in problems["mapping.value_maps.uon"].message
    assert problems["mapping.value_maps.uon"].line == line_of(file, "uon:")
    country = problems["mapping.defaults.ship_to.country"]
    assert "Germany" in country.message
    assert country.line == line_of(file, "country: Germany")


def test_encoding_and_date_format_problems():
    file = BROKEN / "bad_encoding.yaml"
    problems = {p.path: p for p in check_profiles(BROKEN) if p.file == str(file)}
    assert "klingon-8" in problems["formats.csv.encoding"].message
    assert problems["formats.csv.date_formats[1]"].line == line_of(file, "date_formats")


def test_problem_text_names_file_line_and_field():
    problem = next(p for p in check_profiles(BROKEN) if p.path == "outbound.schedule")
    text = str(problem)
    assert text.startswith(f"{BROKEN / 'bad_cron.yaml'}:{problem.line}:{problem.column}:")
    assert "outbound.schedule:" in text


def test_load_profile_raises_with_all_problems():
    with pytest.raises(ProfileError) as caught:
        load_profile(BROKEN / "typo_and_port.yaml")
    assert {p.path for p in caught.value.problems} == {
        "channel.host",
        "channel.hots",
        "channel.port",
    }
    assert "channel.hots" in str(caught.value)


def test_load_profiles_refuses_a_directory_with_any_broken_profile(tmp_path):
    (tmp_path / "acme.yaml").write_bytes((SAMPLES / "acme.yaml").read_bytes())
    (tmp_path / "bad_cron.yaml").write_bytes((BROKEN / "bad_cron.yaml").read_bytes())
    with pytest.raises(ProfileError) as caught:
        load_profiles(tmp_path)
    assert [Path(p.file).name for p in caught.value.problems] == ["bad_cron.yaml"]


def test_empty_and_missing_directories_are_problems(tmp_path):
    assert "no partner profiles" in check_profiles(tmp_path)[0].message
    assert "does not exist" in check_profiles(tmp_path / "nope")[0].message


def test_empty_file_and_non_mapping(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "listy.yaml").write_text("- a\n- b\n", encoding="utf-8")
    messages = {Path(p.file).stem: p.message for p in check_profiles(tmp_path)}
    assert messages == {"empty": "the file is empty", "listy": "a profile must be a YAML mapping"}


def test_yaml_scalars_stay_text(tmp_path):
    """YAML 1.1 would read 00123 as octal 83, NO as false and dates as dates."""
    text = (SAMPLES / "globex.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '    "0004711": SKU-4711', "    0004711: SKU-4711\n    NO: SKU-NORWAY\n    2026-01-02: D"
    )
    target = tmp_path / "globex.yaml"
    target.write_text(text, encoding="utf-8")
    profile = load_profile(target)
    assert profile.mapping is not None
    assert profile.mapping.sku_xref["0004711"] == "SKU-4711"
    assert profile.mapping.sku_xref["NO"] == "SKU-NORWAY"
    assert profile.mapping.sku_xref["2026-01-02"] == "D"
    assert profile.channel.kind == "sftp"
    assert profile.channel.port == 22


def test_profile_knows_its_source_lines():
    profile = load_profile(SAMPLES / "loupe.yaml")
    assert profile.source == str(SAMPLES / "loupe.yaml")
    assert profile.source_line("mapping", "defaults", "ship_to") == line_of(
        SAMPLES / "loupe.yaml", "ship_to:"
    )
    assert profile.source_line("no", "such") is None


def test_profiles_dir_resolution(monkeypatch, tmp_path):
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(tmp_path / "configured"))
    assert profiles_dir() == tmp_path / "configured"
    monkeypatch.delenv("ORDERPORT_PARTNERS")
    monkeypatch.chdir(tmp_path)
    assert profiles_dir() == SAMPLE_PROFILES
    assert SAMPLE_PROFILES.resolve() == SAMPLES.resolve()
    (tmp_path / "partners").mkdir()
    assert profiles_dir() == tmp_path / "partners"


def test_load_profiles_default_directory_from_env(monkeypatch, tmp_path):
    (tmp_path / "acme.yaml").write_bytes((SAMPLES / "acme.yaml").read_bytes())
    monkeypatch.setenv("ORDERPORT_PARTNERS", str(tmp_path))
    assert list(load_profiles()) == ["acme"]


def test_model_rejects_tier_inconsistency_directly():
    base = {
        "id": "x",
        "name": "X",
        "channel": {"kind": "folder", "path": "p"},
        "formats": {"accepted": ["csv"]},
    }
    with pytest.raises(ValueError, match="tier assisted needs a mapping"):
        PartnerProfile.model_validate({**base, "tier": "assisted"})
    profile = PartnerProfile.model_validate({**base, "tier": "quick_deploy"})
    assert profile.tier is Tier.QUICK_DEPLOY
    assert profile.channel.completeness.convention == "stable"
