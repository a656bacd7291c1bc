"""`xlplan demo`: the whole job on the bundled sample plan, as HQ would run it.

1. write one section workbook per section, filled as that section would have filled it;
2. check them all (as returned by the sections);
3. grade each one: a copy with its 評価 sheet, and the computed grades against the self-grades;
4. consolidate them into the master plan (第2.0版), then write the council pack from the master.

The output folder is written as a whole (`io.atomic.atomic_directory`): complete or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..core.enums import Severity
from ..core.grading.rules import GradeRules
from ..io.atomic import atomic_directory
from ..io.rules_file import load_rules
from ..report.pdf_engine import PdfChoice
from ..sample import WORKED, load_sample_plan
from .check import CheckedWorkbook, check_paths
from .consolidate import ConsolidationResult, consolidate
from .grade import GradedWorkbook, grade_checked, write_graded_workbook
from .lint import LintResult
from .prefill import write_section_workbooks
from .report import ReportResult, moved_report, pdf_choice, report_master
from .result import CommandResult, Note, Output

__all__ = ["DemoResult", "run_demo"]


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
    outputs: dict[str, Path] = field(default_factory=dict)  # kind (stable, see OUTPUT_KINDS) → file or folder

    def command_result(self) -> CommandResult:
        """The result of `xlplan demo`: the files written and what each step found, under `demo`.

        The sample's findings are part of the show, not a failure: they are counted in the
        payload, and the demo exits 0 when every step ran.
        """
        same, compared = self.grade_agreement()
        demo = {
            "directory": str(self.directory),
            "variant": self.variant,
            "section_workbooks": len(self.section_files),
            "check": {
                "errors": sum(c.report.count(Severity.ERROR) for c in self.checked),
                "warnings": sum(c.report.count(Severity.WARNING) for c in self.checked),
                "files_with_errors": sum(1 for c in self.checked if not c.report.ok),
            },
            "grades": {
                "computed": sum(1 for w in self.graded for g in w.grades if g.grade),
                "same_as_self_grade": same,
                "compared": compared,
            },
            "measures": len(self.consolidation.plan.measures) if self.consolidation else 0,
            "projects": len(self.consolidation.plan.projects) if self.consolidation else 0,
            "audit_findings": len(self.lint.findings) if self.lint else 0,
        }
        outputs = [Output(label, str(path)) for label, path in self.outputs.items()]
        notes = list(self.report.notes) if self.report else []
        return CommandResult("demo", outputs=outputs, payload_key="demo", payload=demo, notes=notes)

    def grade_agreement(self) -> tuple[int, int]:
        """(computed grades equal to the self-grade, measures with both) over all workbooks."""
        pairs = [(g.grade, g.self_grade) for w in self.graded for g in w.grades if g.grade and g.self_grade]
        return sum(1 for grade, own in pairs if grade == own), len(pairs)


def run_demo(
    directory: Path,
    *,
    rules: GradeRules | None = None,
    pdf: PdfChoice | bool = True,
    progress: Callable[[str], None] | None = None,
    variant: str = WORKED,
) -> DemoResult:
    """Run the sample plan through the tool; outputs go under `directory`, which appears complete or not at all.

    :param variant: the sample's variant, 「as-published」 or 「worked」 (see `xlplan.sample`).
    :param pdf: the engine printing the measure cards (`choose_pdf_engine`), True to find one
        now (before any work), False for none. Without one, everything else is still written.
    :raises OutputError: when the folder cannot be written (nothing is left half-made).
    """
    pdf = pdf_choice(pdf)
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
    pdf: PdfChoice,
    progress: Callable[[str], None] | None,
    variant: str,
) -> DemoResult:
    plan = load_sample_plan(variant)
    rules = rules or load_rules()
    result = DemoResult(directory=directory, variant=variant)
    result.section_files = write_section_workbooks(plan, directory / "sections", rules=rules, progress=progress)
    result.outputs["sections"] = directory / "sections"
    result.checked = check_paths(result.section_files, fiscal_year=plan.evaluated_fy)
    graded_dir = directory / "graded"
    for checked in result.checked:
        if checked.content is None:
            continue
        graded = grade_checked(checked, rules, fiscal_year=plan.evaluated_fy)
        if progress:
            progress(Note(f"評価: {checked.book.section}", f"Grading: {checked.book.section}"))
        write_graded_workbook(graded, graded_dir / Path(checked.report.path).name)
        result.graded.append(graded)
    result.outputs["graded-copies"] = graded_dir
    if progress:
        progress(Note("集約（マスター計画）", "Consolidating (the master plan)"))
    result.consolidation = consolidate([directory / "sections"], directory / "master.xlsx", rules=rules)
    result.outputs["master"] = result.consolidation.output
    if progress:
        progress(Note("報告資料（HTML・PDF・CSV）", "The council pack (HTML, PDF, CSV)"))
    result.report, result.lint = report_master(result.consolidation.output, directory / "report", pdf=pdf)
    result.outputs["report"] = directory / "report"
    return result
