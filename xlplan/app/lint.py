"""`xlplan lint`: the auditor's checks on a master plan (and last year's, for two-year checks).

Reads the master, recomputes the grades with the rules file (so a self-grade can be compared
with what the rules give), runs every audit check and returns the findings in the shape of
`xlplan check` (one `FileReport` for the master).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..core.audit import audit_plan
from ..core.audit.context import AuditRules
from ..core.enums import Grade, Severity
from ..core.findings import FileReport, Finding
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade, grade_plan
from ..core.grading.rules import GradeRules
from ..core.model import Plan
from ..errors import UsageError
from ..io.lint_rules import load_rule_set
from ..io.master_reader import read_master
from .result import CommandResult

__all__ = ["LintResult", "lint_master", "lint_plan"]


@dataclass(slots=True)
class LintResult:
    """What linting a master found: its plan, the recomputed grades and the findings."""

    path: str
    plan: Plan
    grades: dict[str, MeasureGrade]
    findings: list[Finding]
    previous: Plan | None = None
    skipped_codes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def report(self) -> FileReport:
        """The findings as one file report, the shape `xlplan check` prints."""
        return FileReport(self.path, list(self.findings))

    def command_result(self) -> CommandResult:
        """The result of `xlplan lint`: the master's findings; warnings fail the run (exit 1)."""
        lint = {
            "fiscal_year": self.plan.evaluated_fy,
            "measures": len(self.plan.measures),
            "previous": self.previous.evaluated_fy if self.previous else None,
            "skipped_codes": sorted(self.skipped_codes),
        }
        return CommandResult("lint", [self.report], payload_key="lint", payload=lint, fail_on=Severity.WARNING)


def lint_plan(
    plan: Plan,
    *,
    grade_rules: GradeRules | None = None,
    audit_rules: AuditRules | None = None,
    fiscal_year: int | None = None,
    previous: Plan | None = None,
    skip: Collection[str] = (),
    named: Mapping[str, Sequence[str]] | None = None,
) -> tuple[list[Finding], dict[str, MeasureGrade]]:
    """Grade a plan and run the audit checks on it.

    :param plan: the plan.
    :param grade_rules: the grade rules (default: Akita's).
    :param audit_rules: the audit thresholds (default: Akita's).
    :param fiscal_year: the evaluated year (default: the plan's).
    :param previous: last year's plan, for the checks that need two years.
    :param skip: codes not to run.
    :param named: the opinions of an audit report naming each measure (cited on those measures).
    :returns: the findings and the recomputed grades by measure ID.
    """
    rules = grade_rules or GradeRules()
    year = fiscal_year or plan.evaluated_fy
    grades = {g.measure_id: g for g in grade_plan(plan, rules, fiscal_year=year)}
    previous_grades: Mapping[str, MeasureGrade] = {}
    if previous is not None:
        previous_grades = {g.measure_id: g for g in grade_plan(previous, rules, fiscal_year=year - 1)}
    findings = audit_plan(
        plan,
        rules=audit_rules,
        fiscal_year=year,
        grades=_letters(grades),
        previous=previous,
        previous_grades=_letters(previous_grades),
        skip=skip,
        named=named,
    )
    return findings, grades


def _letters(grades: Mapping[str, MeasureGrade]) -> dict[str, Grade]:
    return {measure_id: g.grade for measure_id, g in grades.items() if g.grade is not None}


def lint_master(
    path: Path,
    *,
    previous: Path | None = None,
    rules: Path | None = None,
    fiscal_year: int | None = None,
    skip: Collection[str] = (),
) -> LintResult:
    """Run the audit checks on a master workbook.

    :param path: the master (`xlplan consolidate` output).
    :param previous: last year's master, for the checks that need two years.
    :param rules: the rules file holding the grade rules and the `[lint]` thresholds (default: Akita's).
    :param fiscal_year: the evaluated year (default: the master's).
    :param skip: codes not to run.
    :raises UsageError: when the previous master is not of an earlier year.
    :raises XlplanError: when a file cannot be read (the message says what to do).
    """
    master = read_master(path)
    year = fiscal_year or master.plan.evaluated_fy
    old = None
    if previous is not None:
        if Path(previous).resolve() == Path(path).resolve():
            raise UsageError(
                "--previous には前年度のマスターを指定してください（同じファイルが指定されています）。",
                english="--previous takes the previous year's master (the same file was given twice).",
            )
        old = read_master(previous).plan
        if old.evaluated_fy >= year:
            raise UsageError(
                f"--previous のマスターは{fy_label(old.evaluated_fy)}のものです。"
                f"{fy_label(year)}より前の年度のマスターを指定してください。",
                english=f"The --previous master is of {fy_label(old.evaluated_fy, lang='en')}. "
                f"Give a master of a year before {fy_label(year, lang='en')}.",
            )
    grade_rules, audit_rules = load_rule_set(rules)
    findings, grades = lint_plan(
        master.plan,
        grade_rules=grade_rules,
        audit_rules=audit_rules,
        fiscal_year=year,
        previous=old,
        skip=skip,
    )
    return LintResult(str(path), master.plan, grades, findings, old, tuple(str(code) for code in skip))
