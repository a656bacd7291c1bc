"""Turn the rows of a changes workbook into `Changes` and decisions on proposals (pure).

Rows the schema already found an error in are left out (the finding names the cell); every
change keeps its row, so a later refusal names its cell too. Proposals are matched against
the ones the rules make on the plan being revised: an accepted row that no longer matches
(the plan changed since the workbook was made) is refused rather than applied blindly.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..cells import split_cell
from ..enums import Aggregation, Direction, KpiType, Severity, Stage
from ..findings import Code, Finding
from ..model import Plan
from ..records import member, names, number, text, whole_number
from ..tables import SectionWorkbook, SheetRows
from .changes import (
    AddMeasure,
    ChangeKpi,
    ChangeOrigin,
    ChangeOwner,
    Changes,
    ChangeStage,
    MergeMeasures,
    RenameMeasure,
    RetireMeasure,
)
from .layout import PROPOSALS
from .proposals import Decision, Proposal

__all__ = ["ChangesInput", "ProposalDecision", "read_changes"]

Record = dict[str, object]
_NO_SECTIONS = frozenset({"なし", "無し", "-", "－", "―", "該当なし"})


@dataclass(frozen=True, slots=True)
class ProposalDecision:
    """A proposal of the rules and what HQ decided on it (None: not decided)."""

    proposal: Proposal
    decision: Decision | None


@dataclass(frozen=True, slots=True)
class ChangesInput:
    """What a changes workbook says: the changes, the decisions on proposals, and findings."""

    changes: Changes
    decisions: tuple[ProposalDecision, ...]
    findings: tuple[Finding, ...]

    @property
    def accepted(self) -> tuple[Proposal, ...]:
        """The proposals HQ accepted, with its comments."""
        return tuple(d.proposal for d in self.decisions if d.decision is Decision.ACCEPT)


def read_changes(book: SectionWorkbook, plan: Plan, proposals: Sequence[Proposal]) -> ChangesInput:
    """Read the changes and decisions of a changes workbook, for the plan being revised.

    :param book: the changes workbook as read (its schema findings included).
    :param plan: the plan being revised.
    :param proposals: the proposals the rules make on that plan (`propose_transitions`).
    """
    findings: list[Finding] = []
    base = book.meta.get("plan_version", "")
    if base and base != plan.version:
        findings.append(Finding.of(Code.REVISION_BASE_MISMATCH, file=book.path, value=base, expected=plan.version))
    rows = _Rows(book)
    changes = Changes(
        additions=tuple(
            AddMeasure(
                name=text(r, "name").strip(),
                stage=stage,
                measure_id=text(r, "measure_id"),
                hierarchy=tuple(p.strip() for p in text(r, "hierarchy").split(">") if p.strip()),
                primary_section=text(r, "primary_section").strip(),
                co_sections=tuple(names(text(r, "co_sections"))),
                summary=text(r, "summary"),
                reason=text(r, "reason"),
                origin=o,
            )
            for r, o in rows("add")
            if (stage := member(Stage, r.get("stage"))) is not None
        ),
        merges=tuple(
            MergeMeasures(
                target_id=text(r, "target_id"),
                merged_ids=tuple(m for m in text(r, "merged_ids").split(",") if m),
                target_name=text(r, "target_name").strip(),
                primary_section=text(r, "primary_section").strip(),
                stage=member(Stage, r.get("stage")),
                reason=text(r, "reason"),
                origin=o,
            )
            for r, o in rows("merge")
        ),
        retirements=tuple(RetireMeasure(text(r, "measure_id"), text(r, "reason"), o) for r, o in rows("retire")),
        renames=tuple(
            RenameMeasure(text(r, "measure_id"), text(r, "name").strip(), text(r, "reason"), o)
            for r, o in rows("rename")
        ),
        owners=tuple(
            ChangeOwner(
                text(r, "measure_id"),
                text(r, "primary_section").strip(),
                _co_sections(text(r, "co_sections")),
                text(r, "reason"),
                o,
            )
            for r, o in rows("owner")
        ),
        stages=tuple(
            ChangeStage(text(r, "measure_id"), stage, text(r, "reason"), o)
            for r, o in rows("stage")
            if (stage := member(Stage, r.get("stage"))) is not None
        ),
        kpis=tuple(_kpi_change(r, o) for r, o in rows("kpi")),
    )
    decisions = _decisions(rows, plan, proposals, findings)
    return ChangesInput(changes, decisions, tuple(findings))


class _Rows:
    """The valid rows of each sheet with their origins (rows with an error finding are skipped)."""

    def __init__(self, book: SectionWorkbook) -> None:
        self.book = book
        self.bad = {(f.sheet, split_cell(f.cell)[0]) for f in book.findings if f.severity is Severity.ERROR and f.cell}

    def __call__(self, key: str) -> Iterator[tuple[Record, ChangeOrigin]]:
        table: SheetRows | None = self.book.sheets.get(key)
        if table is None:
            return
        letters = tuple(table.letters.items())
        for record, row in zip(table.records, table.rows, strict=True):
            if (table.sheet_name, row) not in self.bad:
                yield record, ChangeOrigin(self.book.path, table.sheet_name, row, letters)


def _co_sections(text: str) -> tuple[str, ...] | None:
    """Empty: unchanged; なし: none; else the sections listed."""
    if not text.strip():
        return None
    if text.strip() in _NO_SECTIONS:
        return ()
    return tuple(names(text))


def _kpi_change(r: Record, origin: ChangeOrigin) -> ChangeKpi:
    unit = text(r, "unit")
    return ChangeKpi(
        measure_id=text(r, "measure_id"),
        kpi_id=text(r, "kpi_id"),
        name=text(r, "name") or None,
        kpi_type=member(KpiType, r.get("kpi_type")),
        unit=unit or None,
        aggregation=member(Aggregation, r.get("aggregation")),
        direction=member(Direction, r.get("direction")),
        baseline=number(r, "baseline"),
        baseline_fy=whole_number(r, "baseline_fy"),
        target=number(r, "target"),
        target_fy=whole_number(r, "target_fy"),
        reason=text(r, "reason"),
        origin=origin,
    )


def _decisions(
    rows: _Rows, plan: Plan, proposals: Sequence[Proposal], findings: list[Finding]
) -> tuple[ProposalDecision, ...]:
    """Match the 改訂案 rows with the current proposals; refuse accepted rows that no longer match."""
    current = {p.measure_id: p for p in proposals}
    decided: dict[str, ProposalDecision] = {}
    for r, origin in rows(PROPOSALS.key):
        measure_id = text(r, "measure_id")
        decision = member(Decision, r.get("decision"))
        proposal = current.get(measure_id)
        shown = (member(Stage, r.get("from_stage")), member(Stage, r.get("to_stage")))

        if decision is None:
            if proposal is not None:
                move = f"段階{proposal.from_stage}→{proposal.to_stage}"
                findings.append(
                    _finding(Code.REVISION_PROPOSAL_UNDECIDED, origin, "decision", measure_id, proposal=move)
                )
            continue
        if proposal is None or shown != (proposal.from_stage, proposal.to_stage):
            if decision is Decision.ACCEPT:
                now = _now(plan, proposal, measure_id)
                findings.append(_finding(Code.REVISION_PROPOSAL_STALE, origin, "to_stage", measure_id, current=now))
            continue
        accepted = proposal.accepted(text(r, "comment").strip(), origin) if decision is Decision.ACCEPT else proposal
        decided[measure_id] = ProposalDecision(accepted, decision)
    return tuple(decided.get(p.measure_id) or ProposalDecision(p, None) for p in proposals)


def _finding(code: Code, origin: ChangeOrigin, field: str, measure_id: str, **params: object) -> Finding:
    return Finding.of(
        code,
        file=origin.file,
        sheet=origin.sheet,
        cell=origin.cell(field),
        column=PROPOSALS.column(field).header,
        value=measure_id,
        **params,
    )


def _now(plan: Plan, proposal: Proposal | None, measure_id: str) -> str:
    if proposal is not None:
        return f"段階{proposal.from_stage}→{proposal.to_stage}の提案"
    measure = plan.measure(measure_id)
    stage = measure.stage_in(plan.evaluated_fy) if measure else None
    return f"段階{stage}のまま、改訂案なし" if stage else "改訂案なし"
