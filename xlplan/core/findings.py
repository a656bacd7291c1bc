"""Findings: every problem the tool reports, as data with a position.

A finding names a file, a sheet and a cell (A1), the column header and the value found, a
stable code, a severity and a message that says what to type instead. Codes and severities
are enums whose string values are a public contract (JSON, `--skip`, feedback workbooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .enums import Severity
from .messages import render

__all__ = ["Code", "FileReport", "Finding"]


class Code(StrEnum):
    """Stable finding codes: users filter on them, tests assert them."""

    # the file as a whole
    FILE_LOCK_SKIPPED = "file-lock-skipped"
    FILE_UNREADABLE = "file-unreadable"
    FILE_NOT_WORKBOOK = "file-not-workbook"
    FILE_XLS = "file-xls"
    FILE_CSV = "file-csv"
    FILE_ODS = "file-ods"
    FILE_ENCRYPTED = "file-encrypted"
    FILE_HAS_MACROS = "file-has-macros"
    TEMPLATE_NOT_XLPLAN = "template-not-xlplan"
    TEMPLATE_VERSION = "template-version"
    # sheets and headers
    SHEET_MISSING = "sheet-missing"
    SHEET_RENAMED = "sheet-renamed"
    HEADER_MISSING = "header-missing"
    HEADER_MOVED = "header-moved"
    # cells
    FORMULA_NO_VALUE = "formula-no-value"
    MERGED_INPUT_CELLS = "merged-input-cells"
    VALUE_NORMALIZED = "value-normalized"
    VALUE_MISSING = "value-missing"
    NUMBER_INVALID = "number-invalid"
    VALUE_NOT_IN_LIST = "value-not-in-list"
    ID_INVALID = "id-invalid"
    FISCAL_YEAR_INVALID = "fiscal-year-invalid"
    MONTH_INVALID = "month-invalid"
    VALUE_OUT_OF_RANGE = "value-out-of-range"
    # across rows and sheets
    ID_DUPLICATE = "id-duplicate"
    MEASURE_UNKNOWN = "measure-unknown"
    MEASURE_ELSEWHERE = "measure-elsewhere"
    PROJECT_UNKNOWN = "project-unknown"
    STAGE_MISSING = "stage-missing"
    KPI_MISSING = "kpi-missing"
    KPI_TARGET_MISSING = "kpi-target-missing"
    KPI_BASELINE_MISSING = "kpi-baseline-missing"
    MILESTONE_MISSING = "milestone-missing"
    BUDGET_LINES_MISMATCH = "budget-lines-mismatch"
    FUNDING_MISMATCH = "funding-mismatch"
    MILESTONE_DONE_WITHOUT_DATE = "milestone-done-without-date"
    SELF_GRADE_MISMATCH = "self-grade-mismatch"


# One table, not if-chains: the default severity of every code.
SEVERITY: Mapping[Code, Severity] = {
    Code.FILE_LOCK_SKIPPED: Severity.INFO,
    Code.FILE_HAS_MACROS: Severity.WARNING,
    Code.VALUE_NORMALIZED: Severity.INFO,
    Code.MILESTONE_DONE_WITHOUT_DATE: Severity.WARNING,
    Code.FORMULA_NO_VALUE: Severity.WARNING,
    Code.SELF_GRADE_MISMATCH: Severity.WARNING,
    Code.MEASURE_ELSEWHERE: Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, pointing at a cell (or at the whole file when `sheet` is empty)."""

    code: Code
    severity: Severity
    file: str = ""
    sheet: str = ""
    cell: str = ""
    column: str = ""
    value: str = ""
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls,
        code: Code,
        *,
        file: str = "",
        sheet: str = "",
        cell: str = "",
        column: str = "",
        value: object = "",
        severity: Severity | None = None,
        **params: object,
    ) -> Finding:
        """Build a finding; the severity defaults to the code's (ERROR unless listed)."""
        return cls(
            code=code,
            severity=severity or SEVERITY.get(code, Severity.ERROR),
            file=file,
            sheet=sheet,
            cell=cell,
            column=column,
            value=_as_text(value),
            params=tuple((k, _as_text(v)) for k, v in params.items()),
        )

    @property
    def address(self) -> str:
        """`KPI!F12`, `KPI` for a whole sheet, or "" for the whole file."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def message(self, lang: str = "ja") -> str:
        """The message in Japanese (default) or English, saying what to type instead."""
        return render(self.code, dict(self.params), column=self.column, value=self.value, lang=lang)

    def in_file(self, file: str) -> Finding:
        """The same finding, attributed to a file."""
        return Finding(self.code, self.severity, file, self.sheet, self.cell, self.column, self.value, self.params)

    def to_dict(self, lang: str = "ja") -> dict[str, Any]:
        """The JSON shape of `xlplan check --json`."""
        return {
            "sheet": self.sheet,
            "cell": self.cell,
            "column": self.column,
            "value": self.value,
            "severity": str(self.severity),
            "code": str(self.code),
            "message": self.message(lang),
        }


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(slots=True)
class FileReport:
    """What checking one file found. `ok` is False as soon as one error is present."""

    path: str
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def count(self, severity: Severity) -> int:
        """How many findings of one severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    def extend(self, findings: Iterable[Finding]) -> None:
        """Add findings."""
        self.findings.extend(findings)

    def to_dict(self, lang: str = "ja") -> dict[str, Any]:
        """The JSON shape of one file in `xlplan check --json`."""
        return {
            "path": self.path,
            "ok": self.ok,
            "skipped": self.skipped,
            "findings": [f.to_dict(lang) for f in sorted_findings(self.findings)],
        }


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in reading order: file-level first, then by sheet, row and column."""
    from .cells import split_cell  # local: cells is tiny and pure

    def key(f: Finding) -> tuple[object, ...]:
        row, col = split_cell(f.cell) if f.cell else (0, 0)
        return (f.file, f.sheet != "", f.sheet, row, col, _SEVERITY_ORDER[f.severity], f.code)

    return sorted(findings, key=key)
