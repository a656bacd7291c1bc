"""Reading the master back (for revise, lint, report): the plan, the grades and where each row came from."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from tests.consolidate_helpers import sample_master, sample_sections, sheet_rows
from xlplan.core.enums import Grade, Stage
from xlplan.core.master.provenance import strip_sources
from xlplan.core.model import RowSource
from xlplan.errors import XlplanError
from xlplan.io.master_reader import read_master
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.sample import load_sample_plan


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    return sample_master(tmp_path_factory)[0]


def _representable(plan):  # type: ignore[no-untyped-def]
    """The sample as a year's workbooks carry it: KPI actuals of the year and the year before, the year's
    own yearly target and reference (the master keeps one evaluated year, like the section workbooks)."""
    year = plan.evaluated_fy
    measures = tuple(
        replace(
            m,
            kpis=tuple(
                replace(
                    k,
                    actuals={y: v for y, v in k.actuals.items() if y in (year - 1, year)},
                    yearly_targets={y: v for y, v in k.yearly_targets.items() if y == year},
                    reference={y: v for y, v in k.reference.items() if y == year},
                )
                for k in m.kpis
            ),
        )
        for m in plan.measures
    )
    return replace(plan, measures=measures)


def test_the_sample_plan_reads_back_whole(master):
    read = read_master(master)
    sample = _representable(load_sample_plan())
    plan = strip_sources(read.plan)
    assert (plan.name, plan.version, plan.period, plan.evaluated_fy) == (
        "秋田市デジタル化推進計画2.0",
        "2.1",
        (2024, 2026),
        2024,
    )
    assert plan.measures == sample.measures  # the sample is already in plan order
    assert sorted(plan.projects, key=lambda p: p.project_id) == sorted(sample.projects, key=lambda p: p.project_id)
    assert read.meta["master_format"] == "xlplan-master/1"


def test_a_master_written_from_a_plan_reads_back_exactly(tmp_path):
    plan = load_sample_plan()  # yearly targets to FY2026 and actuals back to FY2022: beyond a workbook's year
    path = write_master(tmp_path / "plan.xlsx", MasterContent(plan=plan, cards=False, kpi_years=True))
    read = strip_sources(read_master(path).plan)
    assert read.measures == plan.measures
    assert sorted(read.projects, key=lambda p: p.project_id) == sorted(plan.projects, key=lambda p: p.project_id)
    rows = sheet_rows(path, "KPI年度値")
    assert rows[1] == ["施策ID", "指標ID", "年度", "年度目標値", "実績値", "参考値"]
    assert ["M-008", "M-008-K1", "令和7年度", 20000.0, "", ""] in rows


def test_by_default_a_master_holds_the_evaluated_year_only(tmp_path):
    plan = load_sample_plan()
    path = write_master(tmp_path / "year.xlsx", MasterContent(plan=plan, cards=False))
    assert strip_sources(read_master(path).plan).measures == _representable(plan).measures
    assert sheet_rows(path, "KPI年度値")[2:] == []


def test_every_row_remembers_the_master_row_and_the_section_cell(master, tmp_path_factory):
    read = read_master(master)
    m001 = read.plan.measure("M-001")
    assert m001.source == RowSource(str(master), "施策", 3, read.sha256)
    origin = read.origin(m001.source)
    folder = sample_sections(tmp_path_factory)
    assert origin is not None and Path(origin.file) == folder / "00_デジタル化推進本部.xlsx"
    assert (origin.sheet, origin.row) == ("施策", 3)
    kpi_origin = read.origin(m001.kpis[0].source)
    assert (Path(kpi_origin.file).name, kpi_origin.sheet, kpi_origin.row) == ("00_デジタル化推進本部.xlsx", "KPI", 3)


def test_grades_and_sections_read_back(master):
    read = read_master(master)
    grades = {g.measure_id: g for g in read.grades}
    assert len(grades) == 68
    m001 = grades["M-001"]
    assert (m001.stage, m001.grade, m001.self_grade, m001.mismatch) == (Stage.EXPAND, Grade.B, Grade.B, False)
    assert "22.6" in m001.trace
    assert grades["M-067"].grade is None  # no target: cannot be graded
    assert len(read.sections) == 44 and read.sections[0] == "デジタル化推進本部"


def test_a_section_workbook_is_not_a_master(tmp_path_factory):
    section = next(sample_sections(tmp_path_factory).glob("*.xlsx"))
    with pytest.raises(XlplanError, match="マスターではありません"):
        read_master(section)
    with pytest.raises(XlplanError, match="見つかりません"):
        read_master(section.parent / "ない.xlsx")


def test_another_master_format_or_a_lost_header_is_refused_with_what_to_do(master, tmp_path):
    book = openpyxl.load_workbook(master)
    book["_meta"]["B1"] = "xlplan-master/9"
    book.save(tmp_path / "future.xlsx")
    with pytest.raises(XlplanError, match="xlplan-master/9"):
        read_master(tmp_path / "future.xlsx")
    book = openpyxl.load_workbook(master)
    book["KPI"]["M2"] = "実績"
    book.save(tmp_path / "edited.xlsx")
    with pytest.raises(XlplanError, match="シート「KPI」に見出し 実績値 がありません"):
        read_master(tmp_path / "edited.xlsx")
