"""Runtime data lives inside the package; ``schemas/`` is the published copy of the same files."""

from __future__ import annotations

from pathlib import Path

import pytest

from orderport.resources import package_path

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = package_path("schemas")
PUBLISHED = sorted(
    p.relative_to(PACKAGED).as_posix() for p in PACKAGED.rglob("*.json") if p.is_file()
)


def test_the_package_carries_the_schemas_the_code_reads():
    assert PUBLISHED == [
        "inputs/inspectorio_purchase_order.schema.json",
        "inputs/loupe_purchase_order.schema.json",
        "inputs/threepl_purchase_order.schema.json",
        "result_file.schema.json",
    ]


@pytest.mark.parametrize("name", PUBLISHED)
def test_published_schema_is_identical_to_the_packaged_one(name):
    assert (ROOT / "schemas" / name).read_bytes() == (PACKAGED / name).read_bytes(), (
        f"schemas/{name} and src/orderport/schemas/{name} differ: the package copy is what runs;"
        " copy one over the other"
    )


def test_sample_profiles_and_demo_files_are_package_data():
    samples = package_path("sample_files")
    assert (samples / "demo.json").is_file()
    assert sorted(p.name for p in (samples / "partners").glob("*.yaml"))
