"""The bundled sample plan: real figures from the audit report, and its trip through the workbooks."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path

import pytest

from xlplan.app.check import check_paths
from xlplan.app.prefill import write_section_workbooks
from xlplan.core.enums import Stage
from xlplan.core.model import Amounts, Measure
from xlplan.sample import AS_PUBLISHED, SAMPLE_FILE, WORKED, load_sample_plan, sample_oddities

PLAN = load_sample_plan()
PUBLISHED = load_sample_plan(AS_PUBLISHED)
RAW = json.loads(resources.files("xlplan.sample").joinpath("data", SAMPLE_FILE).read_text(encoding="utf-8"))
SEED = Path("/work/shared/seed/000_f4c5c2cee7d28eb1.txt")  # the audit report, where it is at hand
_LINE = re.compile(r"^L(\d+)(?:–(\d+))?$")
# The measure table's row each field is read from (seed labels), and the fields our constructions may touch.
FIELD_ROWS = {
    "name": "name",
    "summary": "summary",
    "sections": "sections",
    "project_names_text": "project_names_text",
    "stages": "stages",
    "target_rationale": "target_rationale",
    "expected_effect": "expected_effect",
    "self_grade": "self_grade",
    "grade_note": "self_grade",
    "results": "results",
    "cause": "results",  # from 取組結果 or the ※ note of its table, unless marked constructed
    "response": "results",
    "kpis": "kpis",
    "project_ids": "budget",
}
CONSTRUCTIONS = {"milestones", "kpis.kpi_type", "cause", "response", "kpis"}


def _lines(text: str) -> tuple[int, int]:
    found = _LINE.match(text)
    assert found, text
    first = int(found[1])
    return first, int(found[2] or first)


def test_every_value_is_the_reports_with_its_line_or_constructed_with_why():
    for m in RAW["measures"]:
        table = _lines(m["seed"]["table"])
        assert 1896 <= table[0] <= table[1] <= 3850, m["measure_id"]  # the measure tables of the report
        rows = m["seed"]["lines"]
        assert all(table[0] <= _lines(v)[0] <= table[1] for v in rows.values()), m["measure_id"]
        marks = m["constructed"]
        assert set(marks) <= CONSTRUCTIONS and all(len(why) > 20 for why in marks.values()), m["measure_id"]
        for field, row in FIELD_ROWS.items():
            if m.get(field) not in (None, "", [], {}) and field.split(".")[0] not in marks:
                assert row in rows, (m["measure_id"], field)
        if m["kpis"]:
            assert "targets" in rows and "self_grade" in rows, m["measure_id"]  # 目標値・基準値, 実績値
        assert bool(m["milestones"]) == ("milestones" in marks), m["measure_id"]  # the report has none
        assert any(k.get("kpi_type") for k in m["kpis"]) == ("kpis.kpi_type" in marks), m["measure_id"]
    for p in RAW["budget_projects"]:
        assert _lines(p["seed"]["lines"])[0] >= 1896, p["project_id"]
    for convention in RAW["plan"]["conventions"]:
        assert convention["source"] and convention["note"]


def test_the_constructions_are_the_ones_we_know_of():
    marks = {m["measure_id"]: set(m["constructed"]) for m in RAW["measures"]}
    assert sum("milestones" in v for v in marks.values()) == 23  # every schedule-graded measure
    assert sum("kpis.kpi_type" in v for v in marks.values()) == 57  # every measure with a KPI
    assert {m for m, v in marks.items() if "cause" in v} == {"M-048", "M-054", "M-065"}  # auditor's words
    assert {m for m, v in marks.items() if "response" in v} == {"M-007", "M-048"}
    assert {m for m, v in marks.items() if "kpis" in v} == {"M-007"}  # its KPI without a target, dropped


@pytest.mark.skipif(not SEED.exists(), reason="the audit report is not at hand")
def test_the_seed_lines_point_at_the_rows_they_name():
    labels = {"name": "施策名", "summary": "施策概要", "sections": "関連課所室", "stages": "ライフサイクル"}
    seed = SEED.read_text(encoding="utf-8").split("\n")
    for m in RAW["measures"]:
        for field, label in labels.items():
            line = seed[_lines(m["seed"]["lines"][field])[0] - 1]
            assert line.startswith(label), (m["measure_id"], field, line[:20])
        assert m["name"].replace(" ", "") in seed[_lines(m["seed"]["lines"]["name"])[0] - 1].replace(" ", "")


def test_as_published_holds_only_what_the_report_says():
    assert not [m for m in PUBLISHED.measures if m.milestones]
    assert not [k for m in PUBLISHED.measures for k in m.kpis if k.kpi_type is not None]
    for measure_id in ("M-048", "M-054", "M-065"):  # causes written by the auditor, not the section
        assert 2024 not in PUBLISHED.measure(measure_id).causes, measure_id
        assert 2024 in PLAN.measure(measure_id).causes, measure_id
    [kpi] = PUBLISHED.measure("M-007").kpis  # L2084–2085: a KPI with no target, baseline or actual
    assert (kpi.name, kpi.target, kpi.baseline, kpi.actuals) == ("日本産業規格への適合レベル", None, None, {})
    assert PLAN.measure("M-007").kpis == ()
    # Everything else is the same data: names, figures, budgets.
    assert [m.name for m in PUBLISHED.measures] == [m.name for m in PLAN.measures]
    assert PUBLISHED.projects == PLAN.projects
    assert [
        (k.name, k.baseline, k.target, k.actuals) for m in PUBLISHED.measures if m.measure_id != "M-007" for k in m.kpis
    ] == [(k.name, k.baseline, k.target, k.actuals) for m in PLAN.measures for k in m.kpis]


def test_an_unknown_variant_is_refused():
    assert load_sample_plan() == load_sample_plan(WORKED)
    with pytest.raises(ValueError, match="as-published"):
        load_sample_plan("published")


def test_the_opinions_naming_measures_carry_their_lines():
    for opinion in RAW["audit_opinions"]:
        first, last = _lines(opinion["lines"])
        assert 4498 <= first <= last <= 4756, opinion["opinion"]
        assert {m["measure_id"] for m in RAW["measures"]} >= set(opinion["measures"])


def test_sixty_eight_measures_with_stable_unique_ids():
    ids = [m.measure_id for m in PLAN.measures]
    assert ids == [f"M-{n:03d}" for n in range(1, 69)]
    assert PLAN.measures[0].name == "オンライン化による行政サービスの推進"
    assert PLAN.measures[-1].name == "デジタル化に関連したサービスの活用による地域課題の解決"


def test_hierarchy_is_ragged_and_rooted_in_the_two_pillars():
    roots = {m.hierarchy[0] for m in PLAN.measures}
    assert roots == {"I デジタル化の基礎条件整備", "II デジタルを活用した創生戦略"}
    assert {len(m.hierarchy) for m in PLAN.measures} >= {2, 4}


@pytest.mark.parametrize(
    ("project_id", "measures", "initial"),
    [("P-901", ("M-008", "M-013", "M-059", "M-060"), 2417), ("P-902", ("M-009", "M-038", "M-042", "M-046"), 1318)],
)
def test_shared_projects_are_one_project_linked_to_several_measures(project_id, measures, initial):
    [project] = [p for p in PLAN.projects if p.project_id == project_id]
    assert project.measure_ids == measures
    assert project.total.initial == initial
    assert project.is_shared


def test_every_project_adds_up_by_item_and_by_funding():
    for project in PLAN.projects:
        assert project.lines_total() == project.total, project.project_id
        assert project.funding_total() == project.total, project.project_id


@pytest.mark.parametrize(
    ("measure_id", "initial"),
    # 当初予算 of the list table at L1761–1869 (the shared projects count in full for each measure)
    [
        ("M-001", 2873),
        ("M-002", 946),
        ("M-004", 97923),
        ("M-008", 2417),
        ("M-021", 20978),
        ("M-029", 50489),
        ("M-047", 9141),
        ("M-064", 244705),
        ("M-066", 33230),
        ("M-005", 0),
    ],
)
def test_budget_per_measure_matches_the_list_table(measure_id, initial):
    assert sum(p.total.initial or 0 for p in PLAN.projects_of(measure_id)) == initial


def test_supplementary_budget_is_kept_apart_from_the_initial_budget():
    [standard] = PLAN.projects_of("M-021")  # L2530: 20,978 initial, 52,394 after supplement, settled
    assert standard.total == Amounts(20978, 52394, 52394)
    assert standard.total.execution_rate == 1.0


def test_plan_total_counts_each_shared_project_once():
    per_measure = sum(p.total.initial or 0 for m in PLAN.measures for p in PLAN.projects_of(m.measure_id))
    once = PLAN.budget_total().initial
    assert per_measure - once == 3 * 2417 + 3 * 1318  # P-901 and P-902 each fund four measures
    assert once == sum(p.total.initial or 0 for p in PLAN.projects)


def test_the_stage_two_measure_graded_by_schedule_rules_records_why():
    measure = PLAN.measure("M-012")
    assert measure.stages == {2024: Stage.EXPAND, 2025: Stage.BUILD}
    override = measure.basis_overrides[2024]
    assert override.basis.value == "スケジュール" and "段階1" in override.reason


def test_published_grades_cover_the_44_kpi_graded_measures():
    kpi_graded = [m for m in PLAN.measures if m.basis_in(2024).value == "評価指標" and m.self_grades]
    assert len(kpi_graded) == 44


def test_oddities_are_noted_beside_the_data():
    notes = Path(__file__).resolve().parents[1] / "xlplan" / "sample" / "data" / "NOTES.md"
    assert "補正" in notes.read_text(encoding="utf-8")
    assert {o["measure_id"] for o in sample_oddities()} >= {"M-012", "M-021", "M-067"}


@pytest.fixture(scope="module")
def returned(tmp_path_factory):
    """The sample plan written as the sections' workbooks, then read back as HQ reads them."""
    folder = tmp_path_factory.mktemp("sections")
    files = write_section_workbooks(PLAN, folder)
    return files, check_paths([folder], fiscal_year=2024)


def test_one_workbook_per_section_each_project_in_exactly_one(returned):
    files, checked = returned
    sections = {s for m in PLAN.measures for s in m.sections}
    assert len(files) == len(checked) >= len(sections)
    seen = [p.project_id for c in checked for p in c.content.projects]
    assert sorted(seen) == sorted(p.project_id for p in PLAN.projects)


def test_the_only_error_is_the_real_one(returned):
    """The sample is real data: the report's KPI-managed measure without a target (M-067) is flagged."""
    _, checked = returned
    errors = [
        (Path(c.report.path).name, f.address, f.code.value)
        for c in checked
        for f in c.report.findings
        if f.severity.value == "error"
    ]
    assert errors == [("教育委員会中央図書館明德館.xlsx", "KPI!J3", "kpi-target-missing")]


def _without_sources(measure: Measure) -> Measure:
    return replace(
        measure,
        source=None,
        kpis=tuple(replace(k, source=None) for k in measure.kpis),
        milestones=tuple(replace(ms, source=None) for ms in measure.milestones),
    )


def test_every_measure_survives_the_trip_through_its_workbook(returned):
    _, checked = returned
    read_back = {m.measure_id: m for c in checked for m in c.content.measures if m.primary_section == c.book.section}
    for original in PLAN.measures:
        got = _without_sources(read_back[original.measure_id])
        # A section workbook carries this year's and last year's figures only.
        expected = replace(
            original,
            kpis=tuple(
                replace(
                    k,
                    actuals={fy: v for fy, v in k.actuals.items() if fy in (2023, 2024)},
                    yearly_targets={fy: v for fy, v in k.yearly_targets.items() if fy == 2024},
                )
                for k in original.kpis
            ),
        )
        assert got == expected, original.measure_id


def test_every_project_survives_the_trip(returned):
    _, checked = returned
    read_back = {p.project_id: p for c in checked for p in c.content.projects}
    for original in PLAN.projects:
        got = read_back[original.project_id]
        assert got.total == original.total
        assert [(line.item, line.amounts) for line in got.lines] == [(x.item, x.amounts) for x in original.lines]
        assert [(f.funding_source, f.amounts) for f in got.funding] == [
            (f.funding_source, f.amounts) for f in original.funding
        ]
        assert got.measure_ids == original.measure_ids


def test_published_grades_are_reproduced_through_the_section_workbooks(returned):
    """Every published FY2024 grade, recomputed from what the workbooks say (not from memory).

    On the worked sample: the 23 schedule grades rest on constructed milestones (test_grading_sample).
    """
    from xlplan.app.grade import grade_checked
    from xlplan.io.rules_file import load_rules

    _, checked = returned
    rules = load_rules()
    grades = [g for c in checked for g in grade_checked(c, rules, fiscal_year=2024).grades]
    published = {m.measure_id: m.self_grades[2024] for m in PLAN.measures if m.self_grades}
    computed = {g.measure_id: g.grade for g in grades if g.measure_id in published}
    assert computed == published
    kpi_graded = [g for g in grades if g.measure_id in published and g.basis.value == "評価指標"]
    assert len(kpi_graded) == 44
