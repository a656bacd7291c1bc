"""Three versions of the real plan: 第2.0版 (FY2024) → 第2.1版 (FY2025) → 第2.2版 (FY2026).

2.1 merges the eight 「…システムの標準化」 measures into one (audit opinion 11), adds a
measure for the new budget and moves two stages on the rules' proposals; during FY2025 the
standardisation is finished and a stable measure falls below its target; 2.2 redefines the
video KPI as an outcome (audit opinion 10), moves a target, adds a measure and moves three
stages. Each 新旧対照表 lists exactly those changes, with old value, new value and reason.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from xlplan.core.enums import KpiType, MilestoneStatus, Stage
from xlplan.core.fiscal import YearMonth
from xlplan.core.grading import grade_plan
from xlplan.core.grading.rules import GradeRules
from xlplan.core.model import Measure, Milestone, Plan
from xlplan.core.revision import apply, current_view
from xlplan.core.revision.changes import AddMeasure, ChangeKpi, Changes, MergeMeasures
from xlplan.core.revision.proposals import Proposal, propose_transitions
from xlplan.sample import load_sample_plan

RULES = GradeRules()
STANDARDISATION = tuple(f"M-{n:03d}" for n in range(21, 29))
MERGED_NAME = "自治体情報システムの標準化（標準準拠システムへの移行）"
OPINION_11 = "監査意見11: 施策内容が共通の「標準システムへの移行」であり、スケジュールも重複するため1施策に統合"
ONLINE = (
    "I デジタル化の基礎条件整備",
    "(i) デジタル基盤の整備",
    "ア 地域情報化に係る基盤",
    "(ア) 行政手続のオンライン化",
)
S1, S2, S3, S34, S4 = Stage.BUILD, Stage.EXPAND, Stage.STABLE, Stage.STABLE_RENOVATING, Stage.ADAPT


def accept(proposals: list[Proposal], *measure_ids: str) -> list[Proposal]:
    chosen = [p for p in proposals if p.measure_id in measure_ids]
    assert sorted(p.measure_id for p in chosen) == sorted(measure_ids), "every chosen proposal must be on the list"
    return chosen


def revise(plan: Plan, changes: Changes, accepted_ids: tuple[str, ...], version: str):  # type: ignore[no-untyped-def]
    proposals = propose_transitions(plan, grade_plan(plan, RULES), plan.evaluated_fy, rules=RULES)
    return apply(plan, changes, accept(proposals, *accepted_ids), version)


CHANGES_2_1 = Changes(
    merges=(MergeMeasures("M-069", STANDARDISATION, target_name=MERGED_NAME, reason=OPINION_11),),
    additions=(
        AddMeasure(
            "窓口キャッシュレス決済の導入",
            S1,
            hierarchy=ONLINE,
            primary_section="市民生活部市民課",
            reason="令和7年度当初予算で新規事業化",
        ),
    ),
)


@pytest.fixture(scope="module")
def v2_1():  # type: ignore[no-untyped-def]
    return revise(load_sample_plan(), CHANGES_2_1, ("M-014", "M-035"), "2.1")


def test_2_1_lists_exactly_the_merge_the_addition_and_the_stage_moves(v2_1):
    reason_merge = OPINION_11
    into = f"M-069 {MERGED_NAME}に統合"
    merged = [
        ("統合", m, "", "施策", name, into, reason_merge)
        for m, name in zip(
            STANDARDISATION,
            (
                "基幹系システムの標準化",
                "戸籍システムの標準化",
                "障がい福祉等システムの標準化",
                "生活保護システムの標準化",
                "介護保険事務処理システムの標準化",
                "健康増進情報システムの標準化",
                "子ども・子育て支援システムの標準化",
                "学籍・就学援助システムの標準化",
            ),
            strict=True,
        )
    ]
    assert [r.as_tuple() for r in v2_1.comparison] == [
        ("追加", "M-070", "", "施策", "", "窓口キャッシュレス決済の導入", "令和7年度当初予算で新規事業化"),
        # recorded for FY2025 in 2.0 already; the reason is the one written beside the FY2024 grade
        (
            "段階の変更",
            "M-012",
            "",
            "ライフサイクル段階",
            "段階2（拡大期）",
            "段階1（構築期）",
            "段階2だが構築段階で目標値を設定できず、年度中の見直しにより段階1（スケジュール管理）の基準で評価",
        ),
        (
            "段階の変更",
            "M-014",
            "",
            "ライフサイクル段階",
            "段階1（構築期）",
            "段階2（拡大期）",
            "すべての工程が完了（構築完了）したため拡大期へ移行（工程2件すべて完了、評価指標（目標値）は未設定）",
        ),
        *merged,
        (
            "段階の変更",
            "M-035",
            "",
            "ライフサイクル段階",
            "段階2（拡大期）",
            "段階3（安定期）",
            "目標値を達成し、前年度から達成を維持しているため安定期へ移行"
            "（削減した業務時間: 令和6年度 358時間、令和5年度 246時間、目標値 246時間）",
        ),
    ]
    assert v2_1.findings == ()


def test_2_1_is_the_plan_for_fy2025_with_stable_ids(v2_1):
    plan = v2_1.plan
    assert (plan.version, plan.evaluated_fy) == ("2.1", 2025)
    old = load_sample_plan()
    assert {m.measure_id for m in old.measures} <= {m.measure_id for m in plan.measures}
    assert all(plan.measure(m.measure_id).name == m.name for m in old.measures)
    # the merged measure keeps the IDs it absorbed; they stay in the plan as history, never reused
    merged = plan.measure("M-069")
    assert merged.absorbed_ids == STANDARDISATION
    assert merged.hierarchy == old.measure("M-021").hierarchy
    assert merged.primary_section == "企画財政部情報統計課"
    assert merged.co_sections == (
        "市民生活部市民課",
        "福祉保健部障がい福祉課",
        "福祉保健部保護第二課",
        "福祉保健部介護保険課",
        "保健所保健予防課",
        "子ども未来部子ども育成課",
        "教育委員会学事課",
    )
    assert merged.stages == {2025: S34}
    assert len(merged.milestones) == sum(len(old.measure(m).milestones) for m in STANDARDISATION)
    assert merged.milestones[4].name == "戸籍システムの標準化：秋田市情報システム標準化推進会議への参加"
    for measure_id in STANDARDISATION:
        gone = plan.measure(measure_id)
        assert (gone.merged_into, gone.retired_fy) == ("M-069", 2025)
        assert gone.self_grades == old.measure(measure_id).self_grades  # FY2024 history kept
    # stages for FY2025: accepted proposals, the recorded one, and everyone else carried over
    assert plan.measure("M-014").stages == {2024: S1, 2025: S2}
    assert plan.measure("M-035").stages == {2024: S2, 2025: S3}
    assert plan.measure("M-009").stages == {2024: S4, 2025: S4}  # its proposal was not accepted
    assert plan.measure("M-070").stages == {2025: S1}


def test_2_1_carries_the_budget_projects_to_fy2025_without_amounts(v2_1):
    plan = v2_1.plan
    fy2024 = [p for p in plan.projects if p.fiscal_year == 2024]
    assert fy2024 == list(load_sample_plan().projects)  # the evaluated year's budget stays as history
    [standard] = [p for p in plan.projects if p.project_id == "P-021-1" and p.fiscal_year == 2025]
    assert standard.measure_ids == ("M-069",)  # the link follows the merge
    assert standard.total.initial is None and standard.lines[0].amounts.initial is None
    assert [line.item for line in standard.lines] == [
        line.item for line in load_sample_plan().projects_of("M-021")[0].lines
    ]
    view = current_view(plan)
    assert {p.fiscal_year for p in view.projects} == {2025}
    assert not {m.measure_id for m in view.measures} & set(STANDARDISATION)
    assert len(view.measures) == 68 - 8 + 2


def evaluate_fy2025(plan: Plan) -> Plan:
    """What the sections report for FY2025 (what consolidation would bring into the master)."""
    done = MilestoneStatus.DONE

    def finished(measure: Measure) -> Measure:
        return replace(
            measure,
            milestones=tuple(replace(m, status=done, completed_on=YearMonth(2026, 1)) for m in measure.milestones),
        )

    changed = {
        "M-069": finished(plan.measure("M-069")),
        "M-070": replace(
            plan.measure("M-070"),
            milestones=(
                Milestone("M-070", "キャッシュレス決済端末の導入", status=done, completed_on=YearMonth(2025, 10)),
            ),
        ),
        "M-035": replace(
            plan.measure("M-035"),
            kpis=tuple(replace(k, actuals={**k.actuals, 2025: 200.0}) for k in plan.measure("M-035").kpis),
        ),
    }
    return replace(plan, measures=tuple(changed.get(m.measure_id, m) for m in plan.measures))


CHANGES_2_2 = Changes(
    additions=(
        AddMeasure(
            "書かない窓口の導入",
            S1,
            hierarchy=ONLINE,
            primary_section="市民生活部市民課",
            reason="令和8年度当初予算で新規事業化",
        ),
    ),
    kpis=(
        ChangeKpi(
            "M-009",
            "M-009-K1",
            name="市YouTubeチャンネルの総視聴回数",
            kpi_type=KpiType.OUTCOME,
            unit="回",
            baseline=120000.0,
            baseline_fy=2024,
            target=150000.0,
            reason="監査意見10: 投稿数（アウトプット）に代えて視聴の成果（アウトカム）を測る",
        ),
        ChangeKpi("M-001", "M-001-K1", target=35.0, reason="令和7年度に目標値30%を前倒しで達成する見込みのため"),
    ),
)


@pytest.fixture(scope="module")
def v2_2(v2_1):  # type: ignore[no-untyped-def]
    return revise(evaluate_fy2025(v2_1.plan), CHANGES_2_2, ("M-035", "M-069", "M-070"), "2.2")


def test_fy2025_results_make_the_rules_propose_the_moves(v2_1):
    plan = evaluate_fy2025(v2_1.plan)
    proposals = {p.measure_id: p for p in propose_transitions(plan, grade_plan(plan, RULES), 2025)}
    assert (proposals["M-069"].from_stage, proposals["M-069"].to_stage) == (S34, S4)
    assert (proposals["M-070"].from_stage, proposals["M-070"].to_stage) == (S1, S2)
    assert (proposals["M-035"].from_stage, proposals["M-035"].to_stage) == (S3, S4)
    assert "M-021" not in proposals  # merged away: no longer proposed for anything


def test_2_2_lists_exactly_the_kpi_redefinition_the_target_the_addition_and_the_stage_moves(v2_2):
    reason_10 = "監査意見10: 投稿数（アウトプット）に代えて視聴の成果（アウトカム）を測る"
    assert [r.as_tuple() for r in v2_2.comparison] == [
        ("目標値の変更", "M-001", "M-001-K1", "目標値", "30%（令和8年度）", "35%（令和8年度）",
         "令和7年度に目標値30%を前倒しで達成する見込みのため"),
        ("段階の変更", "M-070", "", "ライフサイクル段階", "段階1（構築期）", "段階2（拡大期）",
         "すべての工程が完了（構築完了）したため拡大期へ移行（工程1件すべて完了、評価指標（目標値）は未設定）"),
        ("追加", "M-071", "", "施策", "", "書かない窓口の導入", "令和8年度当初予算で新規事業化"),
        ("指標の再定義", "M-009", "M-009-K1", "指標名", "市YouTubeチャンネルの投稿動画数",
         "市YouTubeチャンネルの総視聴回数", reason_10),
        ("指標の再定義", "M-009", "M-009-K1", "指標区分", "アウトプット", "アウトカム", reason_10),
        ("指標の再定義", "M-009", "M-009-K1", "単位", "本", "回", reason_10),
        ("基準値の変更", "M-009", "M-009-K1", "基準値", "149本（令和5年度）", "120,000回（令和6年度）", reason_10),
        ("目標値の変更", "M-009", "M-009-K1", "目標値", "155本（令和8年度）", "150,000回（令和8年度）", reason_10),
        ("段階の変更", "M-069", "", "ライフサイクル段階", "段階3・4（安定期・改修検討）", "段階4（環境変化対応期）",
         "改修までのすべての工程が完了したため環境変化対応期へ移行（工程22件すべて完了、評価指標（目標値）は未設定）"),
        ("段階の変更", "M-035", "", "ライフサイクル段階", "段階3（安定期）", "段階4（環境変化対応期）",
         "安定期の実績値が目標値を下回ったため環境変化対応期へ移行"
         "（削減した業務時間: 令和7年度 200時間、目標値 246時間）"),
    ]  # fmt: skip
    assert v2_2.findings == ()


def test_2_2_keeps_the_whole_history(v2_2):
    plan = v2_2.plan
    assert (plan.version, plan.evaluated_fy) == ("2.2", 2026)
    video = plan.measure("M-009").kpis[0]
    assert (video.kpi_id, video.name, video.kpi_type) == (
        "M-009-K1",
        "市YouTubeチャンネルの総視聴回数",
        KpiType.OUTCOME,
    )
    assert video.actuals == {2023: 149.0, 2024: 157.0}  # the actuals measured before the redefinition stay
    assert plan.measure("M-035").stages == {2024: S2, 2025: S3, 2026: S4}
    assert plan.measure("M-035").kpis[0].actuals == {2023: 246.0, 2024: 358.0, 2025: 200.0}
    assert plan.measure("M-035").self_grades == load_sample_plan().measure("M-035").self_grades
    assert plan.measure("M-021").merged_into == "M-069" and plan.measure("M-069").absorbed_ids == STANDARDISATION
    assert plan.measure("M-071").stages == {2026: S1}
    years = sorted({p.fiscal_year for p in plan.projects})
    assert years == [2024, 2025, 2026]
