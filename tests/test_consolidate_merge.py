"""The pure merge: measures co-owned by several sections, the same data sent twice, plan order, totals."""

from __future__ import annotations

from dataclasses import replace

from xlplan.core.assemble import SectionContent
from xlplan.core.enums import FundingSource, Stage
from xlplan.core.findings import Code
from xlplan.core.master.coverage import not_returned_measures, roster_findings, section_key
from xlplan.core.master.kpi_years import carry_kpi_years, other_years
from xlplan.core.master.merge import SectionInput, merge_sections
from xlplan.core.master.plan_order import id_sort_key, plan_order
from xlplan.core.master.view import budget_by_pillar, list_rows, shared_marks
from xlplan.core.model import Amounts, BudgetProject, ExpenseLine, FundingLine, Kpi, Measure, Plan, RowSource

HQ = "デジタル化推進本部"
STATS = "企画財政部情報統計課"
PILLAR_1 = ("I デジタル化の基礎条件整備", "(i) デジタル基盤の整備")
PILLAR_2 = ("II デジタルを活用した創生戦略",)


def src(file: str, sheet: str, row: int) -> RowSource:
    return RowSource(file, sheet, row, "sha-" + file)


def kpi(file: str, row: int, actual: float = 22.6) -> Kpi:
    return Kpi(
        "M-001-K1",
        "M-001",
        "電子申請による手続件数の割合",
        baseline=21.1,
        target=30.0,
        actuals={2024: actual},
        source=src(file, "KPI", row),
    )


def m001(file: str, *, actual: float = 22.6, results: str = "研修を実施した。") -> Measure:
    return Measure(
        "M-001",
        "オンライン化による行政サービスの推進",
        hierarchy=PILLAR_1,
        primary_section=HQ,
        co_sections=(STATS,),
        stages={2024: Stage.EXPAND},
        results={2024: results},
        kpis=(kpi(file, 3, actual),),
        source=src(file, "施策", 3),
    )


def reference_row(file: str, name: str = "オンライン化による行政サービスの推進") -> Measure:
    return Measure("M-001", name, PILLAR_1, HQ, (STATS,), source=src(file, "施策", 4))


def line_project(file: str, settlement: int = 2417) -> BudgetProject:
    amounts = Amounts(2417, 2417, settlement)
    return BudgetProject(
        "P-901",
        "秋田市公式LINE運用経費",
        2024,
        measure_ids=("M-001", "M-002"),
        section=HQ,
        total=amounts,
        lines=(ExpenseLine("P-901", "委託料", amounts, src(file, "予算", 3)),),
        funding=(FundingLine("P-901", FundingSource.GENERAL, amounts, src(file, "財源", 3)),),
        source=src(file, "予算事業", 3),
    )


def section_input(file: str, section: str, measures=(), projects=(), lifecycle=None) -> SectionInput:  # type: ignore[no-untyped-def]
    return SectionInput(file, section, SectionContent(tuple(measures), tuple(projects)), lifecycle or {})


def test_the_primary_owner_holds_kpis_and_each_section_its_projects():
    owner = section_input("hq.xlsx", HQ, [m001("hq.xlsx")], [line_project("hq.xlsx")])
    co_owner = section_input("stats.xlsx", STATS, [reference_row("stats.xlsx")])
    merged = merge_sections([co_owner, owner], 2024)
    [measure] = merged.measures
    assert measure.source == src("hq.xlsx", "施策", 3)  # the owner's row, though the co-owner came first
    assert measure.kpis[0].actuals == {2024: 22.6}
    assert [p.project_id for p in merged.projects] == ["P-901"]
    assert [(f.code, f.value) for f in merged.findings] == [(Code.PROJECT_MEASURE_MISSING, "M-002")]
    assert merged.findings[0].cell == "C3"  # 予算事業!C3, the 関連施策ID cell
    assert merged.sections == (STATS, HQ)


def test_the_same_measure_sent_twice_with_another_value_names_both_cells():
    first = section_input("a/hq.xlsx", HQ, [m001("a/hq.xlsx", actual=22.6)])
    second = section_input("b/hq.xlsx", HQ, [m001("b/hq.xlsx", actual=25.0)])
    merged = merge_sections([first, second], 2024)
    conflicts = [f for f in merged.findings if f.code is Code.CONSOLIDATION_CONFLICT]
    assert [(f.file, f.sheet, f.cell, f.column, f.value) for f in conflicts] == [
        ("a/hq.xlsx", "KPI", "M3", "実績値", "22.6")
    ]
    assert dict(conflicts[0].params) == {"other": "b/hq.xlsx!KPI!M3", "other_value": "25"}
    assert merged.measures[0].kpis[0].actuals == {2024: 22.6}  # the first copy is kept, and said so
    assert "このセルの値を採用" in conflicts[0].message()
    assert [f.code for f in merged.findings if f.code is not Code.CONSOLIDATION_CONFLICT] == [Code.SECTION_SENT_TWICE]


def test_a_text_conflict_and_a_kpi_missing_in_one_copy():
    first = section_input("a.xlsx", "", [m001("a.xlsx", results="研修を実施した。")])
    second_measure = replace(m001("b.xlsx", results="研修を2回実施した。"), kpis=())
    merged = merge_sections([first, section_input("b.xlsx", "", [second_measure])], 2024)
    found = [(f.sheet, f.cell, f.column, f.value, dict(f.params)["other_value"]) for f in merged.findings]
    assert found == [
        ("施策", "J3", "取組結果", "研修を実施した。", "研修を2回実施した。"),
        ("KPI", "B3", "指標ID", "M-001-K1", "（なし）"),
    ]


def test_identical_copies_are_counted_once_with_a_note():
    copies = [section_input(f"{d}/hq.xlsx", "", [m001(f"{d}/hq.xlsx")], [line_project(f"{d}/hq.xlsx")]) for d in "ab"]
    merged = merge_sections(copies, 2024)
    assert [(f.code, f.file, f.cell) for f in merged.findings if f.code is not Code.PROJECT_MEASURE_MISSING] == [
        (Code.CONSOLIDATION_DUPLICATE, "b/hq.xlsx", "A3"),
        (Code.CONSOLIDATION_DUPLICATE, "b/hq.xlsx", "A3"),
    ]
    assert len(merged.measures) == len(merged.projects) == 1
    total = budget_by_pillar(Plan(measures=merged.measures, projects=merged.projects))[1]
    assert total.initial == 2417


def test_a_project_line_that_differs_is_a_conflict_at_its_cell():
    first = section_input("a.xlsx", HQ, [], [line_project("a.xlsx", settlement=2417)])
    second = section_input("b.xlsx", HQ, [], [line_project("b.xlsx", settlement=2000)])
    merged = merge_sections([first, second], 2024)
    conflicts = [(f.sheet, f.cell, f.column) for f in merged.findings if f.code is Code.CONSOLIDATION_CONFLICT]
    assert conflicts == [("予算事業", "G3", "決算"), ("予算", "E3", "決算"), ("財源", "E3", "決算")]


def test_a_co_owner_renaming_the_measure_or_typing_results():
    owner = section_input("hq.xlsx", HQ, [m001("hq.xlsx")])
    renamed = section_input("stats.xlsx", STATS, [reference_row("stats.xlsx", name="オンライン化の推進")])
    typed = section_input("stats2.xlsx", STATS, [replace(reference_row("stats2.xlsx"), results={2024: "協力した"})])
    merged = merge_sections([owner, renamed, typed], 2024)
    found = [(f.code, f.file, f.cell) for f in merged.findings]
    assert (Code.CONSOLIDATION_CONFLICT, "hq.xlsx", "B3") in found
    assert (Code.MEASURE_NOT_OWNER, "stats2.xlsx", "A4") in found
    [not_owner] = [f for f in merged.findings if f.code is Code.MEASURE_NOT_OWNER]
    assert dict(not_owner.params) == {"owner": HQ, "what": "取組結果"}
    assert merged.measures[0].name == "オンライン化による行政サービスの推進"


def test_a_measure_only_a_co_owner_sent_is_kept_and_flagged():
    merged = merge_sections([section_input("stats.xlsx", STATS, [reference_row("stats.xlsx")])], 2024)
    assert [m.measure_id for m in merged.measures] == ["M-001"]
    [finding] = merged.findings
    assert (finding.code, finding.cell, dict(finding.params)["owner"]) == (Code.MEASURE_OWNER_MISSING, "A4", HQ)


def test_stage_conflicts_point_at_the_lifecycle_rows():
    a = section_input("a.xlsx", "", [m001("a.xlsx")], lifecycle={("M-001", 2024): src("a.xlsx", "ライフサイクル", 3)})
    changed = replace(m001("b.xlsx"), stages={2024: Stage.ADAPT})
    b = section_input("b.xlsx", "", [changed], lifecycle={("M-001", 2024): src("b.xlsx", "ライフサイクル", 7)})
    merged = merge_sections([a, b], 2024)
    [conflict] = merged.findings
    assert (conflict.sheet, conflict.cell, conflict.value) == ("ライフサイクル", "C3", "2")
    assert dict(conflict.params) == {"other": "b.xlsx!ライフサイクル!C7", "other_value": "4"}
    assert merged.stage_sources == {("M-001", 2024): src("a.xlsx", "ライフサイクル", 3)}


def _measure(measure_id: str, hierarchy: tuple[str, ...]) -> Measure:
    return Measure(measure_id, measure_id, hierarchy=hierarchy)


def test_plan_order_groups_by_hierarchy_and_keeps_the_previous_order():
    measures = [
        _measure("M-070", PILLAR_1),  # new in 第2.1版, belongs to the first group
        _measure("M-002", PILLAR_2),
        _measure("M-001", PILLAR_1),
        _measure("M-003", ()),  # no hierarchy: a top-level item where it first appears
        _measure("M-004", (*PILLAR_1, "ア 地域情報化に係る基盤")),
    ]
    # a new measure joins the end of its group, after the subgroups already there
    assert [m.measure_id for m in plan_order(measures)] == ["M-001", "M-004", "M-070", "M-002", "M-003"]
    previous = ["M-002", "M-001", "M-004"]
    assert [m.measure_id for m in plan_order(measures, previous)] == ["M-002", "M-001", "M-004", "M-070", "M-003"]
    assert sorted(["M-0100", "M-010", "M-2"], key=id_sort_key) == ["M-2", "M-010", "M-0100"]


def test_list_rows_and_shared_marks_like_the_report():
    plan = Plan(
        measures=(m001("hq.xlsx"), Measure("M-002", "LINE", hierarchy=PILLAR_2)),
        projects=(line_project("hq.xlsx"),),
    )
    marks = shared_marks(plan.projects)
    assert marks == {"P-901": "*1"}
    rows = list_rows(plan, marks)
    assert [(r.level, r.label or r.measure.measure_id) for r in rows] == [
        (0, PILLAR_1[0]),
        (1, PILLAR_1[1]),
        (-1, "M-001"),
        (0, PILLAR_2[0]),
        (-1, "M-002"),
    ]
    assert [(r.initial, r.marks) for r in rows if not r.is_heading] == [(2417, ("*1",)), (2417, ("*1",))]
    pillars, total = budget_by_pillar(plan)
    assert [(p.label, p.initial) for p in pillars] == [(PILLAR_1[0], 2417), (PILLAR_2[0], 2417)]
    assert (total.projects, total.initial, total.execution_rate) == (1, 2417, 1.0)


def test_roster_and_previous_master_coverage():
    roster = [("企画財政部 情報統計課", "A2"), (HQ, "A3"), ("環境部環境都市推進課", "A4")]
    missing, findings = roster_findings(
        roster, {STATS: "stats.xlsx", "市民生活部市民課": "citizens.xlsx"}, roster_file="roster.txt"
    )
    assert missing == [HQ, "環境部環境都市推進課"]
    assert [(f.code, f.file, f.cell, f.value) for f in findings] == [
        (Code.SECTION_NOT_RETURNED, "roster.txt", "A3", HQ),
        (Code.SECTION_NOT_RETURNED, "roster.txt", "A4", "環境部環境都市推進課"),
        (Code.SECTION_NOT_ON_ROSTER, "citizens.xlsx", "", "市民生活部市民課"),
    ]
    assert section_key("企画財政部　情報統計課") == section_key(STATS)
    previous = Plan(measures=(m001("master.xlsx"), replace(m001("master.xlsx"), measure_id="M-009", name="動画")))
    gone, found = not_returned_measures(previous, ["M-001"])
    assert gone == ["M-009"]
    assert [(f.code, f.file, f.sheet, f.cell, dict(f.params)["name"]) for f in found] == [
        (Code.MEASURE_NOT_RETURNED, "master.xlsx", "施策", "A3", "動画")
    ]


def test_other_years_come_from_the_previous_master_and_never_replace_the_sections_values():
    this_year = replace(kpi("hq.xlsx", 3, actual=22.6), yearly_targets={2024: 25.0}, actuals={2023: 21.0, 2024: 22.6})
    before = replace(
        this_year,
        yearly_targets={2024: 24.0, 2025: 27.0, 2026: 30.0},
        actuals={2022: 20.0, 2023: 19.0, 2024: 99.0},
        reference={2023: 40.0},
    )
    [measure] = carry_kpi_years(
        [replace(m001("hq.xlsx"), kpis=(this_year,))], [replace(m001("m.xlsx"), kpis=(before,))], 2024
    )
    [carried] = measure.kpis
    assert carried.yearly_targets == {2024: 25.0, 2025: 27.0, 2026: 30.0}  # the section's 2024 target stays
    assert carried.actuals == {2022: 20.0, 2023: 21.0, 2024: 22.6}  # only the year no workbook column holds
    assert carried.reference == {2023: 40.0}
    assert [(y.kpi_id, y.fiscal_year) for y in other_years([carried], 2024)] == [
        ("M-001-K1", 2022),
        ("M-001-K1", 2023),
        ("M-001-K1", 2025),
        ("M-001-K1", 2026),
    ]
