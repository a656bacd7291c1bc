"""`revision.apply` change by change on a small plan: rows, refusals and what stays as history."""

from __future__ import annotations

import pytest

from xlplan.core.enums import Grade, KpiType, Severity, Stage
from xlplan.core.findings import Code
from xlplan.core.model import Amounts, BudgetProject, ExpenseLine, Kpi, Measure, Plan
from xlplan.core.revision import apply
from xlplan.core.revision.changes import (
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
from xlplan.core.revision.proposals import Proposal, ProposalRule

S1, S2, S3, S4, S5 = Stage.BUILD, Stage.EXPAND, Stage.STABLE, Stage.ADAPT, Stage.NEXT_SYSTEM


def measure(measure_id: str, name: str, stage: Stage, section: str = "情報統計課", **kw: object) -> Measure:
    return Measure(measure_id, name, primary_section=section, stages={2024: stage}, **kw)  # type: ignore[arg-type]


PLAN = Plan(
    version="2.0",
    evaluated_fy=2024,
    measures=(
        measure(
            "M-001",
            "オンライン申請の推進",
            S2,
            kpis=(
                Kpi(
                    "M-001-K1",
                    "M-001",
                    "電子申請の割合",
                    unit="%",
                    baseline=21.1,
                    baseline_fy=2023,
                    target=30.0,
                    target_fy=2026,
                    actuals={2023: 21.1, 2024: 22.6},
                ),
            ),
            self_grades={2024: Grade.B},
        ),
        measure("M-002", "庁内ネットワークの更新", S1, co_sections=("総務課",)),
        measure("M-003", "電子決裁の導入", S4),
        measure("M-004", "旧システムの運用", S3, merged_into="", retired_fy=None),
        measure("M-005", "廃止済みの施策", S3, retired_fy=2024),
    ),
    projects=(
        BudgetProject(
            "P-001",
            "地域情報化推進経費",
            2024,
            ("M-001", "M-004"),
            total=Amounts(100, 100, 90),
            lines=(ExpenseLine("P-001", "委託料", Amounts(100, 100, 90)),),
        ),
        BudgetProject("P-004", "旧システム保守", 2024, ("M-004",), total=Amounts(50, 50, 50)),
    ),
)


def at(sheet: str, row: int, **letters: str) -> ChangeOrigin:
    return ChangeOrigin("changes.xlsx", sheet, row, tuple(letters.items()))


def rows(result):  # type: ignore[no-untyped-def]
    return [r.as_tuple() for r in result.comparison]


def findings(result):  # type: ignore[no-untyped-def]
    return [(f.code, f.severity, f.address, f.value) for f in result.findings]


def test_retire_rename_and_owner_changes_each_make_their_rows():
    result = apply(
        PLAN,
        Changes(
            retirements=(RetireMeasure("M-004", "M-003に機能を移行したため"),),
            renames=(RenameMeasure("M-003", "電子決裁・文書管理の導入", "文書管理を含めたため"),),
            owners=(ChangeOwner("M-002", "デジタル化推進課", ("総務課", "情報統計課"), "組織改編"),),
        ),
        to_version="2.1",
    )
    assert rows(result) == [
        ("担当の変更", "M-002", "", "主担当課所室", "情報統計課", "デジタル化推進課", "組織改編"),
        ("担当の変更", "M-002", "", "関連課所室", "総務課", "総務課、情報統計課", "組織改編"),
        ("名称変更", "M-003", "", "施策名", "電子決裁の導入", "電子決裁・文書管理の導入", "文書管理を含めたため"),
        ("廃止", "M-004", "", "施策", "旧システムの運用", "（廃止）", "M-003に機能を移行したため"),
    ]
    assert result.findings == ()
    plan = result.plan
    assert plan.measure("M-004").retired_fy == 2025 and plan.measure("M-004").stages == {2024: S3}
    # this year's project follows the links that remain; the retired measure's own project ends
    carried = {p.project_id: p.measure_ids for p in plan.projects if p.fiscal_year == 2025}
    assert carried == {"P-001": ("M-001",)}


def test_a_stage_move_outside_the_model_without_a_reason_is_refused_at_its_reason_cell():
    origin = at("段階の変更", 3, measure_id="A", stage="B", reason="C")
    result = apply(PLAN, Changes(stages=(ChangeStage("M-001", S1, "", origin),)))
    assert findings(result) == [(Code.STAGE_MOVE_NOT_ALLOWED, Severity.ERROR, "段階の変更!C3", "M-001")]
    assert result.findings[0].message() == (
        "施策「M-001」の段階を段階2（拡大期）から段階1（構築期）に変えるのは、ライフサイクルの通常の移行ではありません。"
        "変える場合は「段階変更の理由」に理由を書いてください（理由がないため、この変更は反映していません）。"
    )
    assert rows(result) == []
    assert result.plan.measure("M-001").stages == {2024: S2, 2025: S2}  # stays where it was
    assert not result.ok


def test_the_same_move_with_a_reason_is_applied_and_listed():
    reason = "目標値を設定できないため構築期に戻してスケジュールで管理する"
    result = apply(PLAN, Changes(stages=(ChangeStage("M-001", S1, reason),)))
    assert rows(result) == [
        ("段階の変更", "M-001", "", "ライフサイクル段階", "段階2（拡大期）", "段階1（構築期）", reason)
    ]
    assert result.ok


def test_a_usual_move_needs_no_reason_but_is_warned_about():
    origin = at("段階の変更", 4, measure_id="A", stage="B", reason="C")
    result = apply(PLAN, Changes(stages=(ChangeStage("M-003", S5, "", origin),)))
    assert rows(result) == [
        (
            "段階の変更",
            "M-003",
            "",
            "ライフサイクル段階",
            "段階4（環境変化対応期）",
            "段階5（次期システム等検討期）",
            "",
        )
    ]
    assert findings(result) == [(Code.REVISION_REASON_MISSING, Severity.WARNING, "段階の変更!C4", "")]
    assert result.ok


RENAME_AT = at("施策名の変更", 3, measure_id="A")
MERGE_AT = at("施策の統合", 3, target_name="B", stage="D")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            Changes(renames=(RenameMeasure("M-099", "新名称", "r", RENAME_AT),)),
            (Code.REVISION_MEASURE_UNKNOWN, "施策名の変更!A3", "M-099"),
        ),
        (
            Changes(renames=(RenameMeasure("M-005", "新名称", "r", RENAME_AT),)),
            (Code.REVISION_MEASURE_RETIRED, "施策名の変更!A3", "M-005"),
        ),
        (
            Changes(
                additions=(AddMeasure("新施策", S1, "M-005", reason="r", origin=at("施策の追加", 5, measure_id="A")),)
            ),
            (Code.REVISION_ID_TAKEN, "施策の追加!A5", "M-005"),
        ),
        (
            Changes(
                kpis=(ChangeKpi("M-001", "M-002-K1", target=1.0, reason="r", origin=at("指標の変更", 3, kpi_id="B")),)
            ),
            (Code.REVISION_KPI_UNKNOWN, "指標の変更!B3", "M-002-K1"),
        ),
        (
            Changes(merges=(MergeMeasures("M-010", ("M-002", "M-003"), reason="r", origin=MERGE_AT),)),
            (Code.VALUE_MISSING, "施策の統合!B3", ""),
        ),
        (  # their stages differ: say which one
            Changes(merges=(MergeMeasures("M-010", ("M-001", "M-002"), "統合", reason="r", origin=MERGE_AT),)),
            (Code.VALUE_MISSING, "施策の統合!D3", ""),
        ),
    ],
    ids=["unknown", "retired", "id-taken", "kpi-unknown", "merge-new-without-name", "merge-stages-differ"],
)
def test_changes_that_cannot_apply_are_refused_at_their_cell(changes, expected):
    result = apply(PLAN, changes)
    assert [(f.code, f.address, f.value) for f in result.findings] == [expected]
    assert rows(result) == []
    # nothing else moved: same measures, names and IDs; every active measure keeps its stage
    assert [(m.measure_id, m.name, m.retired_fy) for m in result.plan.measures] == [
        (m.measure_id, m.name, m.retired_fy) for m in PLAN.measures
    ]
    assert all(m.stages[2025] == m.stages[2024] for m in result.plan.measures if m.is_active_in(2025))


def test_a_measure_retired_and_merged_in_one_revision_is_a_conflict():
    merge = MergeMeasures("M-003", ("M-004",), reason="統合", origin=at("施策の統合", 3, target_id="A", merged_ids="E"))
    retire = RetireMeasure("M-004", "廃止", at("施策の廃止", 3, measure_id="A"))
    result = apply(PLAN, Changes(merges=(merge,), retirements=(retire,)))
    assert findings(result) == [(Code.REVISION_CONFLICT, Severity.ERROR, "施策の廃止!A3", "M-004")]
    assert "施策の統合!A3 と重複" in result.findings[0].message()
    assert rows(result) == [("統合", "M-004", "", "施策", "旧システムの運用", "M-003 電子決裁の導入に統合", "統合")]


def test_merging_into_an_existing_measure_keeps_its_id_and_links_the_absorbed_ones():
    result = apply(PLAN, Changes(merges=(MergeMeasures("M-003", ("M-003", "M-004"), reason="重複のため"),)))
    merged = result.plan.measure("M-003")
    assert merged.absorbed_ids == ("M-004",) and merged.stages == {2024: S4, 2025: S4}
    assert result.plan.measure("M-004").merged_into == "M-003"
    assert {p.project_id: p.measure_ids for p in result.plan.projects if p.fiscal_year == 2025} == {
        "P-001": ("M-001", "M-003"),
        "P-004": ("M-003",),
    }


def test_new_ids_follow_every_id_ever_used():
    plan = Plan(evaluated_fy=2024, measures=(measure("M-001", "a", S1, absorbed_ids=("M-120",)),))
    result = apply(plan, Changes(additions=(AddMeasure("b", S1, reason="r"), AddMeasure("c", S1, reason="r"))))
    assert [m.measure_id for m in result.plan.measures] == ["M-001", "M-121", "M-122"]


def test_a_kpi_can_be_added_and_an_unchanged_row_is_only_noted():
    result = apply(
        PLAN,
        Changes(
            kpis=(
                ChangeKpi("M-001", name="手続の平均処理日数", kpi_type=KpiType.OUTCOME, unit="日", reason="指標を追加"),
                ChangeKpi("M-001", "M-001-K1", target=30.0, reason="変更なし", origin=at("指標の変更", 4, kpi_id="B")),
            )
        ),
    )
    assert rows(result) == [("指標の追加", "M-001", "M-001-K2", "指標", "", "手続の平均処理日数", "指標を追加")]
    assert findings(result) == [(Code.REVISION_NO_CHANGE, Severity.INFO, "指標の変更!B4", "M-001-K1")]
    assert [k.kpi_id for k in result.plan.measure("M-001").kpis] == ["M-001-K1", "M-001-K2"]


def test_a_proposal_that_no_longer_matches_is_refused():
    stale = Proposal(
        "M-003", "電子決裁の導入", S2, S3, ProposalRule.TARGET_HELD, "…", origin=at("改訂案", 3, to_stage="D")
    )
    result = apply(PLAN, Changes(), [stale])
    assert findings(result) == [(Code.REVISION_PROPOSAL_STALE, Severity.ERROR, "改訂案!D3", "M-003")]
    assert result.plan.measure("M-003").stages[2025] is S4


def test_an_accepted_proposal_and_an_own_stage_for_the_same_measure_conflict():
    proposal = Proposal("M-002", "庁内ネットワークの更新", S1, S2, ProposalRule.BUILT, "工程1件すべて完了")
    own = ChangeStage("M-002", S3, "直接安定期へ", at("段階の変更", 3, measure_id="A"))
    result = apply(PLAN, Changes(stages=(own,)), [proposal])
    assert findings(result) == [(Code.REVISION_CONFLICT, Severity.ERROR, "", "M-002")]
    assert rows(result) == [
        ("段階の変更", "M-002", "", "ライフサイクル段階", "段階1（構築期）", "段階3（安定期）", "直接安定期へ")
    ]
