"""Stage transitions the lifecycle rules propose for next year, for HQ to accept or reject (pure).

The rules (audit report L1560–1614):

- stage 2, every KPI at its target this year and last year (reached and held) → 3;
- stage 4, every KPI at its target (the change worked) → 2;
- stage 3, a KPI below its target → 4;
- stage 1, every milestone done (built) → 2;
- stage 3・4, every milestone of the renovation done → 4;
- stage 2 without any KPI target → 1 (audit opinions 8 and 14; outside the usual moves, the
  rule itself is the written reason).

"At its target" is the grade engine's own KPI assessment (`grading.assess_kpi`), so a city's
rules (tolerance band, yearly targets) count here as they count in its grades. A measure whose
stage for next year is already recorded gets no proposal: that decision was taken.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from ..enums import MilestoneStatus, Stage
from ..fiscal import fy_label
from ..grading import KpiAssessment, KpiGap, MeasureGrade, assess_kpi
from ..grading.rules import GradeRules, KpiOutcome
from ..lifecycle import is_usual_move
from ..model import Kpi, Measure, Plan
from .changes import ChangeOrigin

__all__ = ["Decision", "Proposal", "ProposalRule", "format_number", "propose_transitions"]


class ProposalRule(StrEnum):
    """Why a transition is proposed; the value is a stable key, `label` the Japanese wording."""

    TARGET_HELD = "target-held"
    ADAPT_RECOVERED = "adapt-recovered"
    BELOW_TARGET = "below-target"
    BUILT = "built"
    RENOVATED = "renovated"
    NO_TARGET = "no-target"

    @property
    def label(self) -> str:
        """The rule as the 改訂案 sheet and the 新旧対照表 state it."""
        return _RULE_LABELS[self]


_RULE_LABELS = {
    ProposalRule.TARGET_HELD: "目標値を達成し、前年度から達成を維持しているため安定期へ移行",
    ProposalRule.ADAPT_RECOVERED: "改修・変更により目標値を達成したため拡大期へ移行",
    ProposalRule.BELOW_TARGET: "安定期の実績値が目標値を下回ったため環境変化対応期へ移行",
    ProposalRule.BUILT: "すべての工程が完了（構築完了）したため拡大期へ移行",
    ProposalRule.RENOVATED: "改修までのすべての工程が完了したため環境変化対応期へ移行",
    ProposalRule.NO_TARGET: "監査意見8・14に沿い、目標値が設定されていないため構築期としてスケジュールで管理",
}


class Decision(StrEnum):
    """採否 of a proposal on the 改訂案 sheet."""

    ACCEPT = "採用"
    REJECT = "不採用"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A stage transition for the next fiscal year, proposed by a rule."""

    measure_id: str
    name: str
    from_stage: Stage
    to_stage: Stage
    rule: ProposalRule
    evidence: str
    note: str = ""  # HQ's comment when accepting; it replaces the rule's wording as the reason
    origin: ChangeOrigin | None = None  # the 改訂案 row it was accepted on

    @property
    def usual(self) -> bool:
        """True when the move is one of the lifecycle model's usual moves."""
        return is_usual_move(self.from_stage, self.to_stage)

    @property
    def reason(self) -> str:
        """The reason printed in the 新旧対照表."""
        return self.note or f"{self.rule.label}（{self.evidence}）"

    def accepted(self, note: str = "", origin: ChangeOrigin | None = None) -> Proposal:
        """The same proposal, accepted on a 改訂案 row with HQ's comment."""
        return replace(self, note=note, origin=origin)


def propose_transitions(
    plan: Plan,
    grades: Iterable[MeasureGrade] = (),
    fiscal_year: int | None = None,
    *,
    rules: GradeRules | None = None,
) -> list[Proposal]:
    """The transitions the rules propose after an evaluated fiscal year, in plan order.

    :param plan: the plan with the year's actuals and milestone statuses.
    :param grades: the year's grades (`grading.grade_plan`); their KPI assessments are reused.
    :param fiscal_year: the evaluated year (default: the plan's `evaluated_fy`).
    :param rules: the grade rules that decide "at its target" (default: Akita's).
    """
    year = fiscal_year or plan.evaluated_fy
    rules = rules or GradeRules()
    graded = {g.measure_id: g for g in grades if g.fiscal_year == year}
    proposals = []
    for measure in plan.measures:
        stage = measure.stage_in(year)
        if stage is None or not measure.is_active_in(year + 1) or (year + 1) in measure.stages:
            continue
        found = _propose(measure, stage, year, rules, graded.get(measure.measure_id))
        if found is not None:
            to_stage, rule, evidence = found
            proposals.append(Proposal(measure.measure_id, measure.name, stage, to_stage, rule, evidence))
    return proposals


def _propose(
    measure: Measure, stage: Stage, year: int, rules: GradeRules, grade: MeasureGrade | None
) -> tuple[Stage, ProposalRule, str] | None:
    if stage in (Stage.BUILD, Stage.STABLE_RENOVATING):
        milestones = measure.milestones
        if milestones and all(m.status is MilestoneStatus.DONE for m in milestones):
            rule = ProposalRule.BUILT if stage is Stage.BUILD else ProposalRule.RENOVATED
            evidence = f"工程{len(milestones)}件すべて完了"
            if not any(k.target is not None for k in measure.kpis):  # the next stage is managed by KPI
                evidence += "、評価指標（目標値）は未設定"
            return (Stage.EXPAND if stage is Stage.BUILD else Stage.ADAPT), rule, evidence
        return None
    now = _assessments(measure, year, rules, grade)
    kpis = measure.kpis
    if stage is Stage.STABLE:
        below = [k for k in kpis if _below_target(now[k.kpi_id])]
        if below:
            return Stage.ADAPT, ProposalRule.BELOW_TARGET, _evidence(below, year, with_previous=False)
        return None
    if stage not in (Stage.EXPAND, Stage.ADAPT):
        return None
    if stage is Stage.EXPAND and not any(k.target is not None for k in kpis):
        names = "、".join(f"「{k.name}」" for k in kpis)
        return Stage.BUILD, ProposalRule.NO_TARGET, f"目標値が未設定の指標: {names}" if kpis else "評価指標なし"
    if not kpis or not all(now[k.kpi_id].outcome is KpiOutcome.REACHED for k in kpis):
        return None
    if stage is Stage.ADAPT:
        return Stage.EXPAND, ProposalRule.ADAPT_RECOVERED, _evidence(kpis, year, with_previous=False)
    if all(assess_kpi(k, year - 1, rules).outcome is KpiOutcome.REACHED for k in kpis):
        return Stage.STABLE, ProposalRule.TARGET_HELD, _evidence(kpis, year, with_previous=True)
    return None


def _assessments(
    measure: Measure, year: int, rules: GradeRules, grade: MeasureGrade | None
) -> Mapping[str, KpiAssessment]:
    """The year's KPI assessments: the grade's own when it has them, else the same engine's."""
    found = {a.kpi_id: a for a in grade.kpis} if grade is not None else {}
    return {k.kpi_id: found.get(k.kpi_id) or assess_kpi(k, year, rules) for k in measure.kpis}


def _below_target(assessment: KpiAssessment) -> bool:
    """True when an actual and a target were both there and the actual fell short."""
    if assessment.outcome is not None:
        return assessment.outcome is not KpiOutcome.REACHED
    return assessment.label == KpiGap.NO_BASELINE.value  # short of the target, no baseline to compare


def _evidence(kpis: Iterable[Kpi], year: int, *, with_previous: bool) -> str:
    parts = []
    for kpi in kpis:
        text = f"{kpi.name}: {fy_label(year)} {_shown(kpi.actuals.get(year), kpi.unit)}"
        if with_previous:
            text += f"、{fy_label(year - 1)} {_shown(kpi.actuals.get(year - 1), kpi.unit)}"
        parts.append(f"{text}、目標値 {_shown(kpi.target, kpi.unit)}")
    return "／".join(parts)


def _shown(value: float | None, unit: str) -> str:
    return "（なし）" if value is None else f"{format_number(value)}{unit}"


def format_number(value: float) -> str:
    """A number as people write it: 230.0 → 230, 22.6 → 22.6, 12500 → 12,500."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6f}".rstrip("0").rstrip(".")
