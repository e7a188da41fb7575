"""From a reader's raw document to a validated ``PurchaseOrder`` plus findings, never raising.

Order of checks: the published schema first (so every format gets the same findings with the
same paths), then the model, then the business rules.
"""

from __future__ import annotations

import json
from datetime import date
from typing import NoReturn

from pydantic import ValidationError

from orderport.formats.base import RawDocument
from orderport.model.findings import Finding, Severity, SourceLocation
from orderport.model.provenance import Provenance
from orderport.model.purchase_order import PurchaseOrder
from orderport.validation.completeness import completeness_findings
from orderport.validation.paths import json_path, json_pointer
from orderport.validation.rules import run_rules
from orderport.validation.schema_check import schema_findings, show_value


def validate_po(
    po: PurchaseOrder, provenance: Provenance | None = None, *, today: date | None = None
) -> list[Finding]:
    """Business-rule findings for a PO that already passed the schema."""
    return run_rules(po, provenance, today=today)


def normalize(
    doc: RawDocument, *, today: date | None = None
) -> tuple[PurchaseOrder | None, list[Finding]]:
    """Validate ``doc.data``: ``(None, findings)`` on schema or model errors, else the PO.

    The reader's own findings come first and are kept either way.
    """
    findings = list(doc.findings)
    # A value the reader could not read was left out and already explained at its path; the
    # schema's "required" for the same path would only say it again.
    explained = {f.path for f in findings if f.is_error}
    # Before the schema: it also writes known spellings as codes (pcs -> EA, USA -> US).
    complete = completeness_findings(doc.data, doc.provenance, explained=explained)
    every_schema_error = schema_findings(doc.data, doc.provenance)
    # A value not in its code list is said once, by the code-list check with its "did you mean".
    coded = {f.path for f in complete if f.code.startswith("code.")}
    schema_errors = [f for f in every_schema_error if f.path not in explained | coded]
    said = explained | {f.path for f in schema_errors}
    complete = [f for f in complete if f.path not in said]
    if every_schema_error:
        # Every finding in one round: the schema's and the completeness checks'.
        return None, with_alias_hints(findings + schema_errors + complete)
    try:
        # The schema has settled types and formats, so lax mode only turns text into dates.
        po = PurchaseOrder.model_validate(doc.data, strict=False)
    except ValidationError as exc:
        return None, with_alias_hints(findings + model_findings(exc, doc.provenance) + complete)
    findings.extend(run_rules(po, doc.provenance, today=today))
    findings.extend(complete)
    return po, with_alias_hints(findings)


UNKNOWN_COLUMN = "read.unknown_column"
MISSING_CODES = frozenset(
    {"schema.required", "rule.item_identity_required", "rule.ship_to_required"}
)


def with_alias_hints(findings: list[Finding]) -> list[Finding]:
    """A missing field in a file that also has columns we ignored: the error names those
    columns, since one of them is most likely the field under the partner's own header."""
    ignored = [
        f.location.column
        for f in findings
        if f.code == UNKNOWN_COLUMN and f.location is not None and f.location.column
    ]
    if not ignored:
        return findings
    listed = ", ".join(repr(name) for name in ignored)
    hint = (
        f"; the file has columns that are not mapped ({listed}): if one of them holds this, "
        "map it with column_aliases in the partner profile"
    )
    return [
        f.model_copy(update={"message": f.message + hint})
        if f.code in MISSING_CODES and f.is_error
        else f
        for f in findings
    ]


def model_findings(exc: ValidationError, provenance: Provenance | None) -> list[Finding]:
    """Findings for model errors the schema did not catch (the two are meant to agree)."""
    findings = []
    for error in exc.errors(include_url=False):
        path = json_path([part for part in error["loc"] if isinstance(part, str | int)])
        findings.append(
            Finding(
                code=f"model.{error['type']}",
                severity=Severity.ERROR,
                path=path,
                message=f"{error['msg']}, got {show_value(error.get('input'))}",
                location=provenance.locate(path) if provenance is not None else None,
            )
        )
    return findings


class JsonPointerProvenance(Provenance):
    """Locates canonical paths in a canonical JSON file by computing the JSON pointer.

    Canonical JSON needs no recorded map: ``$.lines[2].qty`` is ``/lines/2/qty`` (under
    ``/<index>`` when the file holds a list of POs).
    """

    def __init__(self, file: str, prefix: str = "") -> None:
        super().__init__(file=file)
        self.prefix = prefix

    def locate(self, path: str) -> SourceLocation | None:
        recorded = self.locations.get(path)
        if recorded is not None:
            return recorded
        try:
            pointer = json_pointer(path, self.prefix)
        except ValueError:
            return super().locate(path)
        return SourceLocation(file=self.file, pointer=pointer or "/")


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not a JSON number; write the value as a decimal")


def validate_json_bytes(
    data: bytes, filename: str, *, today: date | None = None
) -> list[tuple[PurchaseOrder | None, list[Finding]]]:
    """Validate canonical JSON text holding one PO object or a list of them."""
    try:
        parsed = json.loads(data, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        location = SourceLocation(file=filename, row=exc.lineno, column=str(exc.colno))
        message = f"broken JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        return [(None, [_file_finding("json.syntax", message, location)])]
    except (UnicodeDecodeError, ValueError) as exc:
        message = f"unreadable JSON: {exc}"
        return [(None, [_file_finding("json.syntax", message, SourceLocation(file=filename))])]
    if isinstance(parsed, list):
        documents = [(item, f"/{index}") for index, item in enumerate(parsed)]
        if not documents:
            message = "the file holds an empty list; expected at least one purchase order"
            return [(None, [_file_finding("json.empty", message, SourceLocation(file=filename))])]
    else:
        documents = [(parsed, "")]
    results: list[tuple[PurchaseOrder | None, list[Finding]]] = []
    for item, prefix in documents:
        provenance = JsonPointerProvenance(filename, prefix)
        if not isinstance(item, dict):
            location = SourceLocation(file=filename, pointer=prefix or "/")
            message = f"expected a purchase order object, got {show_value(item)}"
            results.append((None, [_file_finding("json.not_object", message, location)]))
            continue
        results.append(normalize(RawDocument(data=item, provenance=provenance), today=today))
    return results


def _file_finding(code: str, message: str, location: SourceLocation) -> Finding:
    return Finding(code=code, severity=Severity.ERROR, path="$", message=message, location=location)
