"""CSV import and CSV/XLSX export. The words (headers, labels, a value's names) are the caller's:
exports take ExportLabels, imports an ImportVocabulary (both from bot/views/exchange)."""

from __future__ import annotations

from .export_sheet import ExportScope, Ledger, Row, Several, Term, Visit, columns
from .export_write import ExportLabels, safe_cell
from .exports import (
    FORMATS,
    KINDS,
    MAX_DAYS,
    ExportRequest,
    check_request,
    export_bytes,
    filename,
    operator_scope,
    viewer_export_scope,
    write_export,
)
from .import_checker import ImportVocabulary, RowProblem
from .import_rows import KINDS as IMPORT_KINDS
from .imports import ImportFailed, ImportResult, RowError, decode, import_csv, parse

__all__ = [
    "FORMATS",
    "IMPORT_KINDS",
    "KINDS",
    "MAX_DAYS",
    "ExportLabels",
    "ExportRequest",
    "ExportScope",
    "ImportFailed",
    "ImportResult",
    "ImportVocabulary",
    "Ledger",
    "Row",
    "RowError",
    "RowProblem",
    "Several",
    "Term",
    "Visit",
    "check_request",
    "columns",
    "decode",
    "export_bytes",
    "filename",
    "import_csv",
    "operator_scope",
    "parse",
    "safe_cell",
    "viewer_export_scope",
    "write_export",
]
