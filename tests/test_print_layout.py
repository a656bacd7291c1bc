"""How the workbooks read and print, checked in the workbooks themselves (fast; the PDF
checks are in test_print_pdf.py): co-owned rows, IME modes, autofilters, one palette,
row heights, the print scale rule."""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from xlplan.app.sections import split_by_section
from xlplan.cli.main import cli
from xlplan.core.appearance import FONT_NAME, GRADE_PALETTE
from xlplan.core.disassemble import section_records
from xlplan.core.layout import FIRST_DATA_ROW, KPI, MEASURES, SECTION_SHEETS
from xlplan.core.print_metrics import MIN_PRINT_SCALE, line_count, print_fit, row_height, text_width
from xlplan.io.section_style import CO_OWNED_COLOUR
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.report.html import GRADE_COLOURS as HTML_GRADE_COLOURS
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()
SECTION = "企画財政部情報統計課"


@pytest.fixture(scope="module")
def section_book(tmp_path_factory):
    share = next(s for s in split_by_section(PLAN) if s.section == SECTION)
    options = TemplateOptions(fiscal_year=PLAN.evaluated_fy, section=SECTION, plan_name=PLAN.name)
    path = tmp_path_factory.mktemp("section") / f"{SECTION}.xlsx"
    write_section_workbook(path, options, section_records(share.measures, share.projects, PLAN.evaluated_fy))
    return path


def test_full_width_characters_count_two_and_lines_follow():
    assert text_width("M-001") == 5 and text_width("施策ID") == 6
    assert line_count("あ" * 20, 41) == 1 and line_count("あ" * 20, 40) == 2  # one unit is the cell's margin
    assert line_count("一行目\n二行目", 40) == 2
    assert row_height([("あ" * 60, 31)]) > row_height([("あ" * 15, 31)])


def test_print_fit_never_below_60_percent():
    assert print_fit([10, 30, 20]) == print_fit([10, 30, 20])  # deterministic
    narrow = print_fit([10, 30, 20])
    assert narrow.fit_to_width and narrow.pages_across == 1 and narrow.scale == 100
    wide = print_fit([10, 30, *[40] * 8], title_widths=[10, 30])
    assert not wide.fit_to_width and wide.scale >= MIN_PRINT_SCALE and wide.pages_across >= 2


def test_co_owned_rows_are_locked_grey_and_name_the_owner(section_book):
    sheet = openpyxl.load_workbook(section_book)[MEASURES.name]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(FIRST_DATA_ROW, sheet.max_row + 1)}
    co_owned = {m.measure_id: m.primary_section for m in PLAN.measures if SECTION in m.co_sections}
    assert co_owned, "the sample section co-owns measures"
    reason = MEASURES.index("grade_reason")
    for measure_id, owner in co_owned.items():
        row = rows[measure_id]
        cells = [sheet.cell(row=row, column=c) for c in range(1, len(MEASURES.all_columns) + 1)]
        assert all(c.protection.locked for c in cells), measure_id
        assert {c.fill.fgColor.rgb[-6:] for c in cells} == {CO_OWNED_COLOUR}, measure_id
        assert cells[reason - 1].value == f"主担当: {owner}が報告"
    own = next(m.measure_id for m in PLAN.measures if m.primary_section == SECTION)
    summary = sheet.cell(row=rows[own], column=MEASURES.index("summary"))
    assert not summary.protection.locked  # the section's own rows stay open
    assert str(sheet.cell(row=rows[own], column=reason).value).startswith("=")


def test_check_warns_a_co_owner_who_types_the_owners_results(section_book, tmp_path, edit_workbook):
    sheet = openpyxl.load_workbook(section_book)[MEASURES.name]
    co_owned = next(m for m in PLAN.measures if SECTION in m.co_sections)
    row = next(
        r for r in range(FIRST_DATA_ROW, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == co_owned.measure_id
    )
    results = MEASURES.letter("results")
    typed = edit_workbook(
        section_book, {f"施策!{results}{row}": "情報統計課も協力した。"}, target=tmp_path / "typed.xlsx"
    )

    result = CliRunner().invoke(cli, ["check", "--json", str(typed)])

    [report] = json.loads(result.stdout)["files"]
    found = [
        (f["sheet"], f["cell"], f["code"], f["severity"])
        for f in report["findings"]
        if f["code"] == "measure-not-owner"
    ]
    assert found == [("施策", f"{results}{row}", "measure-not-owner", "warning")]
    message = next(f["message"] for f in report["findings"] if f["code"] == "measure-not-owner")
    assert co_owned.primary_section in message and "取組結果" in message


def test_ime_off_for_numbers_and_ids_on_for_text(section_book):
    book = openpyxl.load_workbook(section_book)
    modes = {}
    for layout in (MEASURES, KPI):
        for validation in book[layout.name].data_validations.dataValidation:
            letter = re.match(r"[A-Z]+", str(validation.sqref)).group(0)
            modes[(layout.key, letter)] = validation.imeMode
    assert modes[("kpi", KPI.letter("target"))] == "off"
    assert modes[("kpi", KPI.letter("kpi_id"))] == "off"
    assert modes[("measures", MEASURES.letter("measure_id"))] == "off"
    assert modes[("measures", MEASURES.letter("summary"))] == "hiragana"
    assert modes[("kpi", KPI.letter("name"))] == "hiragana"
    assert modes[("measures", MEASURES.letter("self_grade"))] is None  # a dropdown: left alone


def test_autofilter_spans_every_column(section_book):
    book = openpyxl.load_workbook(section_book)
    for layout in SECTION_SHEETS:
        ref = book[layout.name].auto_filter.ref
        assert ref.startswith("A2:") and re.match(r"A2:([A-Z]+)", ref).group(1) == layout.letter(
            layout.all_columns[-1].field
        )


def test_one_palette_for_charts_conditional_formats_and_html(section_book, tmp_path):
    palette = {grade: GRADE_PALETTE[grade] for grade in "ABCD"}
    assert {g: HTML_GRADE_COLOURS[g].lstrip("#") for g in "ABCD"} == palette
    book = openpyxl.load_workbook(section_book)
    fills = {}
    for rng in book[MEASURES.name].conditional_formatting:
        for rule in rng.rules:
            if grade := re.search(r'="([ABCD])"$', rule.formula[0]):
                fill = rule.dxf.fill
                fills[grade.group(1)] = (fill.bgColor.rgb or fill.fgColor.rgb)[-6:]
    assert fills == palette
    master = tmp_path / "demo"
    assert CliRunner().invoke(cli, ["demo", "--no-pdf", "-o", str(master)]).exit_code == 0
    with zipfile.ZipFile(master / "master.xlsx") as package:
        chart = package.read("xl/charts/chart1.xml").decode()
        styles = package.read("xl/styles.xml").decode()
    colours = re.findall(r'<a:srgbClr val="([0-9A-F]{6})"/></a:solidFill></c:spPr>', chart)
    assert [c for c in colours if c in palette.values()][:4] == list(palette.values())
    assert set(re.findall(r'<name val="([^"]+)"', styles)) == {FONT_NAME}


def _reference_line_count(text: object, width: float) -> int:
    """The estimate measured the plain way, every character of every line (what the fast paths must equal)."""
    import math

    usable = max(1.0, width - 1)
    lines = str(text if text is not None else "").split("\n")
    widths = [sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines]
    return sum(max(1, math.ceil(w / usable)) for w in widths)


@settings(max_examples=400, deadline=None)
@given(
    text=st.one_of(
        st.none(),
        st.text(alphabet=st.sampled_from("aZ1 ,.-\n（）施策デジタル化ｱｲｳ①Ⅱ─〜é😀\t"), max_size=120),
        st.text(max_size=60),
    ),
    width=st.floats(min_value=0, max_value=120, allow_nan=False),
)
def test_the_wrapped_line_estimate_equals_measuring_every_character(text, width):
    assert line_count(text, width) == _reference_line_count(text, width)
    for line in str(text or "").split("\n"):
        assert text_width(line) == sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
