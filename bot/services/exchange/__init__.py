"""CSV import and CSV/XLSX export. The words (headers, labels, a value's names) are the caller's:
exports take ExportLabels, imports an ImportVocabulary (both from bot/views/exchange)."""

from __future__ import annotations

from .export_sheet import ExportScope, Row, Several, Term, columns
from .exports import (
    FORMATS,
    KINDS,
    MAX_DAYS,
    ExportLabels,
    ExportRequest,
    check_request,
    export_bytes,
    filename,
    operator_scope,
    safe_cell,
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
    "Row",
    "RowError",
    "RowProblem",
    "Several",
    "Term",
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
