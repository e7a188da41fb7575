"""The published profile schema: current, Draft 2020-12, described, agreeing with the model."""

import json
from pathlib import Path

import jsonschema
import jsonschema_rs
import pytest
import yaml

from orderport.model.schema_export import render_schema
from orderport.partners import PartnerProfile
from orderport.partners.schema_export import SCHEMA_PATH, main, partner_profile_schema

ROOT = Path(__file__).parents[3]
SAMPLES = ROOT / "sample_files" / "partners"
BROKEN = Path(__file__).parent / "fixtures" / "broken"


@pytest.fixture(scope="module")
def schema():
    return partner_profile_schema()


@pytest.fixture(scope="module")
def validator(schema):
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def test_committed_schema_is_current():
    assert SCHEMA_PATH == ROOT / "schemas" / "partner_profile.schema.json"
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(partner_profile_schema()), (
        "schemas/partner_profile.schema.json is stale: run "
        "`.venv/bin/python -m orderport.partners.schema_export`"
    )


def test_main_writes_the_rendered_schema(tmp_path):
    target = tmp_path / "out.json"
    assert main([str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == partner_profile_schema()


def test_schema_is_valid_draft_2020_12(schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith("/partner_profile.schema.json")


def _undescribed(node, where="#"):
    missing = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if "description" not in prop:
                missing.append(f"{where}/properties/{name}")
        for key, value in node.items():
            missing.extend(_undescribed(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            missing.extend(_undescribed(value, f"{where}/{index}"))
    return missing


def test_every_property_is_described(schema):
    assert _undescribed(schema) == []
    assert schema["description"]


def test_examples_are_valid_for_schema_and_model(schema, validator):
    assert len(schema["examples"]) >= 2
    for example in schema["examples"]:
        assert validator.is_valid(example)
        PartnerProfile.model_validate(example)


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_sample_profiles_validate_against_the_schema(validator, path):
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{e.instance_path}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


# Broken fixtures whose fault is expressible in JSON Schema; both must reject them.
SCHEMA_CAN_SEE = [
    "secret_key",
    "quick_with_mapping",
    "assisted_no_mapping",
    "adaptive_no_transform",
    "typo_and_port",
    "bad_kind",
    "contacts_email",
]


@pytest.mark.parametrize("stem", SCHEMA_CAN_SEE)
def test_schema_and_model_both_reject(validator, stem):
    document = yaml.safe_load((BROKEN / f"{stem}.yaml").read_text(encoding="utf-8"))
    assert not validator.is_valid(document)
    with pytest.raises(ValueError):
        PartnerProfile.model_validate(document)
