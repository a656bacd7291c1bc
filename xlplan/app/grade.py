"""`xlplan grade`: read a section workbook, compute every measure's grade, report and copy it.

The workbook is read and checked exactly as `xlplan check` does (values are normalised, bad
values left out), then graded by the pure engine with the given rules. The input is never
written; the graded copy carries a 評価 sheet.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.enums import Severity
from ..core.findings import Code, FileReport, Finding
from ..core.fiscal import fiscal_year_end, fy_label
from ..core.grading import MeasureGrade, date_label, grade_measure
from ..core.grading.rules import GradeRules
from ..core.model import Measure
from ..core.tables import SectionWorkbook
from ..errors import UsageError, XlplanError
from ..io.grade_sheet import GradeSheetInfo, write_graded_copy
from .check import CheckedWorkbook, check_paths

__all__ = ["GradedWorkbook", "grade_checked", "grade_workbook", "grades_json", "write_graded_workbook"]


@dataclass(slots=True)
class GradedWorkbook:
    """One section workbook after grading: its grades, names and what checking it found."""

    path: Path
    fiscal_year: int
    evaluation_date: dt.date
    rules: GradeRules
    grades: list[MeasureGrade] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    measures: tuple[Measure, ...] = ()
    report: FileReport | None = None
    book: SectionWorkbook | None = None

    @property
    def errors(self) -> int:
        """How many errors `xlplan check` reports for the file (their values were left out)."""
        return self.report.count(Severity.ERROR) if self.report else 0

    def mismatch_findings(self) -> list[Finding]:
        """A `self-grade-mismatch` finding at the 自己評価 cell of each measure that differs."""
        table = self.book.sheets.get("measures") if self.book else None
        rows = {record.get("measure_id"): i for i, record in enumerate(table.records)} if table else {}
        findings = []
        for grade in self.grades:
            if not grade.mismatch:
                continue
            index = rows.get(grade.measure_id)
            findings.append(
                Finding.of(
                    Code.SELF_GRADE_MISMATCH,
                    file=str(self.path),
                    sheet=table.sheet_name if table else "",
                    cell=table.cell("self_grade", index) if table and index is not None else "",
                    column="自己評価",
                    value=grade.self_grade,
                    computed=grade.grade or "判定不可",
                )
            )
        return findings


def grade_workbook(
    path: Path,
    rules: GradeRules,
    *,
    fiscal_year: int | None = None,
    evaluation_date: dt.date | None = None,
) -> GradedWorkbook:
    """Read, check and grade one section workbook.

    :param path: the section workbook (.xlsx).
    :param rules: the grade rules.
    :param fiscal_year: the evaluated year (default: the year stamped in the workbook).
    :param evaluation_date: the day milestones are judged at (default: 31 March closing the year).
    :raises XlplanError: when the file cannot be read as a section workbook.
    """
    [checked] = check_paths([path], fiscal_year=fiscal_year)
    return grade_checked(checked, rules, fiscal_year=fiscal_year, evaluation_date=evaluation_date)


def grade_checked(
    checked: CheckedWorkbook,
    rules: GradeRules,
    *,
    fiscal_year: int | None = None,
    evaluation_date: dt.date | None = None,
) -> GradedWorkbook:
    """Grade a workbook already read and checked (see `grade_workbook`).

    Only the measures this section owns are graded: a co-owner's workbook lists the others for
    reference, and their stages, KPIs and schedule are reported by the primary owner.
    """
    path = Path(checked.report.path)
    if checked.content is None:
        reasons = "／".join(f.message() for f in checked.report.findings if f.severity is Severity.ERROR)
        raise XlplanError(f"{path} を評価できません: {reasons or 'xlplan の様式として読めません。'}")
    year = fiscal_year or checked.book.fiscal_year
    if year is None:
        raise UsageError(f"{path} に年度の記録がありません。--fiscal-year で評価する年度を指定してください（例: R6）。")
    day = evaluation_date or fiscal_year_end(year)
    section = checked.book.section
    measures = tuple(m for m in checked.content.measures if not section or m.primary_section in ("", section))
    return GradedWorkbook(
        path=path,
        fiscal_year=year,
        evaluation_date=day,
        rules=rules,
        grades=[grade_measure(m, year, rules, evaluation_date=day) for m in measures],
        names={m.measure_id: m.name for m in measures},
        measures=measures,
        report=checked.report,
        book=checked.book,
    )


def write_graded_workbook(graded: GradedWorkbook, target: Path) -> Path:
    """Write the copy of the graded workbook with its 評価 sheet; the input stays untouched."""
    info = GradeSheetInfo(
        title=f"進捗評価（算定）　{fy_label(graded.fiscal_year)}",
        rules_name=graded.rules.name,
        evaluation_date=date_label(graded.evaluation_date),
        source=graded.path.name,
    )
    return write_graded_copy(graded.path, target, graded.grades, graded.names, info)


def grades_json(graded: GradedWorkbook) -> dict[str, Any]:
    """The document `xlplan grade --json` prints.

    ``{"measures": [{"id", "name", "stage", "basis", "grade", "self_grade", "trace"}]}``
    """
    return {
        "measures": [
            {
                "id": g.measure_id,
                "name": graded.names.get(g.measure_id, ""),
                "stage": g.stage.value if g.stage else None,
                "basis": g.basis.value if g.basis else None,
                "grade": g.grade.value if g.grade else None,
                "self_grade": g.self_grade.value if g.self_grade else None,
                "trace": g.trace,
            }
            for g in graded.grades
        ]
    }
