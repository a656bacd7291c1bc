"""`xlplan consolidate`: section workbooks in, the master plan (第2.x版) out.

Reads every workbook under the folders (lock files, masters and non-workbooks are noted and
skipped), checks each exactly as `xlplan check` does, merges them (`core.merge`), grades
the merged plan (`core.grading`), compares it with the roster and the previous master, and
writes the master atomically. Inputs are only ever read.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ..core.audit.context import AuditRules
from ..core.enums import Severity
from ..core.findings import Code, FileReport, Finding
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.grading.rules import GradeRules
from ..core.layout import MEASURES
from ..core.master.coverage import not_returned_measures, roster_findings
from ..core.master.kpi_years import carry_kpi_years
from ..core.master.merge import SectionInput, lifecycle_sources, merge_sections
from ..core.master.provenance import cell_of
from ..core.master.view import budget_by_pillar, grade_column
from ..core.model import Plan
from ..core.tables import SectionWorkbook
from ..errors import UsageError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.lint_rules import load_rule_set
from ..io.master_reader import read_master
from ..io.master_writer import MasterContent, write_master
from ..io.roster import read_roster
from .check import CheckedWorkbook, check_workbooks, prepare_validation
from .inputs import require_inputs, scan_inputs
from .lint import lint_plan
from .reading import read_all
from .result import CommandResult, Output

__all__ = ["ConsolidationResult", "Progress", "consolidate"]

DEFAULT_VERSION = "2.0"


class Progress(Protocol):
    """What `consolidate` reports while it works (the CLI draws a progress bar from it)."""

    def phase(self, label: str, total: int | None = None) -> None:
        """A new phase starts (読み込み, 検証, 統合, 書き出し); `total` steps when known."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current phase are done."""


class _Silent:
    def phase(self, label: str, total: int | None = None) -> None:
        pass

    def advance(self, steps: int = 1) -> None:
        pass


@dataclass(slots=True)
class ConsolidationResult:
    """What `consolidate` did: the master written, the merged plan, grades and every finding.

    `inputs` holds one report per file found (its `status`: merged, skipped, other-year or
    master; its `section`); `findings` every finding, the files' and the merge's together.
    """

    output: Path
    plan: Plan
    inputs: list[FileReport]
    findings: list[Finding]
    grades: list[MeasureGrade] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    not_returned: list[str] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """Error findings, all files and the merge together."""
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def merged(self) -> int:
        """Files merged into the master."""
        return sum(1 for i in self.inputs if i.status == "merged")

    @property
    def conflicts(self) -> list[Finding]:
        """The conflict findings: the same measure or project sent with different values."""
        return [f for f in self.findings if f.code is Code.CONSOLIDATION_CONFLICT]

    @property
    def ok(self) -> bool:
        """True when no finding is an error."""
        return self.errors == 0

    def command_result(self) -> CommandResult:
        """The result of `xlplan consolidate`: every finding under the file it points at, the master
        written, and the plan's figures under `master`."""
        files = {i.path: FileReport(i.path, list(i.findings), i.skipped, i.status, i.section) for i in self.inputs}
        own = {id(f) for i in self.inputs for f in i.findings}
        for finding in self.findings:
            if id(finding) not in own:
                path = finding.file
                files.setdefault(path, FileReport(path, status="related")).findings.append(finding)
        _, total = budget_by_pillar(self.plan)
        grades = Counter(grade_column(g) for g in self.grades)
        master = {
            "name": self.plan.name,
            "version": self.plan.version,
            "fiscal_year": self.plan.evaluated_fy,
            "files": len(self.inputs),
            "merged": self.merged,
            "measures": len(self.plan.measures),
            "projects": len(self.plan.projects),
            "conflicts": len(self.conflicts),
            "missing_sections": list(self.missing_sections),
            "not_returned_measures": list(self.not_returned),
            "grades": dict(sorted(grades.items())),
            "budget": {
                "initial": total.initial,
                "final_budget": total.final_budget,
                "settlement": total.settlement,
                "execution_rate": round(total.execution_rate, 4) if total.execution_rate is not None else None,
            },
        }
        return CommandResult(
            "consolidate",
            list(files.values()),
            [Output("master", str(self.output))],
            payload_key="master",
            payload=master,
        )


def consolidate(
    paths: Iterable[Path],
    output: Path,
    *,
    plan_version: str | None = None,
    fiscal_year: int | None = None,
    roster: Path | None = None,
    previous: Path | None = None,
    rules: GradeRules | Path | None = None,
    cards: bool = True,
    jobs: int | None = 1,
    progress: Progress | None = None,
) -> ConsolidationResult:
    """Consolidate section workbooks into the master plan and write it atomically.

    :param paths: section workbooks and folders holding them.
    :param output: the master .xlsx to write.
    :param plan_version: the version of the master (2.1 → 第2.1版); default: the workbooks' or the previous master's.
    :param fiscal_year: the evaluated year; default: the year most workbooks are stamped with.
    :param roster: a file listing the sections expected to reply (missing ones are listed).
    :param previous: the previous master (its order is kept; measures nobody returned are listed).
    :param rules: grade rules, or a rules file (default: Akita's).
    :param cards: write the printable measure cards.
    :param jobs: processes reading the workbooks: 1 (default) reads in this process; None picks one per
        CPU (up to 8) for 40 files or more. Worker processes are spawned, so a script calling this with
        jobs != 1 needs the ``if __name__ == "__main__":`` guard (the ``xlplan`` command has it).
    :param progress: receives progress (phases and steps).
    :raises UsageError: when the output would overwrite an input, or no fiscal year can be told.
    """
    progress = progress or _Silent()
    output = Path(output)
    paths = list(paths)
    items = require_inputs(scan_inputs(paths), paths)  # links out of a folder and unlistable folders come back refused
    files = [item.path for item in items if item.refused is None]
    rules_file = rules if isinstance(rules, Path) else None
    refuse_overwriting_inputs([*files, previous, roster, rules_file], files=[output])
    if isinstance(rules, GradeRules):
        grade_rules, audit_rules = rules, AuditRules()
    else:
        grade_rules, audit_rules = load_rule_set(rules)
    previous_master = read_master(previous) if previous else None
    roster_entries = [(e.section, e.cell) for e in read_roster(roster)] if roster is not None else None

    progress.phase("読み込み", len(items))
    books = read_all(items, jobs=jobs, advance=progress.advance, meanwhile=prepare_validation)
    year = fiscal_year or _common_year(books) or (previous_master.plan.evaluated_fy if previous_master else None)
    if year is None:
        raise UsageError(
            "評価する年度が分かりません（年度の記録のある様式がありません）。"
            "--fiscal-year で指定してください（例: R6）。",
            english="The fiscal year cannot be told (no workbook records one). Give it with --fiscal-year (e.g. R6).",
        )

    plan_name = _most_common(b.meta.get("plan_name", "") for b in books if b.readable)
    version = _most_common(b.meta.get("plan_version", "") for b in books if b.readable)

    progress.phase("検証", None)
    inputs, merge_inputs = _sort_inputs(check_workbooks(books), year)
    del books  # the rows as read (most of the memory at 10,000 files): the merge needs only their content
    inputs += _other_files(paths, files)

    progress.phase("統合", None)
    previous_order = [m.measure_id for m in previous_master.plan.measures] if previous_master else []
    merged = merge_sections(merge_inputs, year, previous_order=previous_order)
    merged_files = len(merge_inputs)
    del merge_inputs  # each file's content: the copies the merge did not keep go with it
    measures = merged.measures
    if previous_master is not None:  # later years' targets and older actuals live in the master only
        measures = carry_kpi_years(measures, previous_master.plan.measures, year)
    plan = Plan(
        name=plan_name or (previous_master.plan.name if previous_master else Plan().name),
        version=plan_version or version or (previous_master.plan.version if previous_master else DEFAULT_VERSION),
        period=previous_master.plan.period if previous_master else Plan().period,
        evaluated_fy=year,
        measures=measures,
        projects=merged.projects,
    )
    # grade once: the audit checks grade the plan and hand the grades back (self-grade
    # mismatches are reported on 検証結果 below, so the audit skips them)
    audit_findings, graded = lint_plan(
        plan,
        grade_rules=grade_rules,
        audit_rules=audit_rules,
        fiscal_year=year,
        previous=previous_master.plan if previous_master else None,
        skip={Code.SELF_GRADE_MISMATCH},
    )
    grades = list(graded.values())
    findings = [f for i in inputs for f in i.findings]
    findings += merged.findings
    findings += _mismatches(plan, grades, findings)
    missing: list[str] = []
    if roster_entries is not None:
        returned = {i.section: i.path for i in reversed(inputs) if i.section and i.status == "merged"}
        missing, roster_found = roster_findings(roster_entries, returned, roster_file=str(roster))
        findings += roster_found
    not_returned: list[str] = []
    if previous_master is not None:
        not_returned, gone = not_returned_measures(previous_master.plan, (m.measure_id for m in plan.measures))
        findings += gone

    progress.phase("書き出し", None)
    content = MasterContent(
        plan=plan,
        grades=grades,
        findings=findings,
        stage_sources=merged.stage_sources,
        sections_by_file={i.path: i.section for i in inputs},
        inputs=len(inputs),
        inputs_merged=merged_files,
        missing_sections=missing,
        not_returned=not_returned,
        generated_at=dt.datetime.now().replace(microsecond=0),
        cards=cards,
        kpi_years=True,
        audit_findings=audit_findings,
    )
    write_master(output, content)
    return ConsolidationResult(output, plan, inputs, findings, grades, missing, not_returned)


# System files that appear in shared folders and mean nothing to HQ.
_SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini"})


def _other_files(paths: Sequence[Path], taken: Sequence[Path]) -> list[FileReport]:
    """Files under the folders that are not workbooks (a PDF sent instead, a memo): noted, not read."""
    seen = set(taken)
    found = []
    for folder in paths:
        if not folder.is_dir():
            continue
        for directory, _, names in os.walk(folder, followlinks=False):
            for name in sorted(names):
                path = Path(directory, name)
                skip = name.startswith(".") or name.lower() in _SYSTEM_FILES or path.is_symlink()
                if skip or path in seen:
                    continue  # a link is never followed, not even to say what it is
                seen.add(path)
                note = Finding.of(Code.FILE_NOT_WORKBOOK, file=str(path), severity=Severity.INFO)
                found.append(FileReport(str(path), [note], skipped=True))
    return sorted(found, key=lambda item: item.path)


def _common_year(books: Sequence[SectionWorkbook]) -> int | None:
    years = Counter(b.fiscal_year for b in books if b.readable and b.fiscal_year)
    return years.most_common(1)[0][0] if years else None


def _most_common(values: Iterable[str]) -> str:
    found = Counter(v for v in values if v)
    return found.most_common(1)[0][0] if found else ""


def _sort_inputs(checked: Sequence[CheckedWorkbook], year: int) -> tuple[list[FileReport], list[SectionInput]]:
    """What becomes of each file, and the readable ones of the year to merge (input order)."""
    inputs: list[FileReport] = []
    merge_inputs: list[SectionInput] = []
    for item in checked:
        book, report = item.book, item.report
        if item.content is None:
            status = "master" if any(f.code is Code.FILE_IS_MASTER for f in report.findings) else "skipped"
        elif book.fiscal_year is not None and book.fiscal_year != year:
            status = "other-year"
            report.findings.append(
                Finding.of(
                    Code.INPUT_FISCAL_YEAR_MISMATCH,
                    file=book.path,
                    value=fy_label(book.fiscal_year),
                    expected=fy_label(year),
                )
            )
        else:
            status = "merged"
            merge_inputs.append(SectionInput(book.path, book.section, item.content, lifecycle_sources(book)))
        report.status, report.section = status, book.section
        report.skipped = status in ("skipped", "master")
        inputs.append(report)
    return inputs, merge_inputs


def _mismatches(plan: Plan, grades: Sequence[MeasureGrade], known: Sequence[Finding]) -> list[Finding]:
    """A self-grade-mismatch warning at each 自己評価 cell that differs from the computed grade."""
    already = {(f.file, f.sheet, f.cell) for f in known if f.code is Code.SELF_GRADE_MISMATCH}
    measures = {m.measure_id: m for m in plan.measures}
    found = []
    for grade in grades:
        measure = measures.get(grade.measure_id)
        if not grade.mismatch or measure is None or measure.source is None:
            continue
        source = measure.source
        cell = cell_of(source, MEASURES, "self_grade")
        if (source.file, source.sheet, cell) in already:
            continue
        found.append(
            Finding.of(
                Code.SELF_GRADE_MISMATCH,
                file=source.file,
                sheet=source.sheet,
                cell=cell,
                column=MEASURES.column("self_grade").header,
                value=grade.self_grade,
                computed=grade.grade or "判定不可",
            )
        )
    return found
