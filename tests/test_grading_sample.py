"""Akita's rules reproduce every grade the city published for FY2024 (the sample plan)."""

from __future__ import annotations

import pytest

from xlplan.core.enums import Basis, Grade, Stage
from xlplan.core.grading import grade_measure, grade_plan
from xlplan.io.rules_file import load_rules
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()
RULES = load_rules()
FY = PLAN.evaluated_fy
PUBLISHED = [m for m in PLAN.measures if FY in m.self_grades]
KPI_GRADED = [m for m in PUBLISHED if m.basis_in(FY) is Basis.KPI]
SCHEDULE_GRADED = [m for m in PUBLISHED if m.basis_in(FY) is Basis.SCHEDULE]


def test_the_sample_publishes_44_kpi_grades_and_the_rest_by_schedule():
    assert len(PUBLISHED) == 67  # M-067 was not graded (評価未実施, L3803)
    assert len(KPI_GRADED) == 44
    assert len(SCHEDULE_GRADED) == 23
    assert "M-012" in {m.measure_id for m in SCHEDULE_GRADED}  # stage 2, graded by schedule rules


@pytest.mark.parametrize("measure", KPI_GRADED, ids=lambda m: m.measure_id)
def test_every_published_kpi_grade_is_reproduced(measure):
    result = grade_measure(measure, FY, RULES)
    assert result.basis is Basis.KPI
    assert result.grade == measure.self_grades[FY], result.trace
    assert not result.mismatch


@pytest.mark.parametrize("measure", SCHEDULE_GRADED, ids=lambda m: m.measure_id)
def test_every_published_schedule_grade_is_reproduced(measure):
    result = grade_measure(measure, FY, RULES)
    assert result.basis is Basis.SCHEDULE
    assert result.grade == measure.self_grades[FY], result.trace


def test_grade_plan_counts_match_the_report():
    grades = grade_plan(PLAN, RULES)
    assert [g.measure_id for g in grades] == [m.measure_id for m in PLAN.measures]
    letters = [g.grade.value for g in grades if g.grade]
    assert {letter: letters.count(letter) for letter in "ABCD"} == {
        "A": 18,
        "B": 43,
        "C": 4,
        "D": 2,
    }  # as published (L1905–L3838)
    assert sum(g.mismatch for g in grades) == 0


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
