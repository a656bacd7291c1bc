"""The section workbook as a section lead receives it."""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from xlplan.cli.main import cli
from xlplan.core.layout import FIRST_DATA_ROW, HEADER_ROW, SECTION_SHEETS, TEMPLATE_VERSION, Kind
from xlplan.io.section_writer import TemplateOptions, write_section_workbook

ROOT = Path(__file__).resolve().parents[1]
REQUIRED_TERMS = [
    "施策ID",
    "施策名",
    "体系",
    "主担当課所室",
    "ライフサイクル段階",
    "指標名",
    "指標区分",
    "単位",
    "集計方法",
    "望ましい方向",
    "基準値",
    "目標値",
    "実績値",
    "参考値",
    "予定時期",
    "状況",
    "予算事業名",
    "科目",
    "当初予算",
    "補正後予算",
    "決算",
    "財源区分",
]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("t") / "section.xlsx"
    result = CliRunner().invoke(
        cli, ["template", "-o", str(path), "--section", "環境部環境都市推進課", "--fiscal-year", "R6"]
    )
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def workbook(template):
    return openpyxl.load_workbook(template)


def test_sheets_in_order_with_the_machinery_hidden(workbook):
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    # the self-check second, then the sheets of the layout table in its order
    assert visible == ["記入要領", "入力チェック", *(layout.name for layout in SECTION_SHEETS)]
    assert workbook["_meta"].sheet_state == "veryHidden"
    assert workbook["_lists"].sheet_state == "veryHidden"


def test_every_required_term_is_a_header(workbook):
    headers = {
        str(workbook[layout.name].cell(row=HEADER_ROW, column=i).value)
        for layout in SECTION_SHEETS
        for i in range(1, len(layout.columns) + 1)
    }
    for term in REQUIRED_TERMS:
        assert any(term in header for header in headers), term


def test_headers_are_where_the_layout_says(workbook):
    for layout in SECTION_SHEETS:
        sheet = workbook[layout.name]
        got = [sheet.cell(row=HEADER_ROW, column=i).value for i in range(1, len(layout.columns) + 1)]
        assert got == list(layout.headers), layout.name


def test_stamp_names_version_section_and_year(workbook):
    meta = {row[0].value: row[1].value for row in workbook["_meta"].iter_rows()}
    assert meta["template_version"] == TEMPLATE_VERSION
    assert meta["section"] == "環境部環境都市推進課"
    assert meta["fiscal_year"] == "2024"
    assert "令和6年度" in workbook["施策"]["A1"].value


def _validations_of(sheet, letter):
    return [
        dv
        for dv in sheet.data_validations.dataValidation
        if any(letter == str(r).split(":")[0].rstrip("0123456789") for r in dv.sqref.ranges)
    ]


def test_every_closed_vocabulary_has_a_dropdown_and_every_header_a_message(workbook):
    lists = workbook["_lists"]
    for layout in SECTION_SHEETS:
        sheet = workbook[layout.name]
        for index, column in enumerate(layout.columns, start=1):
            letter = openpyxl.utils.get_column_letter(index)
            [validation] = _validations_of(sheet, letter)
            assert validation.showInputMessage and validation.prompt, (layout.name, column.header)
            assert f"{letter}{HEADER_ROW}:{letter}" in str(validation.sqref)
            if column.kind is Kind.CHOICE:
                assert validation.type == "list"
                ref = validation.formula1.split("!")[1].replace("$", "")
                offered = [c.value for row in lists[ref] for c in row]
                assert offered == list(column.choices), column.header
                assert (validation.errorStyle or "stop") == ("stop" if column.strict_choices else "warning")


def test_input_cells_unlocked_structure_protected(workbook):
    assert workbook.security.lockStructure
    for layout in SECTION_SHEETS:
        sheet = workbook[layout.name]
        assert sheet.protection.sheet
        assert sheet.cell(row=HEADER_ROW, column=1).protection.locked
        assert not sheet.cell(row=FIRST_DATA_ROW, column=1).protection.locked
        assert not sheet.cell(row=FIRST_DATA_ROW + 50, column=len(layout.columns)).protection.locked


def test_print_settings_a4_landscape_headers_repeated(workbook):
    for layout in SECTION_SHEETS:
        sheet = workbook[layout.name]
        assert sheet.page_setup.orientation == "landscape"
        assert int(sheet.page_setup.paperSize) == 9  # A4
        assert sheet.print_title_rows == f"$1:${HEADER_ROW}"
        # one page wide, or (too wide for that at 60 %) a readable scale with the ID columns repeated
        fitted = sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
        assert fitted or (int(sheet.page_setup.scale) >= 60 and sheet.print_title_cols == "$A:$B"), layout.name


def test_plain_xlsx_without_macros(template):
    with zipfile.ZipFile(template) as archive:
        assert "xl/vbaProject.bin" not in archive.namelist()
        content_types = archive.read("[Content_Types].xml").decode()
    assert "macroEnabled" not in content_types


def test_missing_required_cells_are_coloured(workbook):
    rules = workbook["KPI"].conditional_formatting
    formulas = [rule.formula[0] for cf in rules for rule in cf.rules]
    assert any('$A3<>""' in f for f in formulas)


def test_committed_templates_are_up_to_date(tmp_path):
    spec = importlib.util.spec_from_file_location("build_templates", ROOT / "scripts" / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for fresh in module.build(tmp_path):
        committed = ROOT / "workbook_templates" / fresh.name
        assert committed.exists(), f"run scripts/build_templates.py: {fresh.name} is missing"
        assert _parts(committed) == _parts(fresh), f"run scripts/build_templates.py: {fresh.name} is stale"


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:  # docProps/core.xml only holds timestamps
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def test_prefilled_values_are_shown_the_japanese_way(tmp_path):
    path = tmp_path / "x.xlsx"
    records = {
        "lifecycle": [{"measure_id": "M-001", "fiscal_year": 2024, "stage": "2"}],
        "schedule": [{"measure_id": "M-001", "name": "x", "planned_to": "2025-03", "status": "完了"}],
        "projects": [{"project_id": "P-901", "name": "LINE", "measure_ids": "M-008,M-013"}],
    }
    write_section_workbook(path, TemplateOptions(), records)
    wb = openpyxl.load_workbook(path)
    assert wb["ライフサイクル"]["B3"].value == "令和6年度"
    assert wb["スケジュール"]["D3"].value.year == 2025 and wb["スケジュール"]["D3"].value.month == 3
    assert wb["予算事業"]["C3"].value == "M-008、M-013"
