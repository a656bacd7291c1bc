"""The auditor's checks on the `worked` sample (the transcriber's KPI types, constructed milestones).

These figures rest on the constructions (`constructed` in the data says which); the audit's
own opinions are tested on the plan as published in `test_audit_opinions.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import pytest

from xlplan.core.audit import audit_plan
from xlplan.core.audit.context import AuditRules
from xlplan.core.audit.kpi_types import guess_kpi_type
from xlplan.core.audit.sheet import AUDIT_SHEET_COLUMNS, audit_sheet_rows
from xlplan.core.enums import Grade
from xlplan.core.findings import Code
from xlplan.core.grading import grade_plan
from xlplan.io.rules_file import load_rules
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan("worked")
GRADES = {g.measure_id: g.grade for g in grade_plan(PLAN, load_rules()) if g.grade is not None}
FINDINGS = audit_plan(PLAN, grades=GRADES)


def ids(code: Code) -> list[str]:
    """The measure or project IDs a code was found on, in plan order."""
    return [f.value for f in FINDINGS if f.code is code]


# What the auditor's checks find on the worked sample (also read back from its master).
SAMPLE_COUNTS = {
    "audit-kpi-output-only": 29,
    "audit-schedule-kpi-without-target": 12,
    "audit-near-duplicate": 7,
    "audit-cause-response-missing": 5,
    "audit-execution-rate-low": 5,
    "audit-no-change": 4,
    "audit-suggest-stage-3": 3,
    "audit-settlement-over-budget": 4,
    "audit-stage-without-target": 1,
    "audit-study-only": 2,
    "audit-nothing-spent": 1,
}


def test_counts_by_code():
    assert Counter(str(f.code) for f in FINDINGS) == SAMPLE_COUNTS


def test_output_kpis_include_every_example_of_opinion_5():
    # 意見5 lists pages 87, 89, 90, 91, 103, 117, 118, 121, 122, 126, 130; also 10, 12, 15, 18.
    opinion_5 = {"M-016", "M-017", "M-018", "M-019", "M-030", "M-042", "M-043", "M-046", "M-047", "M-050", "M-052"}
    others = {"M-009", "M-033", "M-044", "M-045", "M-058"}  # opinions 10, 12, 15, 18
    found = set(ids(Code.AUDIT_KPI_OUTPUT_ONLY))
    assert opinion_5 | others <= found
    assert found - opinion_5 - others == {
        "M-003",
        "M-005",
        "M-008",
        "M-010",
        "M-013",
        "M-038",
        "M-040",
        "M-041",
        "M-049",
        "M-055",
        "M-056",
        "M-059",
        "M-064",
    }


def test_the_standardisation_measures_of_one_business_are_near_duplicates():
    found = {f.value: dict(f.params) for f in FINDINGS if f.code is Code.AUDIT_NEAR_DUPLICATE}
    seven = [f"M-0{n}" for n in range(22, 29)]  # 意見11: one 「…システムの標準化」 per section
    assert list(found) == seven
    assert {found[m]["pattern"] for m in seven} == {"システムの標準化"}
    assert found["M-022"]["others"] == "M-023、M-024、M-025、M-026、M-027、M-028"
    assert found["M-022"]["similarity"] == "95%"  # their summaries agree (施策概要)
    # M-021 ends alike but describes its own business (12 tasks, its own budget): its summary agrees
    # 33% with M-022's. M-034/M-035 (「…RPA・AI-OCRの導入」) each have their own task, budget and outcome KPI.
    assert not {"M-021", "M-034", "M-035"} & set(found)


def test_grade_d_without_cause_and_response_is_flagged_and_the_explained_one_is_not():
    assert ids(Code.AUDIT_CAUSE_RESPONSE_MISSING) == ["M-005", "M-018", "M-047", "M-054", "M-060"]
    m060 = next(f for f in FINDINGS if f.code is Code.AUDIT_CAUSE_RESPONSE_MISSING and f.value == "M-060")
    assert dict(m060.params)["why"].startswith("評価Dです。指標「利用者の満足度」の実績値 83 ")
    assert dict(m060.params)["missing"] == "原因・今後の対応"
    assert m060.message().startswith("施策「M-060」（") and "は評価Dです。指標「利用者の満足度」" in m060.message()
    english = m060.message("en")  # the why and the missing fields in English; column names stay as the sheet says
    assert english.startswith("Measure 'M-060' (") and "): it is graded D; " in english
    assert ", but 原因 and 今後の対応 are not written. Fill in 原因 and 今後の対応 (" in english
    prose = english
    for kept in (dict(m060.params)["name"], "「利用者の満足度」", "今後の対応"):  # data, column names: as written
        prose = prose.replace(kept, "")
    assert not re.search("[\u3040-\u309f]", prose), english  # no hiragana: no Japanese sentence left
    assert GRADES["M-065"] is Grade.D  # 意見21: D, with its cause and response written → silent


def test_baseline_target_and_actual_equal_suggests_stage_3():
    # 意見18 is M-058. M-040 (20 = 20 = 20) is a trial that goes back to stage 1 (意見14), not on to 3.
    assert ids(Code.AUDIT_SUGGEST_STAGE_3) == ["M-043", "M-058", "M-061"]


def test_stagnant_measures_and_nothing_spent():
    assert ids(Code.AUDIT_NO_CHANGE) == ["M-005", "M-018", "M-049", "M-054"]  # 意見16 M-049, 意見17 M-054
    [spent] = [f for f in FINDINGS if f.code is Code.AUDIT_NOTHING_SPENT]
    assert (spent.value, dict(spent.params)["measure"], dict(spent.params)["budget"]) == ("P-049-1", "M-049", "550")


def test_budget_execution():
    over = {f.value: dict(f.params) for f in FINDINGS if f.code is Code.AUDIT_SETTLEMENT_OVER_BUDGET}
    assert {p: (v["measure"], v["budget"], v["settlement"]) for p, v in over.items()} == {
        "P-010-1": ("M-010", "7", "8"),
        "P-014-1": ("M-014", "2,086", "2,229"),
        "P-017-1": ("M-017", "19", "40"),
        "P-018-1": ("M-018", "11,000", "11,275"),
    }
    low = {f.value: dict(f.params)["rate"] for f in FINDINGS if f.code is Code.AUDIT_EXECUTION_RATE_LOW}
    assert low == {"P-030-1": "44.0%", "P-040-1": "11.1%", "P-041-1": "26.8%", "P-054-1": "36.5%", "P-066-1": "46.3%"}


def test_stage_2_measures_that_look_like_stage_1():
    assert ids(Code.AUDIT_STUDY_ONLY) == ["M-005", "M-040"]  # 意見8 (results), 意見14 (name and results)
    assert ids(Code.AUDIT_STAGE_WITHOUT_TARGET) == ["M-067"]  # M-012 already moved to stage 1 with a reason


def test_schedule_managed_measures_with_kpis_but_no_target():
    assert ids(Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET) == [
        "M-020",
        "M-021",
        "M-022",
        "M-023",
        "M-024",
        "M-025",
        "M-026",
        "M-027",
        "M-028",
        "M-031",
        "M-051",
        "M-063",
    ]  # 意見11 names M-020–M-028


def test_the_sample_self_grades_all_agree_with_the_rules():
    assert ids(Code.SELF_GRADE_MISMATCH) == []
    tampered = replace(
        PLAN,
        measures=tuple(
            replace(m, self_grades={2024: Grade.A}) if m.measure_id == "M-060" else m for m in PLAN.measures
        ),
    )
    found = [f for f in audit_plan(tampered, grades=GRADES) if f.code is Code.SELF_GRADE_MISMATCH]
    assert [(f.value, dict(f.params)["computed"], dict(f.params)["measure"]) for f in found] == [("A", "D", "M-060")]


def test_two_years_of_weak_grades_with_last_years_plan():
    """FY2025 with the same C/D grades as FY2024: the measures graded C or D twice are flagged."""
    this_year = replace(
        PLAN,
        evaluated_fy=2025,
        measures=tuple(
            replace(
                m,
                self_grades={2025: m.self_grades[2024]} if 2024 in m.self_grades else {},
                stages={2025: s} if (s := m.stages.get(2025) or m.stages.get(2024)) else {},
            )
            for m in PLAN.measures
        ),
        projects=(),
    )
    found = audit_plan(this_year, previous=PLAN, previous_grades=GRADES, skip={"audit-near-duplicate"})
    weak = [f.value for f in found if f.code is Code.AUDIT_WEAK_TWO_YEARS]
    assert weak == ["M-005", "M-018", "M-049", "M-054", "M-060", "M-065"]


def test_kpi_types_guessed_from_names_and_the_transcribers_types():
    """Where the guess and the transcriber differ: shares of a service's use, and one count."""
    rules = AuditRules()
    kpis = [k for m in PLAN.measures for k in m.kpis]
    differ = {k.measure_id for k in kpis if guess_kpi_type(k.name, rules)[0] is not k.kpi_type}
    assert len(kpis) == 60
    # The transcriber typed these usage shares outcomes; the audit calls such shares and counts
    # outputs (意見15 利用者数, 意見18 達成率, 意見5 M-047's 割合), and so does the guess.
    assert differ == {"M-001", "M-002", "M-004", "M-015", "M-054", "M-057", "M-061", "M-062", "M-065"}


def test_without_entered_types_every_guess_is_reported_as_a_guess():
    untyped = replace(
        PLAN, measures=tuple(replace(m, kpis=tuple(replace(k, kpi_type=None) for k in m.kpis)) for m in PLAN.measures)
    )
    found = audit_plan(untyped, grades=GRADES)
    guessed = [f for f in found if f.code is Code.AUDIT_KPI_TYPE_GUESSED]
    assert len(guessed) == 47  # every KPI of the KPI-managed measures
    assert not [f for f in found if f.code is Code.AUDIT_KPI_TYPE_MISSING]
    output_only = [f for f in found if f.code is Code.AUDIT_KPI_OUTPUT_ONLY]
    assert all("指標名からの推定です" in f.message() for f in output_only)
    assert {f.value for f in output_only} - set(ids(Code.AUDIT_KPI_OUTPUT_ONLY)) == {
        "M-001",
        "M-002",
        "M-004",
        "M-015",
        "M-054",
        "M-057",
        "M-061",
        "M-062",
        "M-065",
    }


def test_the_audit_sheet_lists_every_finding_by_measure_with_its_opinion():
    rows = audit_sheet_rows(FINDINGS)
    assert len(rows) == len(FINDINGS)
    header = [c.header for c in AUDIT_SHEET_COLUMNS]
    assert header == ["施策ID", "対象", "名称", "区分", "観点", "監査意見", "コード", "内容", "場所"]
    first = dict(zip(header, rows[0], strict=True))
    assert (first["施策ID"], first["コード"], first["監査意見"], first["区分"]) == (
        "M-003",
        "audit-kpi-output-only",
        "監査意見5・6",
        "警告",
    )
    m060 = [r[6] for r in rows if r[0] == "M-060"]
    assert m060 == ["audit-cause-response-missing"]
    over = next(r for r in rows if r[1] == "P-018-1")
    assert (over[0], over[2], over[5]) == ("M-018", "流量・水圧遠隔監視システム整備事業", "視点④")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_sample_message_renders_without_a_gap(lang):
    for finding in FINDINGS:
        text = finding.message(lang)
        assert "{" not in text and "「」" not in text and "（）" not in text, text
