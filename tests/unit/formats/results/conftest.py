"""Helpers for the result-file tests: FileResults from the real readers over real files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from orderport.partners import PartnerProfile, load_profiles
from orderport.pipeline.ingest import FileResult, check_file

ROOT = Path(__file__).resolve().parents[4]
SAMPLES = ROOT / "sample_files"
DATA = Path(__file__).parent / "data"
LIBREOFFICE_ERRORS = DATA / "libreoffice_errors.xlsx"

PLANNERS_PROFILE = """\
id: planners
name: Planning team workbooks
tier: assisted
channel:
  kind: folder
  path: uploads/planners
formats:
  accepted: [xlsx]
  xlsx:
    sheets: [Orders]
mapping:
  column_aliases:
    "PO #": po_number
    Line: line_number
    Qty: quantity
    UPC: gtin
    Unit price: unit_cost
    Vendor: vendor_id
    Order date: order_date
"""


STRICT_PROFILE = """\
id: strict
name: A partner whose profile pins ISO dates, decimal points and UTF-8
tier: quick_deploy
channel:
  kind: folder
  path: drop/strict
formats:
  accepted: [csv, xlsx]
  csv:
    encoding: utf-8
    decimal_comma: false
    date_formats: ["%Y-%m-%d"]
"""


CheckSample = Callable[..., FileResult]


def _check_sample(relative: str, profile: PartnerProfile | None = None) -> FileResult:
    path = Path(relative) if Path(relative).is_absolute() else SAMPLES / relative
    return check_file(path, profile=profile)


@pytest.fixture(scope="session")
def check_sample() -> CheckSample:
    """check_file over a file under sample_files/ (or an absolute path)."""
    return _check_sample


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def libreoffice_errors() -> Path:
    """A styled workbook with errors, written by LibreOffice Calc (make_results_fixtures.py)."""
    return LIBREOFFICE_ERRORS


@pytest.fixture(scope="session")
def strict_profile(tmp_path_factory: pytest.TempPathFactory) -> PartnerProfile:
    """Pins what is otherwise inferred, so the error samples keep their read errors."""
    folder = tmp_path_factory.mktemp("strict")
    (folder / "strict.yaml").write_text(STRICT_PROFILE, encoding="utf-8")
    return load_profiles(folder)["strict"]


@pytest.fixture(scope="session")
def planners_profile(tmp_path_factory: pytest.TempPathFactory) -> PartnerProfile:
    """An Assisted profile naming the Orders sheet and the headers of analyst_orders.xlsx."""
    folder = tmp_path_factory.mktemp("profiles")
    (folder / "planners.yaml").write_text(PLANNERS_PROFILE, encoding="utf-8")
    return load_profiles(folder)["planners"]
