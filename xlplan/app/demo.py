"""`xlplan demo`: the whole job on the bundled sample plan, as HQ would run it.

1. write one section workbook per section, filled as that section would have filled it;
2. check them all (as returned by the sections);
3. grade each one: a copy with its 評価 sheet, and the computed grades against the self-grades;
4. consolidate them into the master plan (第2.0版), then write the council pack from the master.

The output folder is written as a whole (`io.atomic.atomic_directory`): complete or not at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.disassemble import section_records
from ..core.grading.rules import GradeRules
from ..core.model import Plan
from ..io.atomic import atomic_directory
from ..io.rules_file import load_rules
from ..io.section_writer import TemplateOptions, write_section_workbook
from ..sample import WORKED, load_sample_plan
from .check import CheckedWorkbook, check_paths
from .consolidate import ConsolidationResult, consolidate
from .grade import GradedWorkbook, grade_checked, write_graded_workbook
from .lint import LintResult
from .report import ReportResult, moved_report, report_master
from .sections import split_by_section

__all__ = ["DemoResult", "run_demo", "write_section_workbooks"]

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(slots=True)
class DemoResult:
    """Where the demo wrote what, and what checking found."""

    directory: Path
    variant: str = WORKED
    section_files: list[Path] = field(default_factory=list)
    checked: list[CheckedWorkbook] = field(default_factory=list)
    graded: list[GradedWorkbook] = field(default_factory=list)
    consolidation: ConsolidationResult | None = None
    report: ReportResult | None = None
    lint: LintResult | None = None
    outputs: dict[str, Path] = field(default_factory=dict)  # label → file or folder

    def grade_agreement(self) -> tuple[int, int]:
        """(computed grades equal to the self-grade, measures with both) over all workbooks."""
        pairs = [(g.grade, g.self_grade) for w in self.graded for g in w.grades if g.grade and g.self_grade]
        return sum(1 for grade, own in pairs if grade == own), len(pairs)


def write_section_workbooks(
    plan: Plan,
    directory: Path,
    *,
    rules: GradeRules | None = None,
    blank_rows: int = 100,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write one pre-filled section workbook per section of the plan into `directory`.

    :param rules: the grade rules the workbooks' live formulas follow (default: Akita's).
    :param blank_rows: empty, formatted input rows after the pre-filled ones.
    """
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for share in split_by_section(plan):
        path = directory / f"{_UNSAFE.sub('_', share.section)}.xlsx"
        options = TemplateOptions(
            fiscal_year=plan.evaluated_fy,
            section=share.section,
            plan_name=plan.name,
            plan_version=plan.version,
            blank_rows=blank_rows,
            rules=rules,
        )
        write_section_workbook(path, options, section_records(share.measures, share.projects, plan.evaluated_fy))
        written.append(path)
        if progress:
            progress(share.section)
    return written


def run_demo(
    directory: Path,
    *,
    rules: GradeRules | None = None,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
    variant: str = WORKED,
) -> DemoResult:
    """Run the sample plan through the tool; outputs go under `directory`, which appears complete or not at all.

    :param variant: the sample's variant, 「as-published」 or 「worked」 (see `xlplan.sample`).
    :raises OutputError: when the folder cannot be written (nothing is left half-made).
    """
    directory = Path(directory)
    with atomic_directory(directory) as work:
        result = _run_demo(work, rules=rules, pdf=pdf, progress=progress, variant=variant)
    return _moved(result, work, directory)


def _moved(result: DemoResult, work: Path, directory: Path) -> DemoResult:
    """The demo's result with its paths in `directory`, where the finished folder now is."""

    def moved(path: Path) -> Path:
        return directory / Path(path).relative_to(work)

    result.directory = directory
    result.section_files = [moved(p) for p in result.section_files]
    result.outputs = {label: moved(p) for label, p in result.outputs.items()}
    if result.consolidation is not None:
        result.consolidation.output = moved(result.consolidation.output)
    if result.report is not None:
        result.report = moved_report(result.report, work, directory)
    return result


def _run_demo(
    directory: Path,
    *,
    rules: GradeRules | None,
    pdf: bool,
    progress: Callable[[str], None] | None,
    variant: str,
) -> DemoResult:
    plan = load_sample_plan(variant)
    rules = rules or load_rules()
    result = DemoResult(directory=directory, variant=variant)
    result.section_files = write_section_workbooks(plan, directory / "sections", rules=rules, progress=progress)
    result.outputs["課所室別の調査票"] = directory / "sections"
    result.checked = check_paths(result.section_files, fiscal_year=plan.evaluated_fy)
    graded_dir = directory / "graded"
    for checked in result.checked:
        if checked.content is None:
            continue
        graded = grade_checked(checked, rules, fiscal_year=plan.evaluated_fy)
        if progress:
            progress(f"評価: {checked.book.section}")
        write_graded_workbook(graded, graded_dir / Path(checked.report.path).name)
        result.graded.append(graded)
    result.outputs["評価シート付きの写し"] = graded_dir
    if progress:
        progress("集約（マスター計画）")
    result.consolidation = consolidate([directory / "sections"], directory / "master.xlsx", rules=rules)
    result.outputs["マスター計画"] = result.consolidation.output
    if progress:
        progress("報告資料（HTML・PDF・CSV）")
    result.report, result.lint = report_master(result.consolidation.output, directory / "report", pdf=pdf)
    result.outputs["報告資料"] = directory / "report"
    return result
