"""The A–D engine, rule by rule: KPI (direction, ties, flat, several KPIs, gaps), schedule, basis."""

from __future__ import annotations

import datetime as dt

import pytest

from xlplan.core.enums import Aggregation, Basis, Direction, Grade, MilestoneStatus, Stage
from xlplan.core.fiscal import YearMonth
from xlplan.core.grading import KpiGap, grade_measure
from xlplan.core.grading.rules import GradeRules, KpiOutcome, KpiRules, KpiTarget, ScheduleRules
from xlplan.core.model import BasisOverride, Kpi, Measure, Milestone

FY = 2024
RULES = GradeRules()
DONE, DOING, PREP, TODO = (
    MilestoneStatus.DONE,
    MilestoneStatus.IN_PROGRESS,
    MilestoneStatus.PREPARING,
    MilestoneStatus.NOT_STARTED,
)


def kpi(
    baseline: float | None,
    target: float | None,
    actual: float | None,
    *,
    lower: bool = False,
    number: int = 1,
    cumulative: bool = False,
    reference: float | None = None,
    yearly: float | None = None,
    name: str = "指標",
) -> Kpi:
    return Kpi(
        kpi_id=f"M-001-K{number}",
        measure_id="M-001",
        name=name,
        aggregation=Aggregation.CUMULATIVE if cumulative else Aggregation.ANNUAL,
        direction=Direction.LOWER if lower else Direction.HIGHER,
        baseline=baseline,
        target=target,
        actuals={FY: actual} if actual is not None else {},
        reference={FY: reference} if reference is not None else {},
        yearly_targets={FY: yearly} if yearly is not None else {},
    )


def measure(stage: Stage | None = Stage.EXPAND, *, kpis=(), milestones=(), self_grade=None, override=None) -> Measure:
    return Measure(
        measure_id="M-001",
        name="施策",
        stages={FY: stage} if stage else {},
        basis_overrides={FY: override} if override else {},
        self_grades={FY: Grade(self_grade)} if self_grade else {},
        kpis=tuple(kpis),
        milestones=tuple(milestones),
    )


def ms(due: str, status: MilestoneStatus, name: str = "工程") -> Milestone:
    return Milestone("M-001", name, planned_to=YearMonth.parse(due), status=status)


# One KPI ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "lower", "grade", "label"),
    [
        (21.1, 30.0, 22.6, False, "B", "基準値より改善"),  # M-001 (L1905)
        (149, 155, 157, False, "A", "目標達成"),  # M-009: beyond the target
        (20, 20, 20, False, "A", "目標達成"),  # M-040: tie at the target (baseline = target)
        (7, 10, 10, False, "A", "目標達成"),  # M-003: tie at the target
        (2, 3, 2, False, "C", "横ばい"),  # M-005: ±0
        (0, 1, 0, False, "C", "横ばい"),  # M-049: zero baseline, ±0
        (84, 86, 83, False, "D", "基準値より悪化"),  # M-060
        (95.4, 100, 84.8, False, "D", "基準値より悪化"),  # M-065
        (120, 60, 55, True, "A", "目標達成"),  # lower is better: below the target
        (120, 60, 60, True, "A", "目標達成"),  # lower is better: tie
        (120, 60, 90, True, "B", "基準値より改善"),
        (120, 60, 120, True, "C", "横ばい"),
        (120, 60, 130, True, "D", "基準値より悪化"),
        (0.1, 0.3, 0.30000000001, False, "A", "目標達成"),  # equal to 9 decimals: both engines round
        (0.1, 0.3, 0.29999999999, False, "A", "目標達成"),
        (0.1, 0.3, 0.2999999, False, "B", "基準値より改善"),
    ],
)
def test_one_kpi(baseline, target, actual, lower, grade, label):
    result = grade_measure(measure(kpis=[kpi(baseline, target, actual, lower=lower)]), FY, RULES)
    assert result.grade == Grade(grade)
    assert result.basis is Basis.KPI
    assert [(a.grade, a.label) for a in result.kpis] == [(Grade(grade), label)]
    assert result.trace.endswith(f"→ {grade}（年度の値で比較" + ("。低いほど良い指標）" if lower else "）"))


def test_the_trace_reads_like_the_report():
    result = grade_measure(measure(kpis=[kpi(21.1, 30.0, 22.6, reference=43.8)]), FY, RULES)
    assert result.trace == (
        "段階2（拡大期）: 評価指標で評価。実績値 22.6 は基準値 21.1 より改善、目標値 30.0 未達 → B"
        "（年度の値で比較。参考値 43.8 は評価に使わない）"
    )
    assert result.summary == "評価指標1件: 達成0・改善1・横ばい0・悪化0"


def test_a_reference_value_never_grades():
    # the reference (43.8) is above the target; only the actual (22.6) counts
    [assessment] = grade_measure(measure(kpis=[kpi(21.1, 30.0, 22.6, reference=43.8)]), FY, RULES).kpis
    assert assessment.grade is Grade.B


def test_cumulative_and_lower_is_better_are_explained():
    [a] = grade_measure(measure(kpis=[kpi(5722, 24000, 21408, cumulative=True)]), FY, RULES).kpis
    assert a.trace == "実績値 21,408 は基準値 5,722 より改善、目標値 24,000 未達 → B（累計値で比較）"
    [b] = grade_measure(measure(kpis=[kpi(120, 60, 130, lower=True)]), FY, RULES).kpis
    assert b.trace == "実績値 130 は基準値 120 より悪化、目標値 60 未達 → D（年度の値で比較。低いほど良い指標）"


def test_a_yearly_target_does_not_grade_under_akita_rules():
    # M-008: 21,408 friends beat the FY2024 target 16,000 but not the end-of-plan 24,000 → B (L2120)
    result = grade_measure(measure(kpis=[kpi(5722, 24000, 21408, cumulative=True, yearly=16000)]), FY, RULES)
    assert result.grade is Grade.B
    assert "年度目標値 16,000 ではなく計画終了時点の目標値で判定" in result.trace


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "gap"),
    [
        (21.1, 30.0, None, KpiGap.NO_ACTUAL),
        (21.1, None, 22.6, KpiGap.NO_TARGET),
        (None, 30.0, 22.6, KpiGap.NO_BASELINE),
        (None, None, None, KpiGap.NO_ACTUAL),
    ],
)
def test_missing_values_leave_the_kpi_ungraded(baseline, target, actual, gap):
    result = grade_measure(measure(kpis=[kpi(baseline, target, actual)]), FY, RULES)
    assert result.grade is None
    [assessment] = result.kpis
    assert (assessment.grade, assessment.outcome, assessment.label) == (None, None, gap.value)
    assert "判定できません" in result.trace
    assert result.summary == "評価指標1件: 達成0・改善0・横ばい0・悪化0・判定不可1"


def test_a_reached_target_needs_no_baseline():
    result = grade_measure(measure(kpis=[kpi(None, 30.0, 31.0)]), FY, RULES)
    assert result.grade is Grade.A


# Several KPIs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "grade", "why"),
    [
        # M-010 (L2188): Facebook and Instagram reached, X improved → B
        (
            [(1931, 1950, 1955), (14116, 15000, 14648), (14776, 16000, 16452)],
            "B",
            "3指標中2指標が目標達成（一部達成） → B",
        ),
        ([(1, 2, 2), (5, 6, 7)], "A", "全2指標が目標達成 → A"),
        ([(1, 5, 2), (5, 9, 4)], "B", "目標達成の指標はないが、基準値より改善した指標がある → B"),
        ([(1, 5, 1), (5, 9, 4)], "C", "改善した指標はなく、横ばいの指標がある → C"),
        ([(3, 5, 1), (5, 9, 4)], "D", "すべての指標が基準値より悪化 → D"),
    ],
)
def test_several_kpis(figures, grade, why):
    kpis = [kpi(b, t, a, number=n, name=f"指標{n}") for n, (b, t, a) in enumerate(figures, start=1)]
    result = grade_measure(measure(kpis=kpis), FY, RULES)
    assert result.grade == Grade(grade)
    assert result.trace.endswith(why)
    assert "［K1 指標1］" in result.trace and "［K2 指標2］" in result.trace


def test_several_kpis_one_ungraded_leaves_the_measure_ungraded():
    result = grade_measure(measure(kpis=[kpi(1, 2, 2), kpi(1, 2, None, number=2)]), FY, RULES)
    assert result.grade is None
    assert [a.grade for a in result.kpis] == [Grade.A, None]
    assert result.summary == "評価指標2件: 達成1・改善0・横ばい0・悪化0・判定不可1"


def test_a_kpi_measure_without_kpis_is_not_graded():
    result = grade_measure(measure(), FY, RULES)
    assert (result.grade, result.summary) == (None, "評価指標が未入力")


# Schedule --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("milestones", "grade", "summary"),
    [
        ([("2024-09", DONE), ("2025-03", DONE)], "A", "工程2件: 完了2・遅れ0・未着手0"),
        ([("2025-09", TODO), ("2026-03", TODO)], "D", "工程2件: 完了0・遅れ0・未着手2"),
        ([("2024-09", TODO), ("2026-03", TODO)], "D", "工程2件: 完了0・遅れ1・未着手2"),  # nothing started wins
        ([("2025-03", DONE), ("2027-03", DOING)], "B", "工程2件: 完了1・遅れ0・未着手0"),  # M-007
        ([("2025-03", DOING)], "B", "工程1件: 完了0・遅れ0・未着手0"),  # due this very month: not late
        ([("2025-02", DOING), ("2027-03", DOING)], "C", "工程2件: 完了0・遅れ1・未着手0"),
        ([("2024-09", TODO), ("2027-03", DOING)], "C", "工程2件: 完了0・遅れ1・未着手1"),
        ([("2025-03", DONE), ("2026-03", PREP)], "B", "工程2件: 完了1・遅れ0・未着手0"),  # M-006
        ([("2025-03", DONE), ("2026-03", TODO), ("2027-03", TODO)], "B", "工程3件: 完了1・遅れ0・未着手2"),  # M-031
    ],
)
def test_schedule(milestones, grade, summary):
    items = [ms(due, status, f"工程{n}") for n, (due, status) in enumerate(milestones, start=1)]
    result = grade_measure(measure(Stage.BUILD, milestones=items), FY, RULES)
    assert (result.grade, result.basis, result.summary) == (Grade(grade), Basis.SCHEDULE, summary)
    assert result.trace.endswith("（評価基準日 令和7年3月31日）")


def test_an_overdue_milestone_is_named_in_the_trace():
    items = [ms("2024-09", DOING, "基本設計"), ms("2027-03", DOING, "移行")]
    result = grade_measure(measure(Stage.STABLE_RENOVATING, milestones=items), FY, RULES)
    assert result.grade is Grade.C
    assert "「基本設計」（予定 令和6年9月、実施中）" in result.trace


def test_the_evaluation_date_moves_the_schedule_grade():
    items = [ms("2024-09", DOING)]
    assert grade_measure(measure(Stage.BUILD, milestones=items), FY, RULES).grade is Grade.C
    early = grade_measure(measure(Stage.BUILD, milestones=items), FY, RULES, evaluation_date=dt.date(2024, 9, 30))
    assert early.grade is Grade.B
    assert "令和6年9月30日" in early.trace


def test_a_schedule_measure_without_milestones_is_not_graded():
    result = grade_measure(measure(Stage.BUILD), FY, RULES)
    assert (result.grade, result.summary) == (None, "工程が未入力")


# Basis -----------------------------------------------------------------------------------------


def test_override_grades_a_stage_two_measure_by_schedule_and_records_why():
    # M-012 (L2253–2257): stage 2 without targets, graded by stage-1 schedule rules → B
    reason = "構築段階で目標値を設定できず、段階1の基準で評価"
    result = grade_measure(
        measure(
            Stage.EXPAND,
            kpis=[kpi(None, None, None)],
            milestones=[ms("2027-03", DOING)],
            override=BasisOverride(Basis.SCHEDULE, reason),
            self_grade="B",
        ),
        FY,
        RULES,
    )
    assert (result.stage, result.basis, result.grade, result.override_reason) == (
        Stage.EXPAND,
        Basis.SCHEDULE,
        Grade.B,
        reason,
    )
    assert result.trace.startswith(f"段階2（拡大期）だがスケジュールで評価（変更理由: {reason}）。")
    assert not result.mismatch


@pytest.mark.parametrize(
    ("stage", "summary"), [(Stage.STABLE, "評価対象外（段階3）"), (Stage.NEXT_SYSTEM, "評価対象外（段階5）")]
)
def test_stages_three_and_five_are_not_graded(stage, summary):
    result = grade_measure(measure(stage, kpis=[kpi(1, 2, 2)]), FY, RULES)
    assert (result.basis, result.grade, result.summary) == (Basis.NONE, None, summary)
    assert result.trace == f"{stage.label}は評価対象外のため評価しません"


def test_no_stage_for_the_year_is_not_graded():
    result = grade_measure(measure(None, kpis=[kpi(1, 2, 2)]), FY, RULES)
    assert (result.stage, result.basis, result.grade, result.summary) == (None, None, None, "段階が未入力")
    assert result.trace == "令和6年度のライフサイクル段階が未入力のため判定できません"


@pytest.mark.parametrize(("self_grade", "mismatch"), [("B", False), ("C", True), (None, False)])
def test_mismatch_with_the_self_grade(self_grade, mismatch):
    result = grade_measure(measure(kpis=[kpi(21.1, 30.0, 22.6)], self_grade=self_grade), FY, RULES)
    assert result.self_grade == (Grade(self_grade) if self_grade else None)
    assert result.mismatch is mismatch


def test_a_self_grade_where_no_grade_can_be_computed_is_a_mismatch():
    assert grade_measure(measure(Stage.STABLE, self_grade="A"), FY, RULES).mismatch is True


# Other rules ----------------------------------------------------------------------------------


def test_other_rules_change_the_cutoffs():
    rules = GradeRules(
        kpi=KpiRules(target=KpiTarget.YEARLY, reached_band=0.05, flat_band=0.05, partly_reached=Grade.C),
        schedule=ScheduleRules(overdue=Grade.D),
        stage_basis={**RULES.stage_basis, Stage.STABLE: Basis.KPI},
    )
    yearly = kpi(5722, 24000, 21408, cumulative=True, yearly=16000)
    assert grade_measure(measure(kpis=[yearly]), FY, rules).grade is Grade.A  # the year's own target
    assert grade_measure(measure(kpis=[kpi(100, 200, 191)]), FY, rules).grade is Grade.A  # within 5 % of it
    assert grade_measure(measure(kpis=[kpi(100, 200, 104)]), FY, rules).grade is Grade.C  # within 5 % of 100
    assert grade_measure(measure(kpis=[kpi(100, 200, 106)]), FY, rules).grade is Grade.B
    several = [kpi(1, 2, 2), kpi(1, 5, 3, number=2)]
    assert grade_measure(measure(kpis=several), FY, rules).grade is Grade.C  # partly reached → C here
    late = [ms("2024-09", DOING)]
    assert grade_measure(measure(Stage.BUILD, milestones=late), FY, rules).grade is Grade.D
    assert grade_measure(measure(Stage.STABLE, kpis=[kpi(1, 2, 2)]), FY, rules).grade is Grade.A
    [within] = grade_measure(measure(kpis=[kpi(100, 200, 191)]), FY, rules).kpis
    assert within.outcome is KpiOutcome.REACHED
    assert "実績値 191 は目標値 200 に届かないが、差が5%以内のため達成とみなす → A" in within.trace
    [flat] = grade_measure(measure(kpis=[kpi(100, 200, 104)]), FY, rules).kpis
    assert flat.trace.startswith("実績値 104 は基準値 100 から±5%以内（横ばい）、目標値 200 未達 → C")
