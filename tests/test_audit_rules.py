"""Each audit check fires on a plan built to trigger it, and only then; a clean plan is silent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from xlplan.core.audit import AUDIT_CATALOG, AUDIT_RULES, audit_plan
from xlplan.core.audit.context import AuditRules
from xlplan.core.audit.management import is_study_only
from xlplan.core.enums import Aggregation, Basis, Direction, Grade, KpiType, MilestoneStatus, Severity, Stage
from xlplan.core.findings import Code
from xlplan.core.fiscal import YearMonth
from xlplan.core.messages import CATALOG
from xlplan.core.model import Amounts, BasisOverride, BudgetProject, Kpi, Measure, Milestone, Plan, RowSource

KPI = Kpi(
    kpi_id="M-101-K1",
    measure_id="M-101",
    name="電子申請の利用率",
    kpi_type=KpiType.OUTCOME,
    unit="%",
    aggregation=Aggregation.ANNUAL,
    direction=Direction.HIGHER,
    baseline=20.0,
    baseline_fy=2023,
    target=30.0,
    target_fy=2026,
    actuals={2023: 20.0, 2024: 24.0},
)
KPI_MEASURE = Measure(
    measure_id="M-101",
    name="電子申請の推進",
    hierarchy=("I 基盤", "(i) 行政手続"),
    primary_section="企画財政部情報統計課",
    stages={2023: Stage.EXPAND, 2024: Stage.EXPAND},
    self_grades={2023: Grade.B, 2024: Grade.B},
    results={2024: "電子申請の対象手続を拡大した。"},
    kpis=(KPI,),
)
SCHEDULE_MEASURE = Measure(
    measure_id="M-102",
    name="基幹系システムの更新",
    hierarchy=("I 基盤", "(ii) 業務"),
    primary_section="市民生活部市民課",
    stages={2024: Stage.BUILD},
    self_grades={2024: Grade.B},
    results={2024: "仕様書を作成した。"},
    milestones=(
        Milestone(
            "M-102", "仕様書の作成", YearMonth(2024, 4), YearMonth(2024, 9), MilestoneStatus.DONE, YearMonth(2024, 9)
        ),
        Milestone("M-102", "システムの構築", YearMonth(2024, 10), YearMonth(2026, 3), MilestoneStatus.IN_PROGRESS),
    ),
)
PROJECTS = (
    BudgetProject("P-101", "電子申請推進経費", 2024, ("M-101",), total=Amounts(1000, 1000, 900)),
    BudgetProject("P-102", "基幹系システム更新経費", 2024, ("M-102",), total=Amounts(500, 500, 450)),
)
CLEAN = Plan(evaluated_fy=2024, measures=(KPI_MEASURE, SCHEDULE_MEASURE), projects=PROJECTS)
GRADES = {"M-101": Grade.B, "M-102": Grade.B}


def with_kpi(**changes: object) -> Plan:
    """The clean plan with M-101's KPI changed."""
    return with_measure(kpis=(replace(KPI, **changes),))


def with_measure(**changes: object) -> Plan:
    """The clean plan with M-101 changed."""
    return replace(CLEAN, measures=(replace(KPI_MEASURE, **changes), SCHEDULE_MEASURE))


def with_schedule_measure(**changes: object) -> Plan:
    """The clean plan with M-102 changed."""
    return replace(CLEAN, measures=(KPI_MEASURE, replace(SCHEDULE_MEASURE, **changes)))


def with_project(settlement: int) -> Plan:
    """The clean plan with P-101 settled at another amount."""
    return replace(CLEAN, projects=(replace(PROJECTS[0], total=Amounts(1000, 1000, settlement)), PROJECTS[1]))


EXPLAINED = {"causes": {2024: "周知不足"}, "responses": {2024: "広報を強化する"}}
DUPLICATES = (
    replace(
        SCHEDULE_MEASURE,
        measure_id="M-103",
        name="戸籍システムの標準化",
        primary_section="市民生活部市民課",
        hierarchy=("I 基盤", "(iii) 標準化"),
        summary="国が定める標準仕様に準拠した戸籍システムへ、令和7年度末までに移行する。",
    ),
    replace(
        SCHEDULE_MEASURE,
        measure_id="M-104",
        name="住民記録システムの標準化",
        primary_section="企画財政部情報統計課",
        hierarchy=("I 基盤", "(iii) 標準化"),
        summary="国が定める標準仕様に準拠した住民記録システムへ、令和7年度末までに移行する。",
    ),
)

# (case, plan, computed grades, expected (code, value) in catalog order)
CASES: list[tuple[str, Callable[[], Plan], dict[str, Grade], list[tuple[Code, str]]]] = [
    ("clean", lambda: CLEAN, GRADES, []),
    ("output only", lambda: with_kpi(kpi_type=KpiType.OUTPUT), GRADES, [(Code.AUDIT_KPI_OUTPUT_ONLY, "M-101")]),
    ("activity only", lambda: with_kpi(kpi_type=KpiType.ACTIVITY), GRADES, [(Code.AUDIT_KPI_OUTPUT_ONLY, "M-101")]),
    (
        "type guessed outcome",
        lambda: with_kpi(kpi_type=None, name="申請1件あたりの処理時間の削減"),
        GRADES,
        [(Code.AUDIT_KPI_TYPE_GUESSED, "M-101")],
    ),
    (
        "a usage share is guessed an output",  # 利用率: how much the service is used (opinions 15, 18)
        lambda: with_kpi(kpi_type=None),
        GRADES,
        [(Code.AUDIT_KPI_OUTPUT_ONLY, "M-101"), (Code.AUDIT_KPI_TYPE_GUESSED, "M-101")],
    ),
    (
        "type guessed activity",
        lambda: with_kpi(kpi_type=None, name="各種講座の開催数"),
        GRADES,
        [(Code.AUDIT_KPI_OUTPUT_ONLY, "M-101"), (Code.AUDIT_KPI_TYPE_GUESSED, "M-101")],
    ),
    (
        "type missing",
        lambda: with_kpi(kpi_type=None, name="電子申請"),
        GRADES,
        [(Code.AUDIT_KPI_TYPE_MISSING, "M-101")],
    ),
    ("stage 2 without target", lambda: with_kpi(target=None), GRADES, [(Code.AUDIT_STAGE_WITHOUT_TARGET, "M-101")]),
    (
        "stage 4 without KPI",
        lambda: with_measure(kpis=(), stages={2023: Stage.EXPAND, 2024: Stage.ADAPT}),
        {},
        [(Code.AUDIT_STAGE_WITHOUT_TARGET, "M-101")],
    ),
    (
        "study only, no budget",
        lambda: replace(
            with_measure(results={2024: "他都市の事例を情報収集しつつ、効果的な利用方法について検討した。"}),
            projects=PROJECTS[1:],
        ),
        GRADES,
        [(Code.AUDIT_STUDY_ONLY, "M-101")],
    ),
    (
        # 意見14: a trial by its name and results, with a budget and a flat KPI (20 = 20 = 20). It
        # goes back to stage 1; it is not also told to go on to stage 3.
        "a trial by its name and results, never also stage 3",
        lambda: with_measure(
            name="スマートメーター導入検討のための実証実験",
            results={2024: "スマートメーターを20箇所設置し、実証実験を行った。"},
            kpis=(
                replace(
                    KPI,
                    name="設置箇所数",
                    kpi_type=KpiType.OUTCOME,
                    baseline=20.0,
                    target=20.0,
                    actuals={2023: 20.0, 2024: 20.0},
                ),
            ),
        ),
        GRADES,
        [(Code.AUDIT_STUDY_ONLY, "M-101")],
    ),
    (
        # The name alone is not enough: results that report operation keep it at stage 2.
        "a study word in the name but results of operation",
        lambda: with_measure(name="電子申請の導入検討", results={2024: "電子申請の対象手続を拡大した。"}),
        GRADES,
        [],
    ),
    (
        "schedule without milestones",
        lambda: with_schedule_measure(milestones=()),
        GRADES,
        [(Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES, "M-102")],
    ),
    (
        "schedule with a KPI without target",
        lambda: with_schedule_measure(kpis=(replace(KPI, kpi_id="M-102-K1", measure_id="M-102", target=None),)),
        GRADES,
        [(Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET, "M-102")],
    ),
    (
        "no change over two years",
        lambda: with_measure(kpis=(replace(KPI, actuals={2023: 20.0, 2024: 20.0}),), **EXPLAINED),
        GRADES,
        [(Code.AUDIT_NO_CHANGE, "M-101")],
    ),
    ("nothing spent", lambda: with_project(0), GRADES, [(Code.AUDIT_NOTHING_SPENT, "P-101")]),
    (
        "C two years running",
        lambda: with_measure(self_grades={2023: Grade.C, 2024: Grade.C}, **EXPLAINED),
        {"M-101": Grade.C, "M-102": Grade.B},
        [(Code.AUDIT_WEAK_TWO_YEARS, "M-101")],
    ),
    (
        "baseline = target = actual",
        lambda: with_kpi(baseline=100.0, target=100.0, actuals={2023: 100.0, 2024: 100.0}),
        GRADES,
        [(Code.AUDIT_SUGGEST_STAGE_3, "M-101")],
    ),
    (
        "grade D without cause",
        lambda: with_measure(
            self_grades={2023: Grade.B, 2024: Grade.D}, kpis=(replace(KPI, actuals={2023: 20.0, 2024: 18.0}),)
        ),
        {"M-101": Grade.D, "M-102": Grade.B},
        [(Code.AUDIT_CAUSE_RESPONSE_MISSING, "M-101")],
    ),
    (
        "far below target without cause",
        lambda: with_kpi(actuals={2023: 20.0, 2024: 21.0}),
        GRADES,
        [(Code.AUDIT_CAUSE_RESPONSE_MISSING, "M-101")],
    ),
    ("self-grade differs", lambda: CLEAN, {"M-101": Grade.C, "M-102": Grade.B}, [(Code.SELF_GRADE_MISMATCH, "B")]),
    (
        "basis changed without reason",
        lambda: with_schedule_measure(basis_overrides={2024: BasisOverride(Basis.KPI, "")}),
        {},
        [(Code.AUDIT_BASIS_WITHOUT_REASON, "M-102")],
    ),
    ("execution rate low", lambda: with_project(300), GRADES, [(Code.AUDIT_EXECUTION_RATE_LOW, "P-101")]),
    ("settled above budget", lambda: with_project(1200), GRADES, [(Code.AUDIT_SETTLEMENT_OVER_BUDGET, "P-101")]),
    (
        "near duplicates",
        lambda: replace(CLEAN, measures=(*CLEAN.measures, *DUPLICATES)),
        GRADES,
        [(Code.AUDIT_NEAR_DUPLICATE, "M-103"), (Code.AUDIT_NEAR_DUPLICATE, "M-104")],
    ),
    (
        "stage 3 → 2",
        lambda: with_measure(stages={2023: Stage.STABLE, 2024: Stage.EXPAND}),
        GRADES,
        [(Code.AUDIT_STAGE_MOVE_UNUSUAL, "M-101")],
    ),
]


@pytest.mark.parametrize(("case", "plan", "grades", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_check_fires_on_its_plan_and_nothing_else_does(case, plan, grades, expected):
    found = [(f.code, f.value) for f in audit_plan(plan(), grades=grades)]
    assert found == expected


def test_every_check_has_a_case_that_fires_it():
    fired = {code for _, _, _, expected in CASES for code, _ in expected}
    assert fired == set(AUDIT_RULES)


def test_the_catalog_pairs_every_audit_code_with_a_rule_a_message_and_an_opinion():
    codes = [check.code for check in AUDIT_CATALOG]
    assert codes == list(AUDIT_RULES)
    assert {c for c in Code if c.value.startswith("audit-")} == set(codes) - {Code.SELF_GRADE_MISMATCH}
    for check in AUDIT_CATALOG:
        ja, en = CATALOG[check.code]
        assert check.opinions and check.title and check.seed_lines.startswith("L"), check.code
        assert check.severity in (Severity.WARNING, Severity.INFO), check.code
        if any(o.startswith("意見") for o in check.opinions):
            assert "（{cited}）" in ja and "({cited_en})" in en, check.code  # the opinion the finding cites


def test_findings_carry_the_measure_and_a_message_that_says_what_to_do():
    [finding] = audit_plan(with_kpi(kpi_type=KpiType.OUTPUT), grades=GRADES)
    assert finding.severity is Severity.WARNING
    assert dict(finding.params)["measure"] == "M-101"
    assert finding.message() == (
        "施策「M-101」（電子申請の推進）は評価指標で管理していますが、指標がすべて活動・アウトプット指標です"
        "（「電子申請の利用率」アウトプット）。市民・職員にもたらされた効果を測るアウトカム指標（削減した業務時間、"
        "満足度、行動や状態の変化など）を追加してください（監査意見5・6）。"
    )
    assert "outcome KPI" in finding.message("en")


def test_a_guessed_type_says_it_is_a_guess_and_from_which_word():
    output_only, guessed = audit_plan(with_kpi(kpi_type=None, name="各種講座の開催数"), grades=GRADES)
    assert "「各種講座の開催数」活動（推定）" in output_only.message()
    assert "指標名からの推定です" in output_only.message() and "guessed" in output_only.message("en")
    assert dict(guessed.params) == {
        "measure": "M-101",
        "kpi": "各種講座の開催数",
        "guess": "活動",
        "guess_en": "activity",
        "keyword": "開催数",
        "cited": "監査意見5",
        "cited_en": "audit opinion 5",
    }
    assert "「各種講座の開催数」 activity (guessed)" in output_only.message("en")
    assert "guessed 'activity' from the word '開催数'" in guessed.message("en")
    assert guessed.severity is Severity.INFO


def test_the_cause_finding_names_what_is_missing_and_why():
    plan = with_measure(kpis=(replace(KPI, actuals={2023: 20.0, 2024: 21.0}),), causes={2024: "周知不足"})
    [finding] = audit_plan(plan, grades=GRADES)
    params = dict(finding.params)
    assert params["missing"] == "今後の対応"
    assert (
        params["why"]
        == "指標「電子申請の利用率」の実績値 21 が今年度の見込み 23.33 を大きく下回っています（進み具合 30%）"
    )
    assert finding.column == "今後の対応"


def test_budget_findings_are_per_project_and_name_every_measure_it_funds():
    shared = BudgetProject("P-901", "LINE運用経費", 2024, ("M-101", "M-102"), total=Amounts(2417, 2417, 3000))
    [finding] = audit_plan(replace(CLEAN, projects=(shared,)), grades=GRADES)
    assert (finding.code, finding.value) == (Code.AUDIT_SETTLEMENT_OVER_BUDGET, "P-901")
    assert dict(finding.params)["measure"] == "M-101、M-102"
    assert dict(finding.params)["excess"] == "583"


def test_a_supplementary_budget_is_the_budget_execution_is_measured_against():
    supplemented = replace(PROJECTS[0], total=Amounts(1000, 3000, 2900))  # L2530: settled in full after a supplement
    assert audit_plan(replace(CLEAN, projects=(supplemented, PROJECTS[1])), grades=GRADES) == []


def test_near_duplicates_need_different_sections_and_the_same_place_in_the_plan():
    same_section = tuple(replace(m, primary_section="市民生活部市民課") for m in DUPLICATES)
    elsewhere = (DUPLICATES[0], replace(DUPLICATES[1], hierarchy=("II 創生",)))
    for measures in (same_section, elsewhere):
        assert audit_plan(replace(CLEAN, measures=(*CLEAN.measures, *measures)), grades=GRADES) == []


def test_similar_names_of_different_businesses_are_not_near_duplicates():
    # Two 「…RPA・AI-OCRの導入」 for different tasks, each with its own summary (as M-034/M-035).
    different = (
        replace(DUPLICATES[0], summary="個人住民税の賦課業務のうち、異動届の入力をRPAで自動化する。"),
        replace(DUPLICATES[1], summary="児童手当の申請書登録をAI-OCRで読み取り、年度更新処理の時間を減らす。"),
    )
    assert audit_plan(replace(CLEAN, measures=(*CLEAN.measures, *different)), grades=GRADES) == []
    no_summary = tuple(replace(m, summary="") for m in DUPLICATES)  # nothing says they are one business
    assert audit_plan(replace(CLEAN, measures=(*CLEAN.measures, *no_summary)), grades=GRADES) == []
    found = audit_plan(replace(CLEAN, measures=(*CLEAN.measures, *DUPLICATES)), grades=GRADES)
    assert dict(found[0].params)["similarity"] == "92%"


def test_a_move_with_a_written_reason_is_not_flagged():
    plan = with_measure(
        stages={2024: Stage.EXPAND, 2025: Stage.BUILD},
        basis_overrides={2024: BasisOverride(Basis.SCHEDULE, "目標値を設定できず段階1の基準で評価")},
        milestones=SCHEDULE_MEASURE.milestones,
    )
    assert audit_plan(plan, grades=GRADES) == []
    unexplained = with_measure(stages={2024: Stage.EXPAND, 2025: Stage.BUILD})
    assert [(f.code, f.value) for f in audit_plan(unexplained, grades=GRADES)] == [
        (Code.AUDIT_STAGE_MOVE_UNUSUAL, "M-101")
    ]


def test_two_year_checks_read_last_years_plan_when_the_master_keeps_one_year():
    previous = with_measure(
        self_grades={2024: Grade.C}, stages={2024: Stage.EXPAND}, kpis=(replace(KPI, actuals={2024: 22.0}),)
    )
    this_year = replace(
        with_measure(
            self_grades={2025: Grade.C},
            stages={2025: Stage.EXPAND},
            kpis=(replace(KPI, actuals={2025: 24.0}),),
            **{"causes": {2025: "周知不足"}, "responses": {2025: "広報を強化する"}},
        ),
        evaluated_fy=2025,
        projects=(),
    )
    assert audit_plan(this_year) == []
    found = audit_plan(this_year, previous=previous, previous_grades={"M-101": Grade.C})
    assert [(f.code, f.value) for f in found] == [(Code.AUDIT_WEAK_TWO_YEARS, "M-101")]
    assert dict(found[0].params)["detail"] == "令和6年度 C → 令和7年度 C"
    previous_actual = replace(
        previous, measures=(replace(previous.measures[0], kpis=(replace(KPI, actuals={2024: 24.0}),)), SCHEDULE_MEASURE)
    )
    stuck = audit_plan(this_year, previous=previous_actual, skip={"audit-weak-two-years"})
    assert [(f.code, f.value) for f in stuck] == [(Code.AUDIT_NO_CHANGE, "M-101")]


def test_findings_point_at_the_cell_of_the_row_they_came_from():
    source = RowSource(file="master.xlsx", sheet="KPI", row=7)
    [finding] = audit_plan(with_kpi(kpi_type=KpiType.OUTPUT, source=source), grades=GRADES)
    assert (finding.file, finding.sheet, finding.cell, finding.column) == ("master.xlsx", "KPI", "D7", "指標区分")
    project = replace(PROJECTS[0], total=Amounts(1000, 1000, 0), source=RowSource("master.xlsx", "予算事業", 4))
    [spent] = audit_plan(replace(CLEAN, projects=(project, PROJECTS[1])), grades=GRADES)
    assert spent.address == "予算事業!G4"


def test_thresholds_are_data():
    plan = with_project(600)  # 60 % executed
    assert audit_plan(plan, grades=GRADES) == []
    strict = AuditRules(execution_rate_min=0.7)
    assert [f.code for f in audit_plan(plan, grades=GRADES, rules=strict)] == [Code.AUDIT_EXECUTION_RATE_LOW]


def test_skip_leaves_a_check_out():
    assert audit_plan(with_project(0), grades=GRADES, skip={"audit-nothing-spent"}) == []


@pytest.mark.parametrize(
    ("results", "study"),
    [
        ("他都市の事例を情報収集しつつ、効果的な利用方法について検討した。", True),  # M-005, opinion 8
        ("・先進事例を調査した\n・導入方法を検討した", True),
        ("他都市の事例を調査し、システムを導入した。運用を開始した。", False),
        ("", False),
    ],
)
def test_study_only_means_every_sentence_is_study(results, study):
    assert is_study_only(results, AuditRules().study_words) is study
