"""The master plan written by `xlplan consolidate` from the sample's 44 section workbooks, cell by cell."""

from __future__ import annotations

import hashlib
import re
import zipfile
from functools import cache
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from tests.consolidate_helpers import open_master, sample_master, sheet_rows
from tests.libreoffice import convert
from xlplan.core.grading import grade_plan
from xlplan.core.layout import FIRST_DATA_ROW, HEADER_ROW, KPI, MEASURES, PROJECTS, SECTION_SHEETS
from xlplan.core.master.layout import MASTER_FORMAT_VERSION, PROVENANCE_COLUMNS
from xlplan.core.model import Measure, Plan
from xlplan.core.normalize import normalize_cell
from xlplan.io.master_cards import CARDS_PER_SHEET
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.io.rules_file import load_rules
from xlplan.sample import load_sample_plan

LINE_MEASURES = ("M-008", "M-013", "M-059", "M-060")  # P-901 秋田市公式LINE運用経費 2,417 (*1)
VIDEO_MEASURES = ("M-009", "M-038", "M-042", "M-046")  # P-902 動画自動作成システム運用経費 1,318 (*2)


@pytest.fixture(scope="module")
def master(tmp_path_factory) -> Path:
    return sample_master(tmp_path_factory)[0]


@pytest.fixture(scope="module")
def book(master):
    return open_master(master)


@cache
def _source_grid(path: str, sheet: str) -> list[list[object]]:
    return sheet_rows(Path(path), sheet)


def test_sheets_in_reading_order_with_the_meta_sheet_very_hidden(book):
    assert book.sheetnames == [
        "表紙",
        "一覧",
        "集計",
        "評価",
        "施策カード",
        "施策",
        "ライフサイクル",
        "スケジュール",
        "KPI",
        "予算事業",
        "予算",
        "財源",
        "KPI年度値",
        "検証結果",
        "監査観点",
        "改訂履歴",
        "_meta",
    ]
    assert book["_meta"].sheet_state == "veryHidden"
    meta = {row[0]: row[1] for row in book["_meta"].iter_rows(values_only=True)}
    assert meta["master_format"] == MASTER_FORMAT_VERSION
    assert (meta["plan_version"], meta["evaluated_fy"], meta["inputs"], meta["inputs_merged"]) == (
        "2.1",
        "2024",
        "44",
        "44",
    )


def test_data_sheets_keep_the_section_headers_in_the_same_columns(book):
    for layout in SECTION_SHEETS:
        header = [c.value for c in book[layout.name][HEADER_ROW]]
        assert header == [*layout.headers, *(c.header for c in PROVENANCE_COLUMNS)], layout.name


def test_every_value_is_the_value_of_the_section_cell_it_names(master, tmp_path_factory):
    """For every row of every data table: same column letter + 出典セル's row in 出典ファイル holds the value."""
    checked = 0
    for layout in SECTION_SHEETS:
        rows = sheet_rows(master, layout.name)
        width = len(layout.columns)
        for master_row in rows[FIRST_DATA_ROW - 1 :]:
            file, sha, sheet, cell = master_row[width : width + 4]
            assert sheet == layout.name
            first, last = cell.split(":")
            assert first[0] == "A" and last == f"{layout.letter(layout.columns[-1].field)}{first[1:]}"
            assert hashlib.sha256(Path(file).read_bytes()).hexdigest() == sha
            source_row = _source_grid(file, sheet)[int(first[1:]) - 1]
            for index, column in enumerate(layout.columns):
                mine = normalize_cell(column, master_row[index]).value
                theirs = normalize_cell(column, source_row[index] if index < len(source_row) else None).value
                assert mine == theirs, (layout.name, f"{column.header}: {file}!{sheet}!{first}")
                checked += 1
    assert checked > 3000


def test_the_kpi_of_m001_and_where_it_came_from(master):
    rows = sheet_rows(master, KPI.name)
    [row] = [r for r in rows if r[KPI.index("kpi_id") - 1] == "M-001-K1"]
    value = {c.field: row[KPI.index(c.field) - 1] for c in KPI.columns}
    assert (value["baseline"], value["target"], value["actual"], value["reference"]) == (21.1, 30.0, 22.6, 43.8)
    assert (value["baseline_fy"], value["target_fy"], value["aggregation"]) == ("令和5年度", "令和8年度", "年")
    file, _, sheet, cell = row[len(KPI.columns) : len(KPI.columns) + 4]
    assert Path(file).name == "00_デジタル化推進本部.xlsx"  # M-001's primary owner
    assert (sheet, cell) == ("KPI", "A3:P3")
    assert _source_grid(file, "KPI")[2][KPI.index("actual") - 1] == 22.6  # KPI!M3 of that file


def test_the_list_table_marks_shared_projects_and_counts_them_once(book):
    sheet = book["一覧"]
    assert [c.value for c in sheet[3]] == [
        "施策ID",
        "関連課所室",
        "施策名",
        "令和6年度 当初予算（千円）",
        "ライフサイクル段階",
        "進捗評価",
    ]
    assert [sheet.cell(row=r, column=1).value for r in range(4, 9)] == [
        "I デジタル化の基礎条件整備",
        "(i) デジタル基盤の整備",
        "ア 地域情報化に係る基盤",
        "(ア) 行政手続のオンライン化",
        "M-001",
    ]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=4) if row[0].value}
    assert rows["M-001"][1].value == "デジタル化推進本部\n企画財政部情報統計課"
    assert rows["M-001"][3].value == 2873
    for measure_id in LINE_MEASURES:
        assert rows[measure_id][3].value == 2417
        assert rows[measure_id][3].number_format.startswith('"(*1)"#,##0')
    for measure_id in VIDEO_MEASURES:
        assert rows[measure_id][3].value == 1318
        assert rows[measure_id][3].number_format.startswith('"(*2)"#,##0')
    assert rows["M-005"][3].value == "-"  # no budget project: printed as in the report
    total = next(row for row in sheet.iter_rows() if row[0].value == "合計（共通事業は1回だけ計上）")
    assert total[3].value == "=SUM('予算事業'!E3:E49)"  # one row per project on 予算事業
    notes = [row[0].value for row in sheet.iter_rows() if str(row[0].value or "").startswith("(*")]
    assert notes[0] == "(*1) 秋田市公式LINE運用経費（P-901）2,417千円: M-008、M-013、M-059、M-060（4施策に共通）"
    assert notes[1].startswith("(*2) 動画自動作成システム運用経費（P-902）1,318千円")


def test_list_total_is_each_project_once(master):
    plan = load_sample_plan()
    distinct = sum(p.total.initial for p in plan.projects)  # 47 projects, P-901 and P-902 once each
    per_measure = sum(p.total.initial for m in plan.measures for p in plan.projects_of(m.measure_id))
    assert per_measure - distinct == 3 * 2417 + 3 * 1318  # the three extra counts a naive sum adds
    rows = sheet_rows(master, "一覧")
    [total] = [r for r in rows if r[0] == "合計（共通事業は1回だけ計上）"]
    assert total[3] == distinct == 640613


def test_summary_counts_grades_by_pillar_and_stage_and_totals_budget_once(book, master):
    plan = load_sample_plan()
    grades = grade_plan(plan, load_rules())
    rows = sheet_rows(master, "集計")
    first_pillar = next(i for i, r in enumerate(rows) if r[0] == "I デジタル化の基礎条件整備")
    header = rows[first_pillar - 1]
    assert header[:8] == ["柱", "A", "B", "C", "D", "評価対象外", "判定不可", "計"]
    pillar_one = {m.measure_id for m in plan.measures if m.hierarchy[0] == "I デジタル化の基礎条件整備"}
    expected = {
        g: sum(1 for x in grades if x.measure_id in pillar_one and x.grade and x.grade.value == g) for g in "ABCD"
    }
    assert dict(zip("ABCD", rows[first_pillar][1:5], strict=True)) == expected
    assert rows[first_pillar][7] == len(pillar_one) == 47
    totals = [r for r in rows if r[0] == "合計"]
    assert totals[0][7] == totals[1][7] == 68  # by pillar, by stage: every measure once
    budget = totals[2]
    assert budget[1:5] == [47, 640613, 672029, 611662]  # projects, initial, final budget, settlement
    settled = [p.total for p in plan.projects if p.total.settlement is not None]
    assert budget[5] == pytest.approx(sum(a.settlement for a in settled) / sum(a.final_budget for a in settled))
    formulas = book["集計"]
    count = formulas.cell(row=first_pillar + 1, column=2).value
    assert count.startswith("=COUNTIFS('評価'!$C$3:$C$70,$A") and "'評価'!$H$3:$H$70,B$" in count


def test_summary_has_three_native_charts(master):
    with zipfile.ZipFile(master) as archive:
        charts = sorted(n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 3
        texts = [archive.read(n).decode("utf-8") for n in charts]
    assert all("集計" in text for text in texts)
    # horizontal stacked bars: the stage and pillar labels read level
    assert '<c:barDir val="bar"/>' in texts[0] and '<c:grouping val="stacked"/>' in texts[0]


def test_grades_sheet_has_grade_trace_and_points_at_the_self_grade_cell(master):
    rows = sheet_rows(master, "評価")
    assert rows[1][:12] == [
        "施策ID",
        "施策名",
        "柱",
        "主担当課所室",
        "年度",
        "ライフサイクル段階",
        "評価方法",
        "進捗評価",
        "自己評価",
        "自己評価との差異",
        "評価の根拠",
        "評価方法の変更理由",
    ]
    [m001] = [r for r in rows if r[0] == "M-001"]
    assert m001[4:10] == ["令和6年度", "段階2（拡大期）", "評価指標", "B", "B", ""]
    assert "実績値 22.6 は基準値 21.1 より改善" in m001[10]
    file, _, sheet, cell = m001[12:16]
    assert Path(file).name == "00_デジタル化推進本部.xlsx"
    assert (sheet, cell) == ("施策", f"{MEASURES.letter('self_grade')}3")
    assert _source_grid(file, sheet)[2][MEASURES.index("self_grade") - 1] == "B"


def test_findings_sheet_lists_every_finding_with_its_cell(master):
    rows = sheet_rows(master, "検証結果")
    assert rows[1][:9] == ["課所室", "ファイル", "シート", "セル", "区分", "コード", "列", "値", "内容"]
    errors = [r for r in rows[2:] if r[4] == "エラー"]
    assert len(errors) == 1
    [error] = errors
    assert error[0] == "教育委員会中央図書館明德館"
    assert (error[2], error[3], error[5], error[6]) == ("KPI", "J3", "kpi-target-missing", "目標値")
    assert "M-067" in error[8]


def test_cover_says_what_went_in(master):
    rows = sheet_rows(master, "表紙")
    facts = {r[0]: r[1] for r in rows if r and r[0]}
    assert rows[0][0] == "秋田市デジタル化推進計画2.0　第2.1版"
    assert facts["評価年度"] == "令和6年度"
    assert (facts["提出ファイル数"], facts["統合したファイル数"], facts["施策数"], facts["予算事業数"]) == (
        44,
        44,
        68,
        47,
    )
    assert (facts["エラー"], facts["うち競合（同じ施策・事業で値が異なる）"], facts["未提出の課所室"]) == (1, 0, "なし")


def test_cards_one_a4_page_per_measure_fit_to_width(book, master):
    sheet = book["施策カード"]
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert (sheet.page_setup.fitToWidth or 1, sheet.page_setup.fitToHeight) == (1, 0)  # absent = 1 (OOXML default)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert len(sheet.row_breaks.brk) == 67  # 68 cards, a break before each but the first
    rows = sheet_rows(master, "施策カード")
    labels = [r[0] for r in rows[1:12]]
    assert labels == [
        "施策名",
        "施策概要",
        "関連課所室",
        "関連事業名",
        "ライフサイクル",
        "評価指標（KPI）",
        "目標値・基準値",
        "目標値の考え方",
        "見込まれる効果",
        "令和6年度 進捗評価",
        "令和6年度 取組結果",
    ]
    card = {r[0]: r[1] for r in rows[1:12]}
    assert card["施策名"] == "オンライン化による行政サービスの推進"
    assert card["関連課所室"] == "デジタル化推進本部、企画財政部情報統計課"
    assert card["ライフサイクル"] == "段階2（拡大期）／評価指標管理対象"
    assert card["目標値・基準値"] == "【目標値】30%/年（令和8年度） 【基準値】21.1%/年（令和5年度）"
    assert card["令和6年度 進捗評価"].startswith("B【実績値】22.6%/年（参考値43.8%/年）")
    budget = rows[rows.index(next(r for r in rows if r[0] == "科目別")) :][:9]
    assert budget[0] == ["科目別", "予算", "決算", "財源別", "予算", "決算"]
    assert budget[1][:3] == ["負担金、補助及び交付金", 2873, 2653]
    assert budget[6][3:6] == ["一般財源", 2873, 2653]
    assert budget[7] == ["事業費計", 2873, 2653, "事業費計", 2873, 2653]


def test_a_shared_project_is_marked_on_each_card(master):
    rows = sheet_rows(master, "施策カード")
    related = [r[1] for r in rows if r[0] == "関連事業名" and "LINE運用経費" in str(r[1])]
    assert related == ["(*1)秋田市公式LINE運用経費"] * 4


def test_budget_project_sheet_holds_each_project_once(master):
    rows = sheet_rows(master, PROJECTS.name)[FIRST_DATA_ROW - 1 :]
    ids = [r[0] for r in rows]
    assert len(ids) == len(set(ids)) == 47
    [line] = [r for r in rows if r[0] == "P-901"]
    assert line[2] == "M-008、M-013、M-059、M-060"
    assert line[4:7] == [2417, 2417, 2417]


@pytest.mark.libreoffice
def test_totals_and_counts_are_what_a_spreadsheet_computes(master, tmp_path):
    """Strip the saved results of every formula, let LibreOffice recalculate, compare with ours."""
    stripped = tmp_path / "stripped.xlsx"
    with zipfile.ZipFile(master) as source, zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb"(<f>[^<]*</f>)<v>[^<]*</v>", rb"\1", data)
            out.writestr(item, data)
    recalculated = openpyxl.load_workbook(
        convert(stripped, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo"), data_only=True
    )
    ours = openpyxl.load_workbook(master, data_only=True)
    without = openpyxl.load_workbook(stripped, data_only=True)
    formulas = open_master(master)
    compared = 0
    for name in ("一覧", "集計"):
        for row in formulas[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert without[name][cell.coordinate].value is None  # LibreOffice had to compute it
                    assert recalculated[name][cell.coordinate].value == ours[name][cell.coordinate].value, cell.value
                    compared += 1
    assert compared == 59  # 1 list total + 2×(rows × 7 + totals) grade counts + 2 budget totals


def test_a_master_written_without_grades_counts_every_measure_as_not_judged(tmp_path):
    plan = load_sample_plan()
    path = write_master(tmp_path / "ungraded.xlsx", MasterContent(plan=plan, cards=False))
    grades = sheet_rows(path, "評価")[2:]
    assert {r[7] for r in grades} == {"判定不可"} and len(grades) == 68
    rows = sheet_rows(path, "集計")
    totals = [r for r in rows if r[0] == "合計"]
    assert totals[0][1:8] == [0, 0, 0, 0, 0, 68, 68]  # what COUNTIFS over 評価 gives: the cached values agree
    assert "施策カード" not in open_master(path).sheetnames


def test_cards_move_to_a_second_sheet_after_500_measures(tmp_path):
    measures = tuple(Measure(f"M-{n:04d}", f"施策{n}", hierarchy=("I 基盤",)) for n in range(1, 502))
    path = write_master(tmp_path / "big.xlsx", MasterContent(plan=Plan(measures=measures)))
    names = python_calamine.CalamineWorkbook.from_path(str(path)).sheet_names
    assert [n for n in names if n.startswith("施策カード")] == ["施策カード", "施策カード2"]
    with zipfile.ZipFile(path) as archive:  # sheet5 is the first card sheet (表紙, 一覧, 集計, 評価 before it)
        assert archive.read("xl/worksheets/sheet5.xml").count(b"<brk ") == CARDS_PER_SHEET - 1
    assert sheet_rows(path, "施策カード2")[1][:2] == ["施策名", "施策501"]


def test_the_audit_sheet_lists_the_auditors_checks_on_the_sample(book):
    sheet = book["監査観点"]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header[:3] == ["施策ID", "対象", "名称"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=FIRST_DATA_ROW)]
    by_code: dict[str, set[str]] = {}
    for row in rows:
        by_code.setdefault(row[header.index("コード")], set()).add(row[0])
    assert by_code["audit-cause-response-missing"] >= {"M-060"}  # grade D, no cause or response (意見21)
    assert by_code["audit-suggest-stage-3"] >= {"M-058", "M-061"}  # baseline = target = actual (意見18)
    assert "self-grade-mismatch" not in by_code  # those are on 検証結果
    assert all("意見" in row[header.index("監査意見")] or "視点" in row[header.index("監査意見")] for row in rows)
