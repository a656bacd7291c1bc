"""Round trip: master → `template --from` per section → `consolidate` → the same master data.

HQ pre-fills every section's workbook from the master; if no section changes anything, the
consolidated master must hold exactly the data it started from: on the sample, and as a
property over generated plans (co-owned measures, shared projects, ragged hierarchies).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.consolidate_helpers import conflicts_of, run_consolidate, sample_master, sheet_rows
from xlplan.app.prefill import prefill_from_master
from xlplan.app.sections import split_by_section
from xlplan.cli.main import cli
from xlplan.core.enums import (
    EXPENSE_ITEMS,
    Aggregation,
    Basis,
    Direction,
    FundingSource,
    Grade,
    KpiType,
    MilestoneStatus,
    Stage,
)
from xlplan.core.fiscal import YearMonth
from xlplan.core.master.plan_order import plan_order, project_order
from xlplan.core.master.provenance import strip_sources
from xlplan.core.model import (
    Amounts,
    BasisOverride,
    BudgetProject,
    ExpenseLine,
    FundingLine,
    Kpi,
    Measure,
    Milestone,
    Plan,
)
from xlplan.io.master_reader import read_master
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.sample import load_sample_plan

STATS = "企画財政部情報統計課"


def prefill_all(master: Path, folder: Path, *, via_cli: int = 0) -> list[Path]:
    """Every section's workbook pre-filled from the master; the first `via_cli` through the command."""
    plan = read_master(master).plan
    written = []
    for index, share in enumerate(split_by_section(plan)):
        target = folder / f"{index:02d}.xlsx"
        if index < via_cli:
            args = ["template", "--from", str(master), "--section", share.section, "-o", str(target)]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, result.output
        else:
            prefill_from_master(master, share.section, target, blank_rows=2)
        written.append(target)
    return written


def test_template_from_master_prefills_what_the_section_reports(tmp_path_factory, tmp_path):
    master, _ = sample_master(tmp_path_factory)
    target = tmp_path / "情報統計課.xlsx"
    result = CliRunner().invoke(cli, ["template", "--from", str(master), "--section", STATS, "-o", str(target)])
    assert result.exit_code == 0, result.output
    measures = {r[0]: r for r in sheet_rows(target, "施策")[2:] if r[0]}
    assert measures["M-004"][3] == STATS  # owned: reported in full
    assert measures["M-004"][5].startswith("マイナンバーカードの")  # 施策概要 pre-filled
    assert (measures["M-001"][3], measures["M-001"][5]) == ("デジタル化推進本部", "")  # co-owned: a reference row
    kpis = {r[1]: r for r in sheet_rows(target, "KPI")[2:] if r[1]}
    assert "M-001-K1" not in kpis  # the primary owner reports M-001's KPI
    meta = {r[0]: r[1] for r in sheet_rows(target, "_meta")}
    assert (meta["section"], meta["fiscal_year"], meta["plan_version"]) == (STATS, "2024", "2.1")


def test_template_from_master_needs_a_section_it_knows(tmp_path_factory, tmp_path):
    master, _ = sample_master(tmp_path_factory)
    result = CliRunner().invoke(cli, ["template", "--from", str(master), "--section", "存在しない課", "-o", "x.xlsx"])
    assert result.exit_code == 2
    assert "存在しない課" in result.output and STATS in result.output
    assert CliRunner().invoke(cli, ["template", "--from", str(master), "-o", "x.xlsx"]).exit_code == 2


def test_the_sample_master_survives_a_round_trip(tmp_path_factory, tmp_path):
    master, _ = sample_master(tmp_path_factory)
    folder = tmp_path / "returned"
    folder.mkdir()
    prefill_all(master, folder, via_cli=1)
    _, summary = run_consolidate(folder, "-o", tmp_path / "again.xlsx")
    assert (conflicts_of(summary), summary["master"]["measures"], summary["master"]["projects"]) == ([], 68, 47)
    before, after = read_master(master), read_master(tmp_path / "again.xlsx")
    assert strip_sources(after.plan) == strip_sources(before.plan)
    assert [(g.measure_id, g.grade, g.trace) for g in after.grades] == [
        (g.measure_id, g.grade, g.trace) for g in before.grades
    ]


def test_the_whole_sample_plan_survives_with_the_previous_master(tmp_path):
    """Written straight from the sample plan (yearly targets to FY2026, older actuals), then round-tripped."""
    plan = load_sample_plan()
    master = write_master(tmp_path / "plan.xlsx", MasterContent(plan=plan, cards=False, kpi_years=True))
    folder = tmp_path / "returned"
    folder.mkdir()
    prefill_all(master, folder)
    _, summary = run_consolidate(folder, "-o", tmp_path / "again.xlsx", "--previous", master)
    assert conflicts_of(summary) == []
    again = strip_sources(read_master(tmp_path / "again.xlsx").plan)
    assert again.measures == plan.measures
    assert again.measure("M-008").kpis[0].yearly_targets == {2024: 16000.0, 2025: 20000.0, 2026: 24000.0}
    assert sorted(again.projects, key=lambda p: p.project_id) == sorted(plan.projects, key=lambda p: p.project_id)


# generated plans --------------------------------------------------------------------------

FY = 2024
SECTIONS = ("デジタル化推進本部", STATS, "環境部環境都市推進課", "市民生活部市民課", "上下水道局総務課")
PATHS = (
    ("I デジタル化の基礎条件整備", "(i) デジタル基盤の整備", "ア 地域情報化に係る基盤", "(ア) 行政手続のオンライン化"),
    ("I デジタル化の基礎条件整備", "(ii) デジタル人材の育成"),
    ("II デジタルを活用した創生戦略",),
    (),
)
WORDS = ("電子申請", "オンライン化", "LINE", "研修を実施した。", "RPA・AI-OCR", "2,417千円", "該当なし", "30%")
text = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("、".join)
maybe_text = st.one_of(st.just(""), text)
number = st.integers(-100_000, 1_000_000).map(lambda n: n / 10)
amount = st.one_of(st.none(), st.integers(0, 5_000_000))
month = st.builds(YearMonth, st.integers(2023, 2027), st.integers(1, 12))


@st.composite
def kpis(draw, measure_id: str) -> tuple[Kpi, ...]:  # type: ignore[no-untyped-def]
    found = []
    for n in range(1, draw(st.integers(0, 2)) + 1):
        actual = draw(st.one_of(st.none(), number))
        previous = draw(st.one_of(st.none(), number))
        older = draw(st.one_of(st.none(), number))
        found.append(
            Kpi(
                kpi_id=f"{measure_id}-K{n}",
                measure_id=measure_id,
                name=draw(text),
                kpi_type=draw(st.one_of(st.none(), st.sampled_from(KpiType))),
                unit=draw(st.sampled_from(("%", "件", "人", ""))),
                aggregation=draw(st.sampled_from(Aggregation)),
                direction=draw(st.sampled_from(Direction)),
                baseline=draw(st.one_of(st.none(), number)),
                baseline_fy=draw(st.sampled_from((None, 2022, 2023))),
                target=draw(st.one_of(st.none(), number)),
                target_fy=draw(st.sampled_from((None, 2026))),
                # years beyond the section workbook's columns live in the master's KPI年度値 only
                yearly_targets=draw(st.sampled_from(({}, {FY: 25.0}, {FY: 25.0, FY + 1: 28.0, FY + 2: 30.0}))),
                actuals={y: v for y, v in ((FY - 2, older), (FY - 1, previous), (FY, actual)) if v is not None},
                reference=draw(
                    st.one_of(st.just({}), number.map(lambda v: {FY: v}), number.map(lambda v: {FY - 1: v}))
                ),
                note=draw(maybe_text),
            )
        )
    return tuple(found)


@st.composite
def measures(draw, index: int, sections: tuple[str, ...]) -> Measure:  # type: ignore[no-untyped-def]
    measure_id = f"M-{index:03d}"
    primary = draw(st.sampled_from(sections))
    others = [s for s in sections if s != primary]
    co = draw(st.lists(st.sampled_from(others), unique=True, max_size=2)) if others else []
    stages = {FY: draw(st.sampled_from(Stage))}
    if draw(st.booleans()):
        stages[FY + 1] = draw(st.sampled_from(Stage))
    overrides = {}
    if draw(st.booleans()):
        basis = draw(st.sampled_from([b for b in Basis if b is not stages[FY].basis]))
        overrides[FY] = BasisOverride(basis, draw(maybe_text))
    milestones = tuple(
        Milestone(
            measure_id,
            draw(text),
            planned_from=draw(st.one_of(st.none(), month)),
            planned_to=draw(month),
            status=draw(st.sampled_from(MilestoneStatus)),
            completed_on=draw(st.one_of(st.none(), month)),
            delay_reason=draw(maybe_text),
        )
        for _ in range(draw(st.integers(0, 2)))
    )
    yearly = {"self_grades": draw(st.one_of(st.just({}), st.sampled_from(Grade).map(lambda g: {FY: g})))}
    for name in ("results", "causes", "responses"):
        yearly[name] = draw(st.one_of(st.just({}), text.map(lambda t: {FY: t})))
    return Measure(
        measure_id=measure_id,
        name=draw(text),
        hierarchy=draw(st.sampled_from(PATHS)),
        primary_section=primary,
        co_sections=tuple(co),
        summary=draw(maybe_text),
        target_rationale=draw(maybe_text),
        expected_effect=draw(maybe_text),
        stages=stages,
        basis_overrides=overrides,
        kpis=draw(kpis(measure_id)),
        milestones=milestones,
        **yearly,
    )


@st.composite
def projects(draw, index: int, measure_ids: list[str], sections: tuple[str, ...]) -> BudgetProject:  # type: ignore[no-untyped-def]
    project_id = f"P-{index:03d}-1" if index < 900 else f"P-{index}"
    linked = draw(st.lists(st.sampled_from(measure_ids), unique=True, min_size=1, max_size=3))
    items = draw(st.lists(st.sampled_from(EXPENSE_ITEMS), unique=True, max_size=2))
    sources = draw(st.lists(st.sampled_from(FundingSource), unique=True, max_size=2))

    def amounts() -> Amounts:
        return Amounts(draw(amount), draw(amount), draw(amount))

    return BudgetProject(
        project_id=project_id,
        name=draw(text),
        fiscal_year=FY,
        measure_ids=tuple(linked),
        section=draw(st.sampled_from(("", *sections))),
        total=amounts(),
        lines=tuple(ExpenseLine(project_id, item, amounts()) for item in items),
        funding=tuple(FundingLine(project_id, source, amounts()) for source in sources),
        main_contents=draw(maybe_text),
        specific_funding_note=draw(maybe_text),
    )


@st.composite
def plans(draw) -> Plan:  # type: ignore[no-untyped-def]
    sections = tuple(draw(st.lists(st.sampled_from(SECTIONS), unique=True, min_size=1, max_size=3)))
    found = [draw(measures(i, sections)) for i in range(1, draw(st.integers(1, 4)) + 1)]
    ids = [m.measure_id for m in found]
    numbers = draw(st.lists(st.sampled_from((1, 2, 3, 901, 902)), unique=True, max_size=3))
    budget = [draw(projects(n, ids, sections)) for n in numbers]
    ordered = plan_order(found)
    return Plan(
        name="秋田市デジタル化推進計画2.0",
        version="2.1",
        evaluated_fy=FY,
        measures=tuple(ordered),
        projects=tuple(project_order(budget, ordered)),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(plan=plans())
def test_unchanged_section_workbooks_consolidate_to_the_original_master(plan, tmp_path_factory):
    """The property: every section's pre-filled workbook, sent back unchanged, gives the same data.

    `--previous` brings back what no section workbook holds (later years' targets, older actuals).
    """
    work = tmp_path_factory.mktemp("roundtrip")
    original = write_master(work / "original.xlsx", MasterContent(plan=plan, cards=False, kpi_years=True))
    read_back = read_master(original).plan
    assert strip_sources(read_back) == plan  # the master holds the plan exactly
    folder = work / "returned"
    folder.mkdir()
    prefill_all(original, folder)
    _, summary = run_consolidate(folder, "-o", work / "again.xlsx", "--no-cards", "--previous", original)
    assert (conflicts_of(summary), summary["master"]["not_returned_measures"]) == ([], [])
    assert strip_sources(read_master(work / "again.xlsx").plan) == plan


@pytest.mark.parametrize("fiscal_year", [2025])
def test_template_from_master_for_the_next_year_keeps_structure_not_amounts(tmp_path_factory, tmp_path, fiscal_year):
    master, _ = sample_master(tmp_path_factory)
    target = tmp_path / "next.xlsx"
    prefill_from_master(master, "デジタル化推進本部", target, fiscal_year=fiscal_year, blank_rows=2)
    kpis = {r[1]: r for r in sheet_rows(target, "KPI")[2:] if r[1]}
    assert kpis["M-001-K1"][12] in ("", None)  # 実績値 of FY2025: not known yet
    assert kpis["M-001-K1"][14] == 22.6  # 前年度実績値: FY2024's actual
    projects = {r[0]: r for r in sheet_rows(target, "予算事業")[2:] if r[0]}
    assert projects["P-901"][1] == "秋田市公式LINE運用経費"
    assert projects["P-901"][4:7] == ["", "", ""]
