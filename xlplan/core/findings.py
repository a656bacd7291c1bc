"""Findings: every problem the tool reports, as data with a position.

A finding names a file, a sheet and a cell (A1), the column header and the value found, a
stable code, a severity and a message that says what to type instead. Codes and severities
are enums whose string values are a public contract (JSON, `--skip`, feedback workbooks).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from .enums import Severity
from .messages import CATALOG, render

__all__ = ["Code", "CodeInfo", "FileReport", "Finding", "code_catalog", "code_info", "parse_codes"]


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
    CELL_ERROR = "cell-error"
    VALUE_OUTSIDE_TABLE = "value-outside-table"
    MERGED_INPUT_CELLS = "merged-input-cells"
    VALUE_NORMALIZED = "value-normalized"
    VALUE_MISSING = "value-missing"
    NUMBER_INVALID = "number-invalid"
    VALUE_NOT_IN_LIST = "value-not-in-list"
    ID_INVALID = "id-invalid"
    FISCAL_YEAR_INVALID = "fiscal-year-invalid"
    MONTH_INVALID = "month-invalid"
    VALUE_OUT_OF_RANGE = "value-out-of-range"
    # hostile input
    FILE_TOO_LARGE = "file-too-large"
    ZIP_BOMB = "zip-bomb"
    XML_ENTITIES = "xml-entities"
    TOO_MANY_ROWS = "too-many-rows"
    TOO_MANY_CELLS = "too-many-cells"
    SHEET_DUPLICATE = "sheet-duplicate"
    SHEET_HIDDEN = "sheet-hidden"
    SHEET_VERY_HIDDEN = "sheet-very-hidden"
    ROW_HIDDEN = "row-hidden"
    COLUMN_HIDDEN = "column-hidden"
    CELL_TOO_LONG = "cell-too-long"
    CONTROL_CHARACTERS = "control-characters"
    SYMLINK_OUTSIDE = "symlink-outside"
    PERMISSION_DENIED = "permission-denied"
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
    # audit (xlplan lint)
    AUDIT_KPI_OUTPUT_ONLY = "audit-kpi-output-only"
    AUDIT_KPI_TYPE_GUESSED = "audit-kpi-type-guessed"
    AUDIT_KPI_TYPE_MISSING = "audit-kpi-type-missing"
    AUDIT_STAGE_WITHOUT_TARGET = "audit-stage-without-target"
    AUDIT_STUDY_ONLY = "audit-study-only"
    AUDIT_SCHEDULE_WITHOUT_MILESTONES = "audit-schedule-without-milestones"
    AUDIT_SCHEDULE_KPI_WITHOUT_TARGET = "audit-schedule-kpi-without-target"
    AUDIT_NO_CHANGE = "audit-no-change"
    AUDIT_NOTHING_SPENT = "audit-nothing-spent"
    AUDIT_WEAK_TWO_YEARS = "audit-weak-two-years"
    AUDIT_SUGGEST_STAGE_3 = "audit-suggest-stage-3"
    AUDIT_CAUSE_RESPONSE_MISSING = "audit-cause-response-missing"
    AUDIT_BASIS_WITHOUT_REASON = "audit-basis-without-reason"
    AUDIT_EXECUTION_RATE_LOW = "audit-execution-rate-low"
    AUDIT_SETTLEMENT_OVER_BUDGET = "audit-settlement-over-budget"
    AUDIT_NEAR_DUPLICATE = "audit-near-duplicate"
    AUDIT_STAGE_MOVE_UNUSUAL = "audit-stage-move-unusual"
    # revision
    STAGE_MOVE_NOT_ALLOWED = "stage-move-not-allowed"
    REVISION_MEASURE_UNKNOWN = "revision-measure-unknown"
    REVISION_MEASURE_RETIRED = "revision-measure-retired"
    REVISION_ID_TAKEN = "revision-id-taken"
    REVISION_KPI_UNKNOWN = "revision-kpi-unknown"
    REVISION_CONFLICT = "revision-conflict"
    REVISION_REASON_MISSING = "revision-reason-missing"
    REVISION_NO_CHANGE = "revision-no-change"
    REVISION_PROPOSAL_STALE = "revision-proposal-stale"
    REVISION_PROPOSAL_UNDECIDED = "revision-proposal-undecided"
    REVISION_BASE_MISMATCH = "revision-base-mismatch"
    # consolidation
    FILE_IS_MASTER = "file-is-master"
    INPUT_FISCAL_YEAR_MISMATCH = "input-fiscal-year-mismatch"
    SECTION_SENT_TWICE = "section-sent-twice"
    SECTION_NOT_RETURNED = "section-not-returned"
    SECTION_NOT_ON_ROSTER = "section-not-on-roster"
    CONSOLIDATION_CONFLICT = "consolidation-conflict"
    CONSOLIDATION_DUPLICATE = "consolidation-duplicate"
    MEASURE_OWNER_MISSING = "measure-owner-missing"
    MEASURE_NOT_OWNER = "measure-not-owner"
    MEASURE_NOT_RETURNED = "measure-not-returned"
    PROJECT_MEASURE_MISSING = "project-measure-missing"


# One table, not if-chains: the default severity of every code.
SEVERITY: Mapping[Code, Severity] = {
    Code.FILE_LOCK_SKIPPED: Severity.INFO,
    Code.FILE_HAS_MACROS: Severity.WARNING,
    Code.VALUE_NORMALIZED: Severity.INFO,
    Code.MILESTONE_DONE_WITHOUT_DATE: Severity.WARNING,
    Code.FORMULA_NO_VALUE: Severity.WARNING,
    Code.VALUE_OUTSIDE_TABLE: Severity.WARNING,
    Code.SELF_GRADE_MISMATCH: Severity.WARNING,
    Code.MEASURE_ELSEWHERE: Severity.INFO,
    # hostile input
    Code.SHEET_HIDDEN: Severity.WARNING,
    Code.SHEET_VERY_HIDDEN: Severity.WARNING,
    Code.ROW_HIDDEN: Severity.WARNING,
    Code.COLUMN_HIDDEN: Severity.WARNING,
    Code.CELL_TOO_LONG: Severity.WARNING,
    Code.CONTROL_CHARACTERS: Severity.INFO,
    # revision
    Code.REVISION_REASON_MISSING: Severity.WARNING,
    Code.REVISION_NO_CHANGE: Severity.INFO,
    Code.REVISION_PROPOSAL_UNDECIDED: Severity.INFO,
    Code.REVISION_BASE_MISMATCH: Severity.WARNING,
    # consolidation
    Code.FILE_IS_MASTER: Severity.INFO,
    Code.SECTION_SENT_TWICE: Severity.WARNING,
    Code.SECTION_NOT_RETURNED: Severity.WARNING,
    Code.SECTION_NOT_ON_ROSTER: Severity.WARNING,
    Code.CONSOLIDATION_DUPLICATE: Severity.INFO,
    Code.MEASURE_OWNER_MISSING: Severity.WARNING,
    Code.MEASURE_NOT_OWNER: Severity.WARNING,
    Code.MEASURE_NOT_RETURNED: Severity.WARNING,
    Code.PROJECT_MEASURE_MISSING: Severity.WARNING,
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

    @property
    def in_self_check(self) -> bool:
        """True when the section workbook's 入力チェック sheet shows this finding before it is sent."""
        from .self_check import shown_by_self_check  # local: self_check builds on this module

        return shown_by_self_check(self.code, self.sheet, self.column)

    def in_file(self, file: str) -> Finding:
        """The same finding, attributed to a file."""
        return Finding(self.code, self.severity, file, self.sheet, self.cell, self.column, self.value, self.params)


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """One code of the catalog: its default severity and its message template in both languages.

    The template's first sentence says what is wrong (`meaning`), the rest what to do (`fix`);
    placeholders such as {column} stay as written.
    """

    code: Code
    severity: Severity
    japanese: str
    english: str

    def template(self, lang: str = "ja") -> str:
        """The whole message template in `lang`."""
        return self.english if lang == "en" else self.japanese

    def meaning(self, lang: str = "ja") -> str:
        """What the finding says is wrong: the template's first sentence."""
        return _split(self.template(lang), lang)[0]

    def fix(self, lang: str = "ja") -> str:
        """What to do about it: the rest of the template (empty for a note that needs nothing)."""
        return _split(self.template(lang), lang)[1]


def _split(text: str, lang: str) -> tuple[str, str]:
    stop = ". " if lang == "en" else "。"
    head, found, rest = text.partition(stop)
    return (head + found).strip(), rest.strip()


def code_info(code: Code) -> CodeInfo:
    """The catalog entry of one code."""
    japanese, english = CATALOG[code]
    return CodeInfo(code, SEVERITY.get(code, Severity.ERROR), japanese, english)


def code_catalog() -> list[CodeInfo]:
    """Every finding code with its severity and messages, in the order of `Code` (the one catalog)."""
    return [code_info(code) for code in Code]


def parse_codes(texts: Iterable[str]) -> tuple[set[Code], list[str]]:
    """Codes typed by a user (`--skip`): the known ones, and the texts that are no code."""
    known = {str(c): c for c in Code}
    codes = {known[t.strip()] for t in texts if t.strip() in known}
    return codes, sorted({t for t in texts if t.strip() not in known})


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(slots=True)
class FileReport:
    """One file and what a command found in it. `ok` is False as soon as one error is present.

    `status` says what became of the file: checked, skipped (not read), merged, other-year,
    master (a master among section workbooks), graded, not-graded, related (a file the
    findings point at that was not an input: the roster, the changes workbook).
    """

    path: str
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False
    status: str = ""
    section: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            self.status = "skipped" if self.skipped else "checked"

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


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in reading order: file-level first, then by sheet, row and column."""
    from .cells import split_cell  # local: cells is tiny and pure

    def key(f: Finding) -> tuple[object, ...]:
        row, col = split_cell(f.cell) if f.cell else (0, 0)
        return (f.file, f.sheet != "", f.sheet, row, col, _SEVERITY_ORDER[f.severity], f.code)

    return sorted(findings, key=key)
