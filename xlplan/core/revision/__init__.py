"""Revise the plan: the next version (第2.x版 → 第2.y版) for the next fiscal year (pure).

`apply` takes the plan as evaluated, HQ's changes and the proposals HQ accepted, and returns
the new plan, the 新旧対照表 rows and the refusals. The new plan is for the next fiscal year:

- every year's actuals, stages, self-grades and results stay as history;
- measure IDs are stable: a retired or merged-away measure stays in the plan, marked with
  `retired_fy` (and `merged_into`), and its ID is never given again; a merged measure keeps
  the IDs it absorbed in `absorbed_ids`, and takes over their milestones and budget projects;
- each active measure gets its stage for the new year: HQ's own (段階の変更), else an accepted
  proposal, else the stage already recorded for that year, else this year's stage;
- this year's budget projects are carried to the new year with their links, expense items and
  funding sources, amounts left empty for the sections to type.

A change that cannot be applied (unknown ID, a stage move outside the lifecycle model without
a reason, two changes that contradict each other) is refused: it is left out and reported as
an error finding that names its cell when it was typed in the changes workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..enums import Severity
from ..findings import Code, Finding
from ..fiscal import fy_label
from ..lifecycle import is_usual_move
from ..master.plan_order import plan_order
from ..model import Kpi, Measure, Plan
from .changes import ChangeKind, ChangeKpi, Changes, ComparisonRow
from .measures import NONE, MeasureChanges
from .projects import carry_projects
from .proposals import Proposal, format_number
from .state import KIND_ORDER

__all__ = ["RevisionResult", "apply", "current_view"]

_KPI_FIELDS = (("name", "指標名"), ("kpi_type", "指標区分"), ("unit", "単位"), ("aggregation", "集計方法"))
_KPI_FIELDS += (("direction", "望ましい方向"),)


@dataclass(frozen=True, slots=True)
class RevisionResult:
    """The new plan, its 新旧対照表 rows in plan order, and what was refused or noted."""

    plan: Plan
    comparison: tuple[ComparisonRow, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        """True when nothing was refused (no error finding)."""
        return not any(f.severity is Severity.ERROR for f in self.findings)


def apply(plan: Plan, changes: Changes, accepted: Sequence[Proposal] = (), to_version: str = "") -> RevisionResult:
    """Revise a plan for its next fiscal year.

    :param plan: the plan as evaluated (its `evaluated_fy` is the year just closed).
    :param changes: HQ's changes, each with its reason.
    :param accepted: the proposals (`propose_transitions`) HQ accepted.
    :param to_version: the new version, e.g. "2.2" (default: unchanged).
    """
    return _Revision(plan, to_version).run(changes, accepted)


def current_view(plan: Plan) -> Plan:
    """What the sections report on in the plan's year: active measures and that year's projects."""
    year = plan.evaluated_fy
    return replace(
        plan,
        measures=tuple(m for m in plan.measures if m.is_active_in(year)),
        projects=tuple(p for p in plan.projects if p.fiscal_year == year),
    )


class _Revision(MeasureChanges):
    """One revision: the measure changes, then KPIs, then every measure's stage (private)."""

    # driver ----------------------------------------------------------------------------------

    def run(self, changes: Changes, accepted: Sequence[Proposal]) -> RevisionResult:
        for merge in changes.merges:
            self.merge(merge)
        for retirement in changes.retirements:
            self.retire(retirement)
        for addition in changes.additions:
            self.add(addition)
        for rename in changes.renames:
            self.rename(rename)
        for owner in changes.owners:
            self.change_owner(owner)
        for kpi in changes.kpis:
            self.change_kpi(kpi)
        for stage in changes.stages:
            if self.target(stage, stage.measure_id) and self.claim(stage, stage.measure_id, "stage"):
                self.stage_changes[stage.measure_id] = stage
        proposals = {}
        for proposal in accepted:
            if self.target(proposal, proposal.measure_id) and self.claim(proposal, proposal.measure_id, "stage"):
                proposals[proposal.measure_id] = proposal
        for measure_id in list(self.measures):
            self.next_stage(measure_id, proposals.get(measure_id))
        order = plan_order(self.measures.values(), [m.measure_id for m in self.old.measures])
        position = {m.measure_id: i for i, m in enumerate(order)}
        rows = sorted(self.rows, key=lambda r: (position.get(r[0], len(position)), r[1], r[2]))
        new_plan = replace(
            self.old,
            version=self.version,
            evaluated_fy=self.next,
            measures=tuple(order),
            projects=carry_projects(self.old.projects, self.measures, self.year),
        )
        return RevisionResult(new_plan, tuple(r[3] for r in rows), tuple(self.findings))

    # KPIs -----------------------------------------------------------------------------------

    def change_kpi(self, change: ChangeKpi) -> None:
        """Redefine a KPI, move its baseline or target, or add a KPI."""
        measure_id = change.measure_id
        if not self.target(change, measure_id, new_ok=True):
            return
        measure = self.measures[measure_id]
        known = {k.kpi_id: k for k in measure.kpis}
        if change.kpi_id in known:
            if self.claim(change, measure_id, f"kpi:{change.kpi_id}"):
                self.redefine_kpi(measure, known[change.kpi_id], change)
            return
        if change.kpi_id and not change.kpi_id.startswith(f"{measure_id}-K"):
            self.note(Code.REVISION_KPI_UNKNOWN, change, "kpi_id", change.kpi_id, measure=measure_id)
            return
        if not (change.name or "").strip():
            self.note(Code.VALUE_MISSING, change, "name", hint="指標を追加するときは指標名が必要です。")
            return
        numbers = [int(k.kpi_id.rsplit("K", 1)[1]) for k in measure.kpis if k.kpi_id.rsplit("K", 1)[-1].isdigit()]
        kpi_id = change.kpi_id or f"{measure_id}-K{max(numbers, default=0) + 1}"
        kpi = Kpi(kpi_id=kpi_id, measure_id=measure_id, name=(change.name or "").strip())
        kpi = replace(kpi, **_kpi_updates(change))
        self.measures[measure_id] = replace(measure, kpis=(*measure.kpis, kpi))
        if measure_id not in self.new_ids:
            self.row(ChangeKind.KPI_ADDED, self.measures[measure_id], "指標", "", kpi.name, change, kpi_id)

    def redefine_kpi(self, measure: Measure, kpi: Kpi, change: ChangeKpi) -> None:
        updates = _kpi_updates(change)
        new = replace(kpi, **updates)
        if new == kpi:
            self.note(Code.REVISION_NO_CHANGE, change, "kpi_id", kpi.kpi_id)
            return
        measure = replace(measure, kpis=tuple(new if k.kpi_id == kpi.kpi_id else k for k in measure.kpis))
        self.measures[measure.measure_id] = measure
        for field, item in _KPI_FIELDS:
            if getattr(new, field) != getattr(kpi, field):
                old_text, new_text = _text(getattr(kpi, field)), _text(getattr(new, field))
                self.row(ChangeKind.KPI_REDEFINED, measure, item, old_text, new_text, change, kpi.kpi_id)
        if (new.baseline, new.baseline_fy) != (kpi.baseline, kpi.baseline_fy):
            old_text, new_text = (
                _value(kpi.baseline, kpi.baseline_fy, kpi.unit),
                _value(new.baseline, new.baseline_fy, new.unit),
            )
            self.row(ChangeKind.BASELINE, measure, "基準値", old_text, new_text, change, kpi.kpi_id)
        if (new.target, new.target_fy) != (kpi.target, kpi.target_fy):
            old_text, new_text = (
                _value(kpi.target, kpi.target_fy, kpi.unit),
                _value(new.target, new.target_fy, new.unit),
            )
            self.row(ChangeKind.TARGET, measure, "目標値", old_text, new_text, change, kpi.kpi_id)

    # stages ---------------------------------------------------------------------------------

    def next_stage(self, measure_id: str, proposal: Proposal | None) -> None:
        """Set a continuing measure's stage for the new year, and list the move."""
        measure = self.measures[measure_id]
        if measure_id in self.new_ids or not measure.is_active_in(self.next):
            return
        current = measure.stage_in(self.year)
        recorded = measure.stages.get(self.next)
        default = recorded or current
        stage, reason, change = default, "", None
        explicit = self.stage_changes.get(measure_id)
        if explicit is not None:
            usual = current is None or is_usual_move(current, explicit.stage)
            if explicit.stage == default:
                self.note(Code.REVISION_NO_CHANGE, explicit, "stage", explicit.stage.value)
            elif usual or explicit.reason.strip():
                stage, change = explicit.stage, explicit
            else:
                old, new = current.label if current else NONE, explicit.stage.label
                self.note(Code.STAGE_MOVE_NOT_ALLOWED, explicit, "reason", measure_id, old=old, new=new)
        elif proposal is not None:
            if proposal.from_stage != current or proposal.to_stage == default:
                shown = f"段階{current.value}" if current else "段階なし"
                self.note(Code.REVISION_PROPOSAL_STALE, proposal, "to_stage", measure_id, current=shown)
            else:
                stage, change = proposal.to_stage, proposal
        if stage is None:
            return
        if stage != recorded:
            self.measures[measure_id] = measure = replace(measure, stages={**measure.stages, self.next: stage})
        if current is None or stage == current:
            return
        if change is None:  # recorded in the previous version already
            override = measure.basis_overrides.get(self.year)
            reason = override.reason if override and override.reason else ""
            reason = reason or f"第{self.old.version}版に{fy_label(self.next)}の段階として記載済み"
            row = ComparisonRow(
                ChangeKind.STAGE, measure_id, measure.name, "ライフサイクル段階", current.label, stage.label, reason
            )
            self.rows.append((measure_id, KIND_ORDER[ChangeKind.STAGE], len(self.rows), row))
            return
        self.row(ChangeKind.STAGE, measure, "ライフサイクル段階", current.label, stage.label, change)


def _kpi_updates(change: ChangeKpi) -> dict[str, Any]:
    fields = ("name", "kpi_type", "unit", "aggregation", "direction", "baseline", "baseline_fy", "target", "target_fy")
    updates = {f: getattr(change, f) for f in fields if getattr(change, f) is not None}
    if "name" in updates:
        updates["name"] = updates["name"].strip()
    return updates


def _text(value: object) -> str:
    return NONE if value is None or value == "" else str(value)


def _value(value: float | None, fiscal_year: int | None, unit: str) -> str:
    """30%（令和8年度）: a baseline or target as the 新旧対照表 shows it."""
    if value is None:
        return NONE
    text = f"{format_number(value)}{unit}"
    return f"{text}（{fy_label(fiscal_year)}）" if fiscal_year else text
