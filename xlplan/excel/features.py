"""The library parts behind the HQ actions, looked up when an action runs.

Grading (`xlplan grade`), consolidation (`xlplan consolidate`), the audit checks (`xlplan
lint`), the yearly revision (`xlplan revise`), the council pack (`xlplan report`) and the
pre-filled workbooks for every section (`xlplan template --from --all`) were built alongside the HQ workbook and may
be left out of a deployment. Each is imported here, at call time, and only here: an action
whose part is missing raises `FeatureUnavailable`, which the control sheet shows as 「未対応」
instead of a traceback. The actions call exactly what the CLI commands call.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.enums import Basis, Severity
from ..core.findings import FileReport, Finding
from ..core.tables import SectionWorkbook
from ..errors import XlplanError

__all__ = [
    "Consolidated",
    "FeatureUnavailable",
    "GradeRow",
    "GradedFile",
    "Linted",
    "Reported",
    "Revised",
    "consolidate_inputs",
    "grade_file",
    "lint_master",
    "prefill_sections",
    "report_master",
    "revise_master",
]


class FeatureUnavailable(XlplanError):
    """The action exists on the control sheet, but its library part is not in this version."""

    def __init__(self, feature: str) -> None:
        super().__init__(
            f"「{feature}」はこのバージョンの xlplan では利用できません（今後の版で対応予定）。",
            english=f"{feature} is not available in this version of xlplan (planned for a later one).",
        )
        self.feature = feature


@dataclass(frozen=True, slots=True)
class GradeRow:
    """One recomputed grade, as the workbooks show it."""

    measure_id: str
    grade: str  # A–D, or '' when there is none
    self_grade: str
    mismatch: bool  # a self-grade was given and differs from a computed grade
    trace: str
    file: str = ""
    sheet: str = ""
    row: int = 0  # the measure's row on the 施策 sheet (0: unknown)
    graded: bool = True  # False: the stage is not graded (3, 5)

    @property
    def label(self) -> str:
        """The grade as shown: A–D, 評価対象外 (stage 3, 5) or 判定できません (data missing)."""
        if self.grade:
            return self.grade
        return "判定できません" if self.graded else "評価対象外"


@dataclass(slots=True)
class GradedFile:
    """One section workbook checked and graded, as `xlplan grade` does it."""

    report: FileReport
    book: SectionWorkbook
    grades: list[GradeRow] = field(default_factory=list)
    mismatches: list[Finding] = field(default_factory=list)  # self-grade-mismatch at the 自己評価 cells


def _attribute(module: str, name: str, feature: str) -> Any:
    """`module.name`, or FeatureUnavailable when the module or the name is not there."""
    try:
        found = importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name and (module == error.name or module.startswith(error.name + ".")):
            raise FeatureUnavailable(feature) from error
        raise
    if not hasattr(found, name):
        raise FeatureUnavailable(feature)
    return getattr(found, name)


def grade_file(path: Path, fiscal_year: int | None, *, label: str = "") -> GradedFile:
    """Check and grade one section workbook with the default rules (Akita's), like `xlplan grade`.

    :param path: the section workbook.
    :param fiscal_year: the evaluated year; by default the workbook's own.
    :param label: the file name to attribute rows and findings to (default: `path`).
    :raises XlplanError: when the file is not a readable section workbook or has no year.
    """
    grade_workbook = _attribute("xlplan.app.grade", "grade_workbook", "評価再計算")
    load_rules = _attribute("xlplan.io.rules_file", "load_rules", "評価再計算")
    graded = grade_workbook(path, load_rules(), fiscal_year=fiscal_year)
    file = label or str(path)
    book: SectionWorkbook = graded.book
    table = book.sheets.get("measures")
    rows = {str(r.get("measure_id")): table.rows[i] for i, r in enumerate(table.records)} if table else {}
    grades = [
        GradeRow(
            measure_id=g.measure_id,
            grade=_text(g.grade),
            self_grade=_text(g.self_grade),
            mismatch=bool(g.mismatch) and g.grade is not None,  # no grade: nothing to compare
            trace=str(g.trace),
            file=file,
            sheet=table.sheet_name if table else "",
            row=rows.get(g.measure_id, 0),
            graded=g.basis is not Basis.NONE,
        )
        for g in graded.grades
    ]
    mismatches = [f.in_file(file) for f in graded.mismatch_findings()]
    return GradedFile(graded.report, book, grades, mismatches)


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


@dataclass(frozen=True, slots=True)
class Consolidated:
    """What consolidating wrote and found, as the control sheet reports it."""

    output: Path
    version: str
    fiscal_year: int
    files: int
    merged: int
    conflicts: int
    findings: tuple[Finding, ...]
    ok: bool


def consolidate_inputs(inputs: Sequence[Path], output: Path, *, version: str, fiscal_year: int | None) -> Consolidated:
    """Consolidate section workbooks into the master plan, as `xlplan consolidate` does.

    :param inputs: files and folders of returned section workbooks.
    :param output: the master workbook to write.
    :param version: the plan version (2.1 → 第2.1版); '' for the workbooks' own.
    :param fiscal_year: the evaluated year, None for the workbooks' own.
    """
    consolidate = _attribute("xlplan.app.consolidate", "consolidate", "集約")
    result = consolidate(list(inputs), output, plan_version=version or None, fiscal_year=fiscal_year)
    return Consolidated(
        output=Path(result.output),
        version=str(result.plan.version),
        fiscal_year=int(result.plan.evaluated_fy),
        files=len(result.inputs),
        merged=int(result.merged),
        conflicts=len(result.conflicts),
        findings=tuple(result.findings),
        ok=bool(result.ok),
    )


@dataclass(frozen=True, slots=True)
class Linted:
    """What the audit checks found on a master."""

    master: Path
    fiscal_year: int
    findings: tuple[Finding, ...]


def lint_master(master: Path, *, fiscal_year: int | None) -> Linted:
    """Run the auditor's checks on a master plan, as `xlplan lint` does (default rules).

    :param master: the master workbook (`xlplan consolidate` output).
    :param fiscal_year: the evaluated year; None for the master's.
    """
    lint = _attribute("xlplan.app.lint", "lint_master", "監査観点チェック")
    result = lint(master, fiscal_year=fiscal_year)
    return Linted(Path(master), int(fiscal_year or result.plan.evaluated_fy), tuple(result.findings))


@dataclass(frozen=True, slots=True)
class Revised:
    """What revising a master wrote (nothing when a change was refused) and found."""

    old_version: str
    new_version: str
    findings: tuple[Finding, ...]
    outputs: dict[str, Path]  # master, book, csv, sections
    sections: int
    ok: bool


def revise_master(master: Path, directory: Path, *, version: str, changes: Path | None) -> Revised:
    """Prepare next year's plan, its 新旧対照表 and section workbooks, as `xlplan revise` does.

    :param master: the master workbook of the evaluated year.
    :param directory: the folder to write into.
    :param version: the new version (2.2); '' for the next minor version.
    :param changes: HQ's changes workbook, None for a revision without changes.
    """
    revise = _attribute("xlplan.app.revise", "revise", "次年度改訂")
    result = revise(master, directory, to_version=version or None, changes=changes)
    return Revised(
        old_version=str(result.old.version),
        new_version=str(result.revision.plan.version),
        findings=tuple(result.findings),
        outputs=dict(result.outputs),
        sections=len(result.sections),
        ok=bool(result.ok),
    )


@dataclass(frozen=True, slots=True)
class Reported:
    """What writing the council pack wrote, and what it skipped (the PDF without an engine)."""

    html: Path
    pdf: Path | None
    csv: tuple[Path, ...]
    warnings: int
    notes: tuple[str, ...]


def report_master(master: Path, directory: Path, *, fiscal_year: int | None) -> Reported:
    """Write the council pack of a master (HTML, cards PDF, CSV), as `xlplan report` does.

    The PDF engine is found first (LibreOffice, else Excel); without one the pack is written
    without the PDF and `notes` says how to get it.

    :param master: the master workbook.
    :param directory: the folder to write into.
    :param fiscal_year: the evaluated year; None for the master's.
    """
    report = _attribute("xlplan.app.report", "report_master", "報告資料作成")
    result, lint = report(master, directory, fiscal_year=fiscal_year)
    warnings = sum(1 for f in lint.findings if f.severity is Severity.WARNING)
    return Reported(result.html, result.pdf, tuple(result.csv.values()), warnings, tuple(result.notes))


def prefill_sections(master: Path, directory: Path, *, fiscal_year: int | None, version: str) -> list[Path]:
    """Write every section's workbook pre-filled from a master into a new folder (`template --from --all`).

    :param master: the master workbook.
    :param directory: the new (or empty) folder.
    :param fiscal_year: the year the sections report on; None for the master's.
    :param version: the plan version stamped into the workbooks; '' for the master's.
    """
    prefill_all = _attribute("xlplan.app.prefill", "prefill_all_from_master", "様式一括作成")
    return list(prefill_all(master, directory, fiscal_year=fiscal_year, plan_version=version or None))
