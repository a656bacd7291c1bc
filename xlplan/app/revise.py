"""`xlplan revise`: the next version of the plan, its 新旧対照表 and next year's section workbooks.

Reads the master (`io.master_reader`), grades the evaluated year, lets the lifecycle rules
propose stage transitions, reads HQ's changes workbook (changes and decisions on the
proposals), applies them (`core.revision.apply`) and, when nothing was refused, writes:

- the new master (`io.master_writer`): the plan for the next fiscal year, active measures only;
- 改訂資料 (新旧対照表, 改訂案 with decisions, the evaluated year's grades, findings);
- the 新旧対照表 as CSV;
- one pre-filled section workbook per section for the next fiscal year.

When anything is refused (an error finding), nothing is written: the findings say what to fix.
The output folder is written as a whole (`io.atomic.atomic_directory`): it appears complete or
not at all, and a previous revision there stays until the new one is complete. It may not hold
any input (the master, the changes workbook, the rules file).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..core.enums import Severity
from ..core.findings import Finding
from ..core.grading import MeasureGrade, grade_plan
from ..core.grading.rules import GradeRules
from ..core.model import Plan
from ..core.revision import RevisionResult, apply, current_view
from ..core.revision.changes import Changes
from ..core.revision.proposals import Decision, Proposal, propose_transitions
from ..core.revision.read import ProposalDecision, read_changes
from ..errors import UsageError
from ..io.atomic import atomic_directory
from ..io.changes_workbook import ChangesOptions, read_changes_workbook, write_changes_workbook
from ..io.comparison import RevisionBook, write_comparison_csv, write_revision_book
from ..io.input_guard import refuse_overwriting_inputs
from ..io.master_reader import Master, read_master
from ..io.master_writer import MasterContent, write_master
from ..io.rules_file import load_rules
from .prefill import write_section_workbooks
from .result import CommandResult, Output, files_of

__all__ = ["ReviseResult", "next_version", "revise", "write_changes_template"]

_VERSION = re.compile(r"^(\d+)\.(\d+)$")


@dataclass(slots=True)
class ReviseResult:
    """What `revise` did: the plans before and after, the comparison, decisions, findings, files."""

    old: Plan
    revision: RevisionResult
    decisions: tuple[ProposalDecision, ...]
    findings: list[Finding]
    grades: list[MeasureGrade] = field(default_factory=list)
    outputs: dict[str, Path] = field(default_factory=dict)  # label → file or folder
    sections: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was refused (no error finding); only then are outputs written."""
        return not any(f.severity is Severity.ERROR for f in self.findings)

    def command_result(self, master: Path, changes: Path | None = None) -> CommandResult:
        """The result of `xlplan revise`: findings under the file they point at (the changes workbook
        when they name none), the files written, and the revision under `revision`.

        :param master: the master revised.
        :param changes: the changes workbook HQ filled in, if any.
        """
        new = self.revision.plan
        inputs = [str(master)] + ([str(changes)] if changes else [])
        files = files_of(self.findings, order=inputs, default=str(changes or master))
        revision = {
            "from_version": self.old.version,
            "to_version": new.version,
            "fiscal_year": new.evaluated_fy,
            "comparison": [
                {
                    "kind": str(r.kind),
                    "measure_id": r.measure_id,
                    "name": r.name,
                    "kpi_id": r.kpi_id,
                    "item": r.item,
                    "old": r.old,
                    "new": r.new,
                    "reason": r.reason,
                }
                for r in self.revision.comparison
            ],
            "proposals": [
                {
                    "measure_id": d.proposal.measure_id,
                    "from_stage": d.proposal.from_stage.value,
                    "to_stage": d.proposal.to_stage.value,
                    "rule": str(d.proposal.rule),
                    "decision": d.decision.value if d.decision else None,
                }
                for d in self.decisions
            ],
            "section_workbooks": len(self.sections),
        }
        outputs = [Output(kind, str(path)) for kind, path in self.outputs.items()]
        return CommandResult("revise", files, outputs, payload_key="revision", payload=revision)


def next_version(current: str, wanted: str | None = None) -> str:
    """The version to revise to: `wanted` when it is later than `current`, else the next minor.

    :raises UsageError: when `wanted` is not of the form 2.2 or is not later than `current`.
    """
    if wanted is None:
        match = _VERSION.match(current)
        return f"{match.group(1)}.{int(match.group(2)) + 1}" if match else "2.1"
    new = _VERSION.match(wanted)
    if new is None:
        raise UsageError(
            f"版「{wanted}」は「2.2」の形で指定してください。", english=f"Give the version {wanted!r} in the form 2.2."
        )
    old = _VERSION.match(current)
    if old and (int(new.group(1)), int(new.group(2))) <= (int(old.group(1)), int(old.group(2))):
        raise UsageError(
            f"新しい版 {wanted} は、改訂する計画の版 {current} より後の版にしてください。",
            english=f"The new version {wanted} must come after {current}, the version of the plan being revised.",
        )
    return wanted


def _rules(rules: GradeRules | Path | None) -> GradeRules:
    return rules if isinstance(rules, GradeRules) else load_rules(rules)


def _proposals(plan: Plan, rules: GradeRules) -> tuple[list[MeasureGrade], list[Proposal]]:
    grades = grade_plan(plan, rules)
    return grades, propose_transitions(plan, grades, plan.evaluated_fy, rules=rules)


def write_changes_template(
    output: Path,
    *,
    master: Path | None = None,
    to_version: str | None = None,
    rules: GradeRules | Path | None = None,
    fiscal_year: int | None = None,
) -> Path:
    """Write a changes workbook: blank, or for a master with the rules' proposals pre-filled.

    :param output: the .xlsx to write.
    :param master: the master to revise (its proposals and measures are filled in).
    :param to_version: the new version (default: the next minor version).
    :param rules: grade rules (or a rules file) deciding the proposals.
    :param fiscal_year: the new plan's fiscal year when no master is given (default: next April's).
    """
    refuse_overwriting_inputs([master, rules if isinstance(rules, Path) else None], files=[output])
    if master is None:
        year = fiscal_year or _next_fiscal_year(dt.date.today())
        options = ChangesOptions(fiscal_year=year, to_version=to_version or "")
        return write_changes_workbook(output, options)
    plan = read_master(master).plan
    _, proposals = _proposals(plan, _rules(rules))
    options = ChangesOptions(
        fiscal_year=plan.evaluated_fy + 1,
        plan_name=plan.name,
        base_version=plan.version,
        to_version=next_version(plan.version, to_version),
    )
    return write_changes_workbook(output, options, plan=plan, proposals=proposals)


def _with_history(master: Master) -> Plan:
    """The master's plan with its retired and merged-away measures, so that no ID is reused."""
    return replace(master.plan, measures=master.plan.measures + master.history)


def revise(
    master: Path,
    directory: Path,
    *,
    to_version: str | None = None,
    changes: Path | None = None,
    rules: GradeRules | Path | None = None,
) -> ReviseResult:
    """Revise a master plan for its next fiscal year and write the results under `directory`.

    :param master: the master workbook of the evaluated year (`xlplan consolidate`).
    :param directory: the folder to write into (created when missing).
    :param to_version: the new version, e.g. "2.2" (default: the next minor version).
    :param changes: HQ's changes workbook (`--changes-template`); None revises with no change.
    :param rules: grade rules (or a rules file) deciding the proposals.
    :raises UsageError: on a bad version, or when the folder holds an input.
    :raises OutputError: when the folder cannot be written (nothing is left half-made).
    """
    directory = Path(directory)
    refuse_overwriting_inputs([master, changes, rules if isinstance(rules, Path) else None], folders=[directory])
    current = read_master(master)
    plan = current.plan
    version = next_version(plan.version, to_version)
    grade_rules = _rules(rules)
    grades, proposals = _proposals(plan, grade_rules)
    findings: list[Finding] = []
    wanted, decisions = Changes(), tuple(ProposalDecision(p, None) for p in proposals)
    if changes is not None:
        book = read_changes_workbook(changes)
        findings += book.findings
        if book.readable:
            read = read_changes(book, plan, proposals)
            wanted, decisions = read.changes, read.decisions
            findings += read.findings
    accepted = [d.proposal for d in decisions if d.decision is Decision.ACCEPT]
    revision = apply(_with_history(current), wanted, accepted, version)
    findings += revision.findings
    result = ReviseResult(plan, revision, decisions, findings, grades)
    if not result.ok:
        return result
    new_view = current_view(revision.plan)
    history = tuple(m for m in revision.plan.measures if not m.is_active_in(revision.plan.evaluated_fy))
    master_content = MasterContent(plan=new_view, findings=findings, cards=True, history=history, kpi_years=True)
    with atomic_directory(directory) as work:
        files = _outputs(work, plan.version, version)
        write_master(files["master"], master_content)
        write_revision_book(
            files["book"], RevisionBook(plan, revision.plan, revision.comparison, decisions, grades, findings)
        )
        write_comparison_csv(files["csv"], revision.comparison, old_version=plan.version, new_version=version)
        # next year's workbooks grade live by the same rules as this revision (a city's own file)
        written = write_section_workbooks(new_view, files["sections"], rules=grade_rules)
    result.outputs = _outputs(directory, plan.version, version)
    result.sections = [result.outputs["sections"] / p.name for p in written]
    return result


def _outputs(directory: Path, old: str, new: str) -> dict[str, Path]:
    return {
        "master": directory / f"計画_第{new}版.xlsx",
        "book": directory / f"改訂資料_第{new}版.xlsx",
        "csv": directory / f"新旧対照表_第{old}版_第{new}版.csv",
        "sections": directory / "sections",
    }


def _next_fiscal_year(today: dt.date) -> int:
    """The fiscal year a revision prepared today is for: the one starting next April."""
    return today.year if today.month < 4 else today.year + 1
