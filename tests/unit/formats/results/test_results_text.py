"""render_result_text: the e-mail summary names every PO and every finding with its place."""

from __future__ import annotations

from collections.abc import Callable

from orderport.formats.results import render_result_text
from orderport.pipeline.ingest import FileResult
from orderport.store.lifecycle import Outcome, PoStatus

Check = Callable[..., FileResult]


def test_spreadsheet_errors_are_listed_with_sheet_row_and_column(check_sample: Check) -> None:
    text = render_result_text(check_sample("xlsx/analyst_errors.xlsx"))
    lines = text.splitlines()
    assert lines[0] == "Result for analyst_errors.xlsx (xlsx)"
    # Without the analysts' profile the workbook names no ship-to: one more error.
    assert lines[1] == "1 purchase order, 4 errors, 1 warning."
    assert "PO PO-8201 (sheet Orders, rows 3-4): has errors (4 errors, 1 warning)" in lines
    quantity = next(line for line in lines if "schema.pattern" in line)
    assert quantity.startswith("  - ERROR schema.pattern at sheet Orders, row 3, column F")
    assert quantity.endswith('got "ten"')
    assert any(line.startswith("  - WARNING read.unknown_column") for line in lines)
    assert lines[-1] == "Please correct the errors and send the file again."


def test_valid_file_says_nothing_needs_resending(check_sample: Check) -> None:
    text = render_result_text(check_sample("x12/po_004010_crlf.edi"))
    assert "0 errors, 0 warnings" in text
    assert ": valid (0 errors, 0 warnings)" in text
    assert text.rstrip().endswith("No errors: nothing needs to be sent again.")


def test_edi_locations_are_segment_and_element(check_sample: Check) -> None:
    text = render_result_text(check_sample("x12/po_bad_values.edi"))
    assert "ERROR read.date at BEG (segment 2), element 05: BEG05: '20260230'" in text


def test_unreadable_file(check_sample: Check) -> None:
    text = render_result_text(check_sample("xlsx/macro_renamed.xlsx"))
    assert "The file could not be read:" in text
    assert "  - ERROR read.file: the workbook contains macros" in text
    assert "0 purchase orders, 1 error, 0 warnings." in text


def test_stored_outcome_and_status_are_named(check_sample: Check) -> None:
    result = check_sample("csv/canonical_warnings.csv")
    result.pos[0].outcome, result.pos[0].status = Outcome.CREATED, PoStatus.NEEDS_APPROVAL
    text = render_result_text(result)
    assert "PO PO-2001 (rows 2-3): created, status needs_approval (0 errors, 5 warnings)" in text
