"""Akita's rules on the sample: what the report's own numbers prove, and what rests on our milestones.

On `as-published` (only the report's facts) the 44 KPI grades are recomputed from the
report's baselines, targets and actuals and equal the published letters; the 23 schedule
grades cannot be computed, because the report publishes no milestones. On `worked` the
schedule grades equal the published ones because the transcriber chose the milestones so
(`constructed` in the data): that is a check of the construction, not of the city's grades.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from xlplan.core.enums import Basis, Grade, MilestoneStatus, Stage
from xlplan.core.fiscal import YearMonth
from xlplan.core.grading import grade_measure, grade_plan
from xlplan.io.rules_file import load_rules
from xlplan.sample import AS_PUBLISHED, WORKED, load_sample_plan

PLAN = load_sample_plan(WORKED)
AS_PUBLISHED_PLAN = load_sample_plan(AS_PUBLISHED)
RULES = load_rules()
FY = PLAN.evaluated_fy
PUBLISHED = [m for m in AS_PUBLISHED_PLAN.measures if FY in m.self_grades]
KPI_GRADED = [m for m in PUBLISHED if m.basis_in(FY) is Basis.KPI]
SCHEDULE_GRADED = [m for m in PUBLISHED if m.basis_in(FY) is Basis.SCHEDULE]


def test_the_sample_publishes_44_kpi_grades_and_the_rest_by_schedule():
    assert len(PUBLISHED) == 67  # M-067 was not graded (評価未実施, L3803)
    assert len(KPI_GRADED) == 44
    assert len(SCHEDULE_GRADED) == 23
    assert "M-012" in {m.measure_id for m in SCHEDULE_GRADED}  # stage 2, graded by schedule rules


@pytest.mark.parametrize("measure", KPI_GRADED, ids=lambda m: m.measure_id)
def test_every_published_kpi_grade_is_recomputed_from_the_reports_own_numbers(measure):
    result = grade_measure(measure, FY, RULES)  # as published: nothing of ours in a KPI grade
    assert result.basis is Basis.KPI
    assert result.grade == measure.self_grades[FY], result.trace
    assert not result.mismatch


@pytest.mark.parametrize("measure", SCHEDULE_GRADED, ids=lambda m: m.measure_id)
def test_as_published_a_schedule_grade_cannot_be_computed_without_milestones(measure):
    result = grade_measure(measure, FY, RULES)
    assert (result.basis, result.grade, result.summary) == (Basis.SCHEDULE, None, "工程が未入力")
    assert "工程（マイルストーン）が登録されていないため判定できません" in result.trace


@pytest.mark.parametrize("measure_id", [m.measure_id for m in SCHEDULE_GRADED])
def test_worked_schedule_grades_follow_from_constructed_milestones(measure_id):
    measure = PLAN.measure(measure_id)
    assert measure.milestones  # built by the transcriber: the data marks them constructed (test_sample)
    result = grade_measure(measure, FY, RULES)
    assert result.basis is Basis.SCHEDULE
    assert result.grade == measure.self_grades[FY], result.trace


def test_grade_plan_counts_on_both_variants():
    for plan, expected, unverified in (
        (PLAN, {"A": 18, "B": 43, "C": 4, "D": 2}, 0),  # equal to the published letters (L1905–L3838)
        # the 44 KPI grades only; the 23 schedule self-grades cannot be verified (要確認)
        (AS_PUBLISHED_PLAN, {"A": 13, "B": 25, "C": 4, "D": 2}, 23),
    ):
        grades = grade_plan(plan, RULES)
        assert [g.measure_id for g in grades] == [m.measure_id for m in plan.measures]
        letters = [g.grade.value for g in grades if g.grade]
        assert {letter: letters.count(letter) for letter in "ABCD"} == expected
        assert sum(g.mismatch for g in grades) == unverified
        assert all(g.grade is None for g in grades if g.mismatch)  # no computed grade differs from its self-grade


# The sample publishes no schedule grade C or D: these branches get cases of their own, on real
# measures with milestones changed (the dates and statuses below are made up for the test).
def test_schedule_rule_c_a_milestone_past_due_and_not_done():
    measure = PLAN.measure("M-053")
    [plan_made] = measure.milestones
    late = replace(plan_made, status=MilestoneStatus.IN_PROGRESS, completed_on=None)  # due 2024-06, not done
    result = grade_measure(replace(measure, milestones=(late,)), FY, RULES)
    assert (result.grade, result.summary) == (Grade.C, "工程1件: 完了0・遅れ1・未着手0")
    assert "予定時期を過ぎて未完了の工程がある" in result.trace and "（予定 令和6年6月、実施中）" in result.trace


def test_schedule_rule_c_needs_the_due_month_to_be_over():
    measure = PLAN.measure("M-053")
    [plan_made] = measure.milestones
    due_now = replace(plan_made, planned_to=YearMonth(2025, 3), status=MilestoneStatus.IN_PROGRESS, completed_on=None)
    assert grade_measure(replace(measure, milestones=(due_now,)), FY, RULES).grade is Grade.B


def test_schedule_rule_d_every_milestone_not_started():
    measure = PLAN.measure("M-066")
    running, trial = measure.milestones
    idle = (
        replace(running, status=MilestoneStatus.NOT_STARTED),
        replace(trial, status=MilestoneStatus.NOT_STARTED, completed_on=None, planned_to=YearMonth(2024, 12)),
    )
    result = grade_measure(replace(measure, milestones=idle), FY, RULES)
    assert (result.grade, result.summary) == (Grade.D, "工程2件: 完了0・遅れ1・未着手2")  # nothing started beats late
    assert "すべての工程が未着手" in result.trace
    one_started = (replace(idle[0], status=MilestoneStatus.PREPARING), idle[1])
    assert grade_measure(replace(measure, milestones=one_started), FY, RULES).grade is Grade.C  # started, one late


@pytest.mark.parametrize(
    ("measure_id", "grade", "trace"),
    [
        (
            "M-001",
            Grade.B,
            "段階2（拡大期）: 評価指標で評価。実績値 22.6 は基準値 21.1 より改善、目標値 30.0 未達 → B"
            "（年度の値で比較。参考値 43.8 は評価に使わない）",
        ),
        (
            "M-010",
            Grade.B,
            "段階4（環境変化対応期）: 評価指標で評価。"
            "［K1 各種SNSのフォロワー数（Facebook）］実績値 1,955 は目標値 1,950 以上で達成 → A（累計値で比較）／"
            "［K2 各種SNSのフォロワー数（X）］"
            "実績値 14,648 は基準値 14,116 より改善、目標値 15,000 未達 → B（累計値で比較）／"
            "［K3 各種SNSのフォロワー数（Instagram）］実績値 16,452 は目標値 16,000 以上で達成 → A（累計値で比較）。"
            "3指標中2指標が目標達成（一部達成） → B",
        ),
        (
            "M-040",
            Grade.A,
            "段階2（拡大期）: 評価指標で評価。実績値 20 は目標値 20 に到達（達成） → A（年度の値で比較）",
        ),
        (
            "M-060",
            Grade.D,
            "段階2（拡大期）: 評価指標で評価。実績値 83 は基準値 84 より悪化、目標値 86 未達 → D（年度の値で比較）",
        ),
        (
            "M-053",
            Grade.A,
            "段階1（構築期）: スケジュールで評価。工程1件（完了1・着手済み未完了0・未着手0）。"
            "すべての工程が完了（構築完了） → A（評価基準日 令和7年3月31日）",
        ),
    ],
)
def test_traces_of_real_measures(measure_id, grade, trace):
    result = grade_measure(PLAN.measure(measure_id), FY, RULES)
    assert (result.grade, result.trace) == (grade, trace)


def test_the_override_of_m012_is_recorded():
    result = grade_measure(PLAN.measure("M-012"), FY, RULES)
    assert (result.stage, result.basis, result.grade) == (Stage.EXPAND, Basis.SCHEDULE, Grade.B)
    assert "段階1（スケジュール管理）の基準で評価" in result.override_reason


def test_the_measure_without_a_target_is_left_ungraded():
    result = grade_measure(PLAN.measure("M-067"), FY, RULES)
    assert (result.grade, result.self_grade, result.mismatch) == (None, None, False)
    assert result.summary == "評価指標1件: 達成0・改善0・横ばい0・悪化0・判定不可1"
