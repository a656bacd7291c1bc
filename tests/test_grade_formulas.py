"""The live grade formulas of the section workbook, recalculated by a real spreadsheet engine.

LibreOffice headless opens the workbooks xlplan writes (one soffice run for all of them),
recalculates every formula and saves the results; each formula grade must equal the grade the
Python engine computes from the same workbook, and the grade each case expects. LibreOffice is
the test oracle only: its re-saved files never leave the test's temporary folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.libreoffice import recalculate
from xlplan.app.grade import GradedWorkbook, grade_workbook
from xlplan.core.disassemble import section_records
from xlplan.core.enums import Basis, Grade, Stage
from xlplan.core.grading import KpiGap, assess_kpi
from xlplan.core.grading.rules import GradeRules, KpiOutcome, KpiRules, KpiTarget, ScheduleRules
from xlplan.core.layout import FIRST_DATA_ROW, KPI, LIFECYCLE, MEASURES
from xlplan.io.grade_formulas import FormulaContext, computed_formulas, fiscal_year_spellings
from xlplan.io.rules_file import load_rules
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.sample import load_sample_plan

pytestmark = pytest.mark.libreoffice

SECTION = "企画財政部情報統計課"
HIGHER, LOWER = "高いほど良い", "低いほど良い"


def K(baseline, target, actual, *, direction=HIGHER, yearly=None, reference=None, kpi_id=True) -> dict[str, Any]:
    """One KPI row as typed: baseline, target, actual (None = left empty)."""
    return {
        "baseline": baseline,
        "target": target,
        "actual": actual,
        "direction": direction,
        "yearly_target": yearly,
        "reference": reference,
        "kpi_id": kpi_id,
    }


@dataclass(frozen=True)
class Case:
    """One measure of the oracle workbook and the grade it must get."""

    name: str
    expected: str | None
    stage: object = "2"  # as typed in ライフサイクル; None → no row
    fiscal_year: object = 2024
    basis: str | None = None
    kpis: tuple[dict[str, Any], ...] = ()
    milestones: tuple[tuple[str | None, str | None], ...] = ()  # (予定時期（終了）, 状況)
    self_grade: str | None = None
    mismatch: bool = False


def kpi_case(name: str, expected: str | None, *kpis: dict[str, Any], **kw: Any) -> Case:
    return Case(name, expected, kpis=kpis, **kw)


def schedule_case(name: str, expected: str | None, *milestones: tuple[str | None, str | None], **kw: Any) -> Case:
    return Case(name, expected, stage=kw.pop("stage", "1"), milestones=milestones, **kw)


AKITA_CASES: tuple[Case, ...] = (
    # one KPI, higher is better
    kpi_case("improved M-001", "B", K(21.1, 30.0, 22.6, reference=43.8)),
    kpi_case("beyond the target M-009", "A", K(149, 155, 157)),
    kpi_case("tie at the target M-003", "A", K(7, 10, 10)),
    kpi_case("tie baseline = target = actual M-040", "A", K(20, 20, 20)),
    kpi_case("tie to 9 decimals above", "A", K(0.1, 0.3, 0.30000000001)),
    kpi_case("tie to 9 decimals below", "A", K(0.1, 0.3, 0.29999999999)),
    kpi_case("just short of the target", "B", K(0.1, 0.3, 0.2999999)),
    kpi_case("flat M-005", "C", K(2, 3, 2)),
    kpi_case("flat at zero M-049", "C", K(0, 1, 0)),
    kpi_case("worse M-060", "D", K(84, 86, 83)),
    kpi_case("worse M-065", "D", K(95.4, 100, 84.8)),
    kpi_case("reference above the target never grades", "B", K(21.1, 30.0, 22.6, reference=50)),
    kpi_case("yearly target reached, plan target not M-008", "B", K(5722, 24000, 21408, yearly=16000)),
    kpi_case("negative figures", "B", K(-5, 5, -1)),
    # lower is better
    kpi_case("lower: beyond the target", "A", K(120, 60, 55, direction=LOWER)),
    kpi_case("lower: tie at the target", "A", K(120, 60, 60, direction=LOWER)),
    kpi_case("lower: improved", "B", K(120, 60, 90, direction=LOWER)),
    kpi_case("lower: flat", "C", K(120, 60, 120, direction=LOWER)),
    kpi_case("lower: worse", "D", K(120, 60, 130, direction=LOWER)),
    kpi_case("direction left empty counts as higher", "B", K(1, 10, 5, direction=None)),
    # missing values
    kpi_case("no actual", None, K(21.1, 30.0, None)),
    kpi_case("no target M-067", None, K(None, None, 73.0)),
    kpi_case("no baseline, target not reached", None, K(None, 30, 20)),
    kpi_case("no baseline, target reached", "A", K(None, 30, 31)),
    kpi_case("KPI measure without KPI rows", None),
    kpi_case("a KPI row without 指標ID is ignored", None, K(1, 10, 5, kpi_id=False)),
    # several KPIs
    kpi_case("several: all reached", "A", K(1, 2, 2), K(5, 6, 7)),
    kpi_case("several: 2 of 3 reached M-010", "B", K(1931, 1950, 1955), K(14116, 15000, 14648), K(14776, 16000, 16452)),
    kpi_case("several: reached and worse", "B", K(1, 2, 2), K(5, 9, 4)),
    kpi_case("several: improved and worse", "B", K(1, 5, 2), K(5, 9, 4)),
    kpi_case("several: flat and worse", "C", K(1, 5, 1), K(5, 9, 4)),
    kpi_case("several: all worse", "D", K(3, 5, 1), K(5, 9, 4)),
    kpi_case("several: one without actual", None, K(1, 2, 2), K(1, 2, None)),
    kpi_case("several, lower and higher", "B", K(120, 60, 60, direction=LOWER), K(10, 20, 15)),
    kpi_case("stage 4 is graded by KPI", "B", K(1, 10, 5), stage="4"),
    kpi_case("stage typed as the number 2", "B", K(1, 10, 5), stage=2),
    kpi_case("fiscal year typed R6", "B", K(1, 10, 5), fiscal_year="R6"),
    kpi_case("fiscal year typed 令和６年度 (full width)", "B", K(1, 10, 5), fiscal_year="令和６年度"),
    kpi_case("fiscal year typed 2024年度", "B", K(1, 10, 5), fiscal_year="2024年度"),
    # schedule (evaluation date 2025-03-31)
    schedule_case("all done", "A", ("2024-09", "完了"), ("2025-03", "完了")),
    schedule_case("done late M-053", "A", ("2024-06", "完了")),
    schedule_case("under way, due later M-007", "B", ("2025-03", "完了"), ("2027-03", "実施中")),
    schedule_case("preparing, due next year M-006", "B", ("2025-03", "完了"), ("2026-03", "準備中")),
    schedule_case("due in the evaluation month is not late", "B", ("2025-03", "実施中")),
    schedule_case("future milestones not started M-031", "B", ("2025-03", "完了"), ("2026-03", "未着手")),
    schedule_case("no due month", "B", (None, "実施中")),
    schedule_case("past due, in progress", "C", ("2025-02", "実施中"), ("2027-03", "実施中")),
    schedule_case("past due, not started", "C", ("2024-09", "未着手"), ("2027-03", "実施中")),
    schedule_case("past due, status left empty", "C", ("2024-09", None), ("2027-03", "実施中")),
    schedule_case("nothing started", "D", ("2025-09", "未着手"), ("2026-03", "未着手")),
    schedule_case("nothing started though past due", "D", ("2024-09", "未着手"), ("2026-03", None)),
    schedule_case("stage 3・4 is graded by schedule", "B", ("2027-03", "実施中"), stage="3・4"),
    schedule_case("schedule measure without milestones", None),
    # basis, stage and self-grade
    Case(
        "stage 2 graded by schedule M-012",
        "B",
        stage="2",
        basis="スケジュール",
        kpis=(K(None, None, None),),
        milestones=(("2027-03", "実施中"),),
        self_grade="B",
    ),
    Case("stage 1 graded by KPI", "A", stage="1", basis="評価指標", kpis=(K(1, 2, 2),), self_grade="A"),
    Case("stage 3 is not graded", None, stage="3", kpis=(K(1, 2, 2),)),
    Case("stage 5 is not graded", None, stage="5", milestones=(("2027-03", "実施中"),)),
    Case("no lifecycle row", None, stage=None, kpis=(K(1, 2, 2),)),
    Case("a lifecycle row of another year only", None, fiscal_year="令和5年度", kpis=(K(1, 2, 2),)),
    Case("a stage not in the list", None, stage="6", kpis=(K(1, 2, 2),)),
    kpi_case("self-grade differs", "B", K(1, 10, 5), self_grade="C", mismatch=True),
    kpi_case("self-grade equal, typed lower-case", "B", K(1, 10, 5), self_grade="b"),
    Case("self-grade where nothing is graded", None, stage="3", self_grade="A", mismatch=True),
)

OTHER_RULES = GradeRules(
    name="架空市",
    stage_basis={**GradeRules().stage_basis, Stage.STABLE: Basis.KPI},
    kpi=KpiRules(target=KpiTarget.YEARLY, reached_band=0.05, flat_band=0.05, partly_reached=Grade.C),
    schedule=ScheduleRules(overdue=Grade.D),
)
OTHER_CASES: tuple[Case, ...] = (
    kpi_case("yearly target reached M-008", "A", K(5722, 24000, 21408, yearly=16000)),
    kpi_case("no yearly target: plan target", "B", K(5722, 24000, 21408)),
    kpi_case("within 5 % of the target", "A", K(100, 200, 191)),
    kpi_case("just outside 5 % of the target", "B", K(100, 200, 189)),
    kpi_case("within 5 % of the baseline is flat", "C", K(100, 200, 104)),
    kpi_case("lower: within 5 % of the baseline", "C", K(100, 50, 96, direction=LOWER)),
    kpi_case("lower: within 5 % of the target", "A", K(100, 50, 52, direction=LOWER)),
    kpi_case("partly reached is C here", "C", K(1, 2, 2), K(1, 5, 3)),
    schedule_case("past due is D here", "D", ("2024-09", "実施中")),
    Case("stage 3 is graded by KPI here", "A", stage="3", kpis=(K(1, 2, 2),)),
)


def build_records(cases: tuple[Case, ...]) -> tuple[dict[str, list[dict[str, object]]], dict[str, Case]]:
    records: dict[str, list[dict[str, object]]] = {"measures": [], "lifecycle": [], "kpi": [], "schedule": []}
    by_id: dict[str, Case] = {}
    for number, case in enumerate(cases, start=100):
        measure_id = f"M-{number:03d}"
        by_id[measure_id] = case
        records["measures"].append(
            {"measure_id": measure_id, "name": case.name, "primary_section": SECTION, "self_grade": case.self_grade}
        )
        if case.stage is not None:
            records["lifecycle"].append(
                {
                    "measure_id": measure_id,
                    "fiscal_year": case.fiscal_year,
                    "stage": case.stage,
                    "basis": case.basis,
                    "reason": "段階と異なる方法で評価" if case.basis else None,
                }
            )
        for n, kpi in enumerate(case.kpis, start=1):
            records["kpi"].append(
                {
                    "measure_id": measure_id,
                    "kpi_id": f"{measure_id}-K{n}" if kpi["kpi_id"] else None,
                    "name": f"指標{n}",
                    "aggregation": "年",
                    **{k: v for k, v in kpi.items() if k != "kpi_id"},
                }
            )
        for n, (due, status) in enumerate(case.milestones, start=1):
            records["schedule"].append(
                {"measure_id": measure_id, "name": f"工程{n}", "planned_to": due, "status": status}
            )
    return records, by_id


@dataclass
class Oracle:
    """One workbook: what Python computed from it and what LibreOffice's formulas computed."""

    python: GradedWorkbook
    measures: dict[str, tuple[str | None, str | None, str | None]] = field(default_factory=dict)  # id → M, N, O
    kpis: dict[tuple[str, int], tuple[str | None, str | None]] = field(default_factory=dict)  # (id, n) → Q, R
    errors: list[str] = field(default_factory=list)  # computed cells holding an error value (#NAME? …)
    blank_rows: list[tuple[str | None, ...]] = field(default_factory=list)  # 施策 M:O of rows without an ID

    def grade(self, measure_id: str):  # type: ignore[no-untyped-def]
        return next(g for g in self.python.grades if g.measure_id == measure_id)


def _read_back(path: Path, python: GradedWorkbook) -> Oracle:
    oracle = Oracle(python)
    workbook = openpyxl.load_workbook(path, data_only=True)
    measures = workbook[MEASURES.name]
    letters = [MEASURES.letter(f) for f in ("grade", "grade_reason", "grade_check")]
    for row in range(FIRST_DATA_ROW, measures.max_row + 1):
        measure_id = measures[f"A{row}"].value
        values = tuple(_text(measures[f"{c}{row}"].value) for c in letters)
        if measure_id:
            oracle.measures[measure_id] = values  # type: ignore[assignment]
        else:
            oracle.blank_rows.append(values)
    kpi_sheet = workbook[KPI.name]
    seen: dict[str, int] = {}
    for row in range(FIRST_DATA_ROW, kpi_sheet.max_row + 1):
        measure_id = kpi_sheet[f"A{row}"].value
        if measure_id:
            seen[measure_id] = seen.get(measure_id, 0) + 1
            values = (
                kpi_sheet[f"{KPI.letter('kpi_grade')}{row}"].value,
                kpi_sheet[f"{KPI.letter('kpi_reason')}{row}"].value,
            )
            oracle.kpis[(measure_id, seen[measure_id])] = tuple(_text(v) for v in values)  # type: ignore[assignment]
    for layout in (MEASURES, LIFECYCLE, KPI):
        sheet = workbook[layout.name]
        for column in layout.computed:
            letter = layout.letter(column.field)
            for row in range(FIRST_DATA_ROW, sheet.max_row + 1):
                value = sheet[f"{letter}{row}"].value
                if isinstance(value, str) and (value.startswith("#") or value.startswith("Err:")):
                    oracle.errors.append(f"{layout.name}!{letter}{row}: {value}")
    workbook.close()
    return oracle


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


@pytest.fixture(scope="module")
def oracles(tmp_path_factory) -> dict[str, Oracle]:
    """Write three workbooks (Akita cases, other rules, the sample plan); recalculate them in one run."""
    folder = tmp_path_factory.mktemp("formulas")
    plan = load_sample_plan()
    jobs = {
        "akita": (build_records(AKITA_CASES)[0], None),
        "other": (build_records(OTHER_CASES)[0], OTHER_RULES),
        "sample": (section_records(plan.measures, plan.projects, 2024), None),
    }
    sources = []
    for name, (records, rules) in jobs.items():
        path = folder / f"{name}.xlsx"
        # the whole sample in one workbook, stamped with no section, so that every measure is its own
        section = "" if name == "sample" else SECTION
        write_section_workbook(
            path, TemplateOptions(fiscal_year=2024, section=section, blank_rows=3, rules=rules), records
        )
        sources.append(path)
    recalculated = recalculate(sources, folder / "recalculated")
    return {
        name: _read_back(result, grade_workbook(source, rules or load_rules()))
        for (name, (_, rules)), source, result in zip(jobs.items(), sources, recalculated, strict=True)
    }


def _assert_case(oracle: Oracle, measure_id: str, case: Case) -> None:
    python = oracle.grade(measure_id)
    formula_grade, formula_reason, formula_check = oracle.measures[measure_id]
    expected = Grade(case.expected.upper()) if case.expected else None
    assert python.grade == expected, python.trace
    assert formula_grade == case.expected, (formula_reason, python.trace)
    assert formula_reason == python.summary
    assert (formula_check == "要確認") is python.mismatch is case.mismatch
    # KPI rows show their own grade whatever the measure's basis; compare each with the engine's
    [measure] = [m for m in oracle.python.measures if m.measure_id == measure_id]
    labels = {int(k.kpi_id.rsplit("K", 1)[1]): assess_kpi(k, 2024, oracle.python.rules) for k in measure.kpis}
    assert list(python.kpis) == ([labels[n] for n in sorted(labels)] if python.basis is Basis.KPI else [])
    for n, kpi in enumerate(case.kpis, start=1):
        formula_kpi_grade, formula_label = oracle.kpis[(measure_id, n)]
        if not kpi["kpi_id"] or python.basis is not Basis.KPI:  # KPI rows grade only under the KPI basis
            assert (formula_kpi_grade, formula_label) == (None, None)
            continue
        assessment = labels[n]
        assert formula_label == assessment.label, assessment.trace
        assert formula_kpi_grade == (assessment.grade.value if assessment.grade else None)


@pytest.mark.parametrize("index", range(len(AKITA_CASES)), ids=lambda i: AKITA_CASES[i].name)
def test_formula_grade_equals_the_engine_with_akita_rules(oracles, index):
    _assert_case(oracles["akita"], f"M-{100 + index:03d}", AKITA_CASES[index])


@pytest.mark.parametrize("index", range(len(OTHER_CASES)), ids=lambda i: OTHER_CASES[i].name)
def test_formula_grade_follows_other_rules_data(oracles, index):
    _assert_case(oracles["other"], f"M-{100 + index:03d}", OTHER_CASES[index])


def test_no_formula_evaluates_to_an_error(oracles):
    assert {name: oracle.errors for name, oracle in oracles.items()} == {"akita": [], "other": [], "sample": []}
    # the formatted rows below the data (3 per sheet here) stay blank
    assert oracles["akita"].blank_rows == [(None, None, None)] * 3


def test_the_cases_cover_every_rule_branch(oracles):
    assert len(AKITA_CASES) >= 40
    grades = oracles["akita"].python.grades
    labels = {a.label for g in grades for a in g.kpis}
    assert labels >= {o.value for o in KpiOutcome} | {g.value for g in KpiGap}
    assert {g.grade for g in grades if g.basis is Basis.SCHEDULE} == {Grade.A, Grade.B, Grade.C, Grade.D, None}
    assert {g.grade for g in grades if g.basis is Basis.KPI} == {Grade.A, Grade.B, Grade.C, Grade.D, None}
    assert {g.basis for g in grades} == {Basis.KPI, Basis.SCHEDULE, Basis.NONE, None}
    assert any(g.override_reason for g in grades)
    assert sum(len(g.kpis) > 1 for g in grades) >= 7


def test_formulas_reproduce_every_published_grade_of_the_sample(oracles):
    oracle = oracles["sample"]
    plan = load_sample_plan()
    published = {m.measure_id: m.self_grades[2024].value for m in plan.measures if 2024 in m.self_grades}
    formula = {measure_id: values[0] for measure_id, values in oracle.measures.items()}
    assert len(formula) == 68
    assert {k: formula[k] for k in published} == published
    assert formula["M-067"] is None
    assert [k for k, values in oracle.measures.items() if values[2]] == []  # no 要確認 anywhere
    assert {k: values[1] for k, values in oracle.measures.items()} == {
        g.measure_id: g.summary for g in oracle.python.grades
    }
    assert oracle.measures["M-010"][1] == "評価指標3件: 達成2・改善1・横ばい0・悪化0"
    assert oracle.measures["M-012"][1] == "工程2件: 完了0・遅れ0・未着手0"


# Formula text (no spreadsheet engine needed) ----------------------------------------------------

_FORBIDDEN = re.compile(
    r"\b(XLOOKUP|XMATCH|LET|LAMBDA|FILTER|SORT|UNIQUE|SEQUENCE|IFS|MAXIFS|MINIFS|SWITCH|TEXTJOIN|CONCAT)\("
)


@pytest.mark.parametrize("layout", [MEASURES, KPI], ids=lambda layout: layout.key)
def test_formulas_use_only_functions_every_engine_has(layout):
    ctx = FormulaContext(load_rules(), 2024, {"measures": 102, "lifecycle": 102, "schedule": 102, "kpi": 102})
    formulas = computed_formulas(layout, 3, ctx)
    assert set(formulas) == {c.field for c in layout.computed}
    for text in formulas.values():
        assert text.startswith("=")
        assert not _FORBIDDEN.search(text), text
        assert "_xlfn" not in text and "@" not in text
        assert len(text) < 8192


def test_the_thresholds_come_from_the_rules():
    sizes = {"measures": 10, "lifecycle": 10, "schedule": 10, "kpi": 10}
    akita = computed_formulas(KPI, 3, FormulaContext(load_rules(), 2024, sizes))["kpi_reason"]
    other = computed_formulas(KPI, 3, FormulaContext(OTHER_RULES, 2024, sizes))["kpi_reason"]
    assert 'ROUND(IF($G3="低いほど良い",-1,1)*($M3-$J3),9)>=0' in akita
    assert "ROUND(ABS($M3-$H3),9)<=0" in akita
    assert "+0.05*ABS(IF(ISNUMBER($L3),$L3,$J3))" in other
    assert "ROUND(ABS($M3-$H3)-0.05*ABS($H3),9)<=0" in other


def test_every_fiscal_year_spelling_reads_as_that_year():
    from xlplan.core.fiscal import parse_fiscal_year

    spellings = fiscal_year_spellings(2024)
    assert {"令和6年度", "R6", "2024", 2024, "令和６年度"} <= set(spellings)
    assert {parse_fiscal_year(s) for s in spellings} == {2024}
