"""`xlplan grade`: read a section workbook, compute every measure's grade, report and copy it.

The workbook is read and checked exactly as `xlplan check` does (values are normalised, bad
values left out), then graded by the pure engine with the given rules. The input is never
written; the graded copy carries a 評価 sheet.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
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
from ..io.xlsx.limits import DEFAULT_LIMITS, ReadLimits
from .check import CheckedWorkbook, check_paths
from .result import CommandResult, Note, Output, note_text

__all__ = [
    "GradeOutcome",
    "GradedWorkbook",
    "grade_checked",
    "grade_paths",
    "grade_result",
    "grade_workbook",
    "graded_copy_targets",
    "grades_json",
    "write_graded_workbook",
]


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


@dataclass(frozen=True, slots=True)
class GradeOutcome:
    """One input of `grade_paths`: its grades, or why it could not be graded."""

    path: Path
    graded: GradedWorkbook | None
    problem: str = ""  # a Note: Japanese, with its English
    report: FileReport | None = None  # what checking found (why it could not be graded)


def grade_paths(
    paths: Iterable[Path],
    rules: GradeRules,
    *,
    fiscal_year: int | None = None,
    evaluation_date: dt.date | None = None,
    jobs: int | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> list[GradeOutcome]:
    """Read, check and grade every workbook given or found under the folders, in one process.

    Files are read as `xlplan check` reads them (in parallel from 40 files, see
    `reading.read_all`); a file that cannot be graded is reported in its outcome, never stops
    the others.

    :param paths: files and folders.
    :param jobs: processes reading the files (None: the reader's default; 1: this process).
    """
    outcomes = []
    for checked in check_paths(paths, fiscal_year=fiscal_year, limits=limits, jobs=jobs):
        path = Path(checked.report.path)
        try:
            graded = grade_checked(checked, rules, fiscal_year=fiscal_year, evaluation_date=evaluation_date)
        except XlplanError as error:
            outcomes.append(GradeOutcome(path, None, Note(str(error), error.message("en")), checked.report))
        else:
            outcomes.append(GradeOutcome(path, graded))
    return outcomes


def graded_copy_targets(sources: Iterable[Path], directory: Path) -> dict[Path, Path]:
    """Where each source's graded copy goes in `directory`: its own name, numbered when two
    sources share a name.

    :raises UsageError: when a copy would replace an input (the inputs are never written).
    """
    sources = list(sources)
    inputs = {os.path.realpath(s) for s in sources}
    taken: set[str] = set()
    targets = {}
    for source in sources:
        name, number = source.name, 1
        while name.casefold() in taken:
            number += 1
            name = f"{source.stem}_{number}{source.suffix}"
        taken.add(name.casefold())
        target = directory / name
        if os.path.realpath(target) in inputs:
            raise UsageError(
                f"評価シート付きのコピーの書き出し先 {target} が入力ファイルと同じです。"
                "元のファイルは変更しません。-o で別のフォルダを指定してください。",
                english=f"The graded copy {target} would be written over its input file. "
                "The original is never changed: give another folder with -o.",
            )
        targets[source] = target
    return targets


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
        errors = [f for f in checked.report.findings if f.severity is Severity.ERROR]
        reasons = "／".join(f.message() for f in errors)
        english = " / ".join(f.message("en") for f in errors)
        raise XlplanError(
            f"{path} を評価できません: {reasons or 'xlplan の様式として読めません。'}",
            english=f"{path} cannot be graded: {english or 'it cannot be read as an xlplan workbook.'}",
        )
    year = fiscal_year or checked.book.fiscal_year
    if year is None:
        raise UsageError(
            f"{path} に年度の記録がありません。--fiscal-year で評価する年度を指定してください（例: R6）。",
            english=f"{path} records no fiscal year. Give the year to grade with --fiscal-year (e.g. R6).",
        )
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


def grade_result(outcomes: Sequence[GradeOutcome], written: Mapping[Path, Path]) -> CommandResult:
    """The result of `xlplan grade`: each file's check findings and self-grade mismatches, the copies
    written, and the grades of every graded file under `grades`.

    :param written: the copy written for each graded file (source → copy).
    """
    files, grades, notes = [], [], []
    for outcome in outcomes:
        graded = outcome.graded
        report = graded.report if graded else outcome.report
        findings = list(report.findings) if report else []
        if graded is not None:
            findings += [f for f in graded.mismatch_findings() if f not in findings]
            grades.append({"path": str(outcome.path), **grades_json(graded)})
        else:
            problem = outcome.problem
            notes.append(Note(f"{outcome.path}: {problem}", f"{outcome.path}: {note_text(problem, 'en')}"))
        section = graded.book.section if graded and graded.book else ""
        status = "graded" if graded else "not-graded"
        files.append(FileReport(str(outcome.path), findings, graded is None, status, section))
    outputs = [Output("graded-copy", str(target)) for target in written.values()]
    return CommandResult("grade", files, outputs, payload_key="grades", payload=grades, notes=notes)
