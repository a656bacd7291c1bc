"""The A–D grade engine (pure): the stage picks the basis, the basis picks the rule.

Stages 1 and 3・4 are graded by schedule (milestones against the evaluation date), 2 and 4 by
KPI (actual against target and baseline), 3 and 5 not at all; a `BasisOverride` records a
measure graded on another basis (the seed's stage-2 measure without targets, L2253). The
cut-offs come from `GradeRules` (data, Akita's by default). Every grade carries a Japanese
trace, e.g. 「実績値 22.6 は基準値 21.1 より改善、目標値 30.0 未達 → B」.

The section workbook computes the same grades with Excel formulas
(`xlplan.io.grade_formulas`); both sides compare differences rounded to 9 decimals so that
binary floating point never splits them. `KpiAssessment.label` and `MeasureGrade.summary`
are the exact texts the workbook's 評価の根拠 cells show.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ..enums import Aggregation, Basis, Grade, MilestoneStatus, Stage
from ..fiscal import fiscal_year_end, fy_label
from ..model import BasisOverride, Kpi, Measure, Milestone, Plan
from .rules import GradeRules, KpiOutcome, KpiRules, KpiTarget, ScheduleOutcome

__all__ = [
    "GradeRules",
    "KpiAssessment",
    "KpiGap",
    "KpiOutcome",
    "MeasureGrade",
    "ScheduleOutcome",
    "assess_kpi",
    "date_label",
    "grade_measure",
    "grade_plan",
    "is_overdue",
]

ROUNDING = 9  # decimals both engines round a difference to before comparing it with zero
_STARTED = (MilestoneStatus.PREPARING, MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE)


class KpiGap(StrEnum):
    """Why a KPI cannot be graded; the value is the short label shown in the workbook."""

    NO_ACTUAL = "実績値が未入力"
    NO_TARGET = "目標値が未入力"
    NO_BASELINE = "基準値が未入力"


@dataclass(frozen=True)
class KpiAssessment:
    """The grade of one KPI (None when it cannot be graded) and why."""

    kpi_id: str
    grade: Grade | None
    trace: str
    outcome: KpiOutcome | None = None
    label: str = ""  # the short reason the workbook shows: an outcome or a gap


@dataclass(frozen=True)
class MeasureGrade:
    """The computed grade of one measure in one fiscal year, with its trace."""

    measure_id: str
    fiscal_year: int
    stage: Stage | None
    basis: Basis | None
    grade: Grade | None
    self_grade: Grade | None
    trace: str
    kpis: tuple[KpiAssessment, ...]
    override_reason: str = ""
    summary: str = ""  # the short reason the workbook shows in 評価の根拠

    @property
    def mismatch(self) -> bool:
        """True when a self-grade was given and differs from the computed grade."""
        return self.self_grade is not None and self.self_grade != self.grade


def grade_plan(plan: Plan, rules: GradeRules, *, fiscal_year: int | None = None) -> list[MeasureGrade]:
    """Grade every measure of a plan, in plan order.

    :param plan: the plan.
    :param rules: the grade rules.
    :param fiscal_year: the evaluated year (default: the plan's `evaluated_fy`).
    """
    year = fiscal_year or plan.evaluated_fy
    return [grade_measure(m, year, rules) for m in plan.measures]


def grade_measure(
    measure: Measure,
    fiscal_year: int,
    rules: GradeRules,
    *,
    evaluation_date: dt.date | None = None,
) -> MeasureGrade:
    """Grade one measure for one fiscal year.

    :param measure: the measure with its stages, KPIs and milestones.
    :param fiscal_year: the evaluated fiscal year.
    :param rules: the grade rules.
    :param evaluation_date: the day milestones are judged at (default: 31 March closing the year).
    """
    stage = measure.stage_in(fiscal_year)
    override = measure.basis_overrides.get(fiscal_year)
    basis, grade, trace, summary, kpis = _decide(
        measure, fiscal_year, rules, evaluation_date or fiscal_year_end(fiscal_year), stage, override
    )
    return MeasureGrade(
        measure_id=measure.measure_id,
        fiscal_year=fiscal_year,
        stage=stage,
        basis=basis,
        grade=grade,
        self_grade=measure.self_grades.get(fiscal_year),
        trace=trace,
        kpis=kpis,
        override_reason=override.reason if override else "",
        summary=summary,
    )


_Decision = tuple[Basis | None, Grade | None, str, str, tuple[KpiAssessment, ...]]


def _decide(
    measure: Measure,
    fiscal_year: int,
    rules: GradeRules,
    day: dt.date,
    stage: Stage | None,
    override: BasisOverride | None,
) -> _Decision:
    """Basis, grade, trace, summary and KPI assessments of one measure."""
    if override is not None:
        basis = override.basis
    elif stage is not None:
        basis = rules.basis_for(stage)
    else:
        return (
            None,
            None,
            f"{fy_label(fiscal_year)}のライフサイクル段階が未入力のため判定できません",
            "段階が未入力",
            (),
        )
    head = _basis_head(stage, basis, override.reason if override else None)
    if basis is Basis.NONE:
        shown = stage.value if stage else ""
        return basis, None, f"{head}評価対象外のため評価しません", f"評価対象外（段階{shown}）", ()
    if basis is Basis.KPI:
        assessments = tuple(assess_kpi(k, fiscal_year, rules) for k in measure.kpis)
        grade, trace, summary = _combine_kpis(measure.kpis, assessments, rules.kpi)
        return basis, grade, head + trace, summary, assessments
    grade, trace, summary = _grade_schedule(measure.milestones, day, rules)
    return basis, grade, head + trace, summary, ()


def _basis_head(stage: Stage | None, basis: Basis, reason: str | None) -> str:
    stage_text = stage.label if stage else "段階未入力"
    how = "評価指標で評価" if basis is Basis.KPI else "スケジュールで評価" if basis is Basis.SCHEDULE else ""
    if reason is not None:
        because = f"（変更理由: {reason}）" if reason else "（変更理由の記載なし）"
        if basis is Basis.NONE:
            return f"{stage_text}だが評価方法を変更{because}。"
        return f"{stage_text}だが{how}{because}。"
    if basis is Basis.NONE:
        return f"{stage_text}は"
    return f"{stage_text}: {how}。"


# KPI ------------------------------------------------------------------------------------------


def assess_kpi(kpi: Kpi, fiscal_year: int, rules: GradeRules) -> KpiAssessment:
    """Grade one KPI for a fiscal year against its target, then its baseline (direction-aware).

    Reached (the target or beyond) → A; else better than the baseline → B, flat → C, worse → D
    (letters and bands from `rules.kpi`). A reference value (参考値) never drives the grade.
    """
    kr = rules.kpi
    actual = kpi.actuals.get(fiscal_year)
    yearly = kpi.yearly_targets.get(fiscal_year)
    use_yearly = kr.target is KpiTarget.YEARLY and yearly is not None
    target = yearly if use_yearly else kpi.target
    target_name = "年度目標値" if use_yearly else "目標値"
    fmt = _formatter(kpi.baseline, target, actual, yearly)
    notes = _kpi_notes(kpi, fiscal_year, kr, use_yearly, fmt)

    def gap(which: KpiGap, text: str) -> KpiAssessment:
        return KpiAssessment(kpi.kpi_id, None, f"{text}ため判定できません{notes}", None, which.value)

    if actual is None:
        return gap(KpiGap.NO_ACTUAL, "実績値が未入力の")
    if target is None:
        return gap(KpiGap.NO_TARGET, f"実績値 {fmt(actual)} だが、目標値が未入力の")
    sign = -1 if kpi.lower_is_better else 1
    if round(sign * (actual - target) + kr.reached_band * abs(target), ROUNDING) >= 0:
        beyond = round(sign * (actual - target), ROUNDING)
        if beyond == 0:
            how = f"{target_name} {fmt(target)} に到達（達成）"
        elif beyond > 0:
            how = f"{target_name} {fmt(target)} {'以下' if sign < 0 else '以上'}で達成"
        else:
            how = f"{target_name} {fmt(target)} に届かないが、差が{kr.reached_band:.0%}以内のため達成とみなす"
        return _assessed(kpi, KpiOutcome.REACHED, f"実績値 {fmt(actual)} は{how}", kr, notes)
    short = f"{target_name} {fmt(target)} 未達"
    baseline = kpi.baseline
    if baseline is None:
        return gap(KpiGap.NO_BASELINE, f"実績値 {fmt(actual)} は{short}で、基準値が未入力の")
    if round(abs(actual - baseline) - kr.flat_band * abs(baseline), ROUNDING) <= 0:
        band = f"から±{kr.flat_band:.0%}以内（横ばい）" if actual != baseline else "と同じ（横ばい）"
        return _assessed(
            kpi, KpiOutcome.FLAT, f"実績値 {fmt(actual)} は基準値 {fmt(baseline)} {band}、{short}", kr, notes
        )
    if sign * (actual - baseline) > 0:
        return _assessed(
            kpi, KpiOutcome.IMPROVED, f"実績値 {fmt(actual)} は基準値 {fmt(baseline)} より改善、{short}", kr, notes
        )
    return _assessed(
        kpi, KpiOutcome.WORSENED, f"実績値 {fmt(actual)} は基準値 {fmt(baseline)} より悪化、{short}", kr, notes
    )


def _assessed(kpi: Kpi, outcome: KpiOutcome, text: str, kr: KpiRules, notes: str) -> KpiAssessment:
    grade = kr.grade_of(outcome)
    return KpiAssessment(kpi.kpi_id, grade, f"{text} → {grade}{notes}", outcome, outcome.value)


def _kpi_notes(kpi: Kpi, fiscal_year: int, kr: KpiRules, use_yearly: bool, fmt: Callable[[float], str]) -> str:
    notes = ["累計値で比較" if kpi.aggregation is Aggregation.CUMULATIVE else "年度の値で比較"]
    if kpi.lower_is_better:
        notes.append("低いほど良い指標")
    yearly = kpi.yearly_targets.get(fiscal_year)
    if use_yearly and kpi.target is not None:
        notes.append(f"計画終了時の目標値は {fmt(kpi.target)}")
    elif yearly is not None and not use_yearly:
        notes.append(f"年度目標値 {fmt(yearly)} ではなく計画終了時点の目標値で判定")
    if (reference := kpi.reference.get(fiscal_year)) is not None:
        notes.append(f"参考値 {fmt(reference)} は評価に使わない")
    return f"（{'。'.join(notes)}）"


def _combine_kpis(
    kpis: Sequence[Kpi], assessments: Sequence[KpiAssessment], kr: KpiRules
) -> tuple[Grade | None, str, str]:
    """Several KPIs: all reached → reached; some reached → partly reached; else the best outcome."""
    n = len(assessments)
    if n == 0:
        return None, "評価指標が登録されていないため判定できません", "評価指標が未入力"
    counts = {o: sum(1 for a in assessments if a.outcome is o) for o in KpiOutcome}
    ungraded = sum(1 for a in assessments if a.outcome is None)
    summary = (
        f"評価指標{n}件: 達成{counts[KpiOutcome.REACHED]}・改善{counts[KpiOutcome.IMPROVED]}"
        f"・横ばい{counts[KpiOutcome.FLAT]}・悪化{counts[KpiOutcome.WORSENED]}"
    )
    if ungraded:
        summary += f"・判定不可{ungraded}"
    if n == 1:
        [only] = assessments
        return only.grade, only.trace, summary
    parts = "／".join(f"［{_short_id(k)} {k.name}］{a.trace}" for k, a in zip(kpis, assessments, strict=True))
    if ungraded:
        return None, f"{parts}。判定できない指標が{ungraded}件あるため、施策の評価は判定できません", summary
    reached = counts[KpiOutcome.REACHED]
    if reached == n:
        grade, why = kr.reached, f"全{n}指標が目標達成"
    elif reached:
        grade, why = kr.partly_reached, f"{n}指標中{reached}指標が目標達成（一部達成）"
    elif counts[KpiOutcome.IMPROVED]:
        grade, why = kr.improved, "目標達成の指標はないが、基準値より改善した指標がある"
    elif counts[KpiOutcome.FLAT]:
        grade, why = kr.flat, "改善した指標はなく、横ばいの指標がある"
    else:
        grade, why = kr.worsened, "すべての指標が基準値より悪化"
    return grade, f"{parts}。{why} → {grade}", summary


def _short_id(kpi: Kpi) -> str:
    prefix = f"{kpi.measure_id}-"
    return kpi.kpi_id[len(prefix) :] if kpi.kpi_id.startswith(prefix) else kpi.kpi_id


def _formatter(*values: float | None) -> Callable[[float], str]:
    """Show every number of one KPI with the same decimals (30.0 beside 22.6), grouped by thousands."""
    decimals = max((_decimals(v) for v in values if v is not None), default=0)

    def fmt(value: float) -> str:
        return f"{value:,.{decimals}f}"

    return fmt


def _decimals(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


# Schedule -------------------------------------------------------------------------------------


def is_overdue(milestone: Milestone, evaluation_date: dt.date) -> bool:
    """True when a milestone's planned month ended before the evaluation date and it is not 完了."""
    due = milestone.planned_to
    return milestone.status is not MilestoneStatus.DONE and due is not None and due.last_day() < evaluation_date


def _grade_schedule(milestones: Iterable[Milestone], day: dt.date, rules: GradeRules) -> tuple[Grade | None, str, str]:
    items = list(milestones)
    when = f"（評価基準日 {date_label(day)}）"
    n = len(items)
    if n == 0:
        return None, f"工程（マイルストーン）が登録されていないため判定できません{when}", "工程が未入力"
    done = sum(1 for m in items if m.status is MilestoneStatus.DONE)
    started = sum(1 for m in items if m.status in _STARTED)
    late = [m for m in items if is_overdue(m, day)]
    summary = f"工程{n}件: 完了{done}・遅れ{len(late)}・未着手{n - started}"
    counts = f"工程{n}件（完了{done}・着手済み未完了{started - done}・未着手{n - started}）"
    if done == n:
        outcome, why = ScheduleOutcome.ALL_DONE, "すべての工程が完了（構築完了）"
    elif started == 0:
        outcome, why = ScheduleOutcome.NOT_STARTED, "すべての工程が未着手"
    elif late:
        names = "、".join(f"「{m.name}」（予定 {_month(m)}、{m.status}）" for m in late[:3])
        more = f" ほか{len(late) - 3}件" if len(late) > 3 else ""
        outcome, why = ScheduleOutcome.OVERDUE, f"予定時期を過ぎて未完了の工程がある: {names}{more}（計画より遅れ）"
    else:
        outcome, why = ScheduleOutcome.ON_PLAN, "着手済みで、予定時期を過ぎた未完了の工程はない（おおむね計画どおり）"
    grade = rules.schedule.grade_of(outcome)
    return grade, f"{counts}。{why} → {grade}{when}", summary


def _month(milestone: Milestone) -> str:
    return milestone.planned_to.label() if milestone.planned_to else "未入力"


def date_label(day: dt.date) -> str:
    """A day as people read it: 2025-03-31 → 令和7年3月31日."""
    if day.year >= 2019:
        era = day.year - 2018
        return f"令和{'元' if era == 1 else era}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"
