"""Hostile and odd sheets and cells: limits, hidden things, invisible characters, wrong types.

Each case names the exact finding, its cell and its severity, and checks that the input is
left byte-identical. Realistic edits go through openpyxl (what Excel users do); things Excel
cannot make (a duplicate sheet name, a million rows) are written into the XML directly.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests import corpus
from tests.conftest import sha256
from xlplan.cli.main import cli
from xlplan.core.layout import META_SHEET, SECTION_SHEETS
from xlplan.io.reader import read_section_workbook
from xlplan.io.xlsx.limits import DEFAULT_LIMITS
from xlplan.io.xlsx.package import WorkbookParts


def run_check(path: Path) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", "--json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    [report] = json.loads(result.stdout)["files"]
    return result.exit_code, report


def found(report: dict) -> list[tuple[str, str, str, str]]:
    return [(f["sheet"], f["cell"], f["code"], f["severity"]) for f in report["findings"]]


def write(tmp_path: Path, data: bytes, name: str = "提出.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def with_openpyxl(edit: Callable[[openpyxl.Workbook], None]) -> Callable[[bytes], bytes]:
    """A builder that edits the base workbook as a person would in Excel."""

    def build(data: bytes) -> bytes:
        import io

        workbook = openpyxl.load_workbook(io.BytesIO(data))
        edit(workbook)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    return build


def _hide_sheet(name: str, state: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        workbook.security.lockStructure = False
        if name not in workbook.sheetnames:
            workbook.create_sheet(name)["A1"] = "提出前に消すつもりだったメモ"
        workbook[name].sheet_state = state

    return edit


def _hide_row(workbook: openpyxl.Workbook) -> None:
    workbook["KPI"].row_dimensions[3].hidden = True


def _zero_height_row(data: bytes) -> bytes:
    def zero(xml: str) -> str:  # the row may carry its own height already (a pre-filled row's)
        row = re.search(r'<row r="3"[^>]*>', xml).group(0)
        bare = re.sub(r' (ht|customHeight)="[^"]*"', "", row)
        return xml.replace(row, bare.replace('<row r="3"', '<row r="3" ht="0" customHeight="1"', 1), 1)

    return corpus.edit_sheet(data, "KPI", zero)


def _far_column(data: bytes) -> bytes:
    return corpus.far_cell(data, "XFD100")


def _hide_column(workbook: openpyxl.Workbook) -> None:
    workbook["KPI"].column_dimensions["J"].hidden = True


def _merge(workbook: openpyxl.Workbook) -> None:
    workbook["施策"].merge_cells("J3:L3")


def _formula_without_result(workbook: openpyxl.Workbook) -> None:
    workbook["KPI"]["M3"] = "=21.1+1.5"  # openpyxl saves no result, like some tools


def _long_results(workbook: openpyxl.Workbook) -> None:
    workbook["施策"]["J3"] = "進捗報告。" * 2_000  # 10,000 characters


_hidden_section = with_openpyxl(_hide_sheet("予算", "hidden"))
_hidden_extra = with_openpyxl(_hide_sheet("メモ", "hidden"))
_very_hidden = with_openpyxl(_hide_sheet("隠し", "veryHidden"))
_no_result = with_openpyxl(_formula_without_result)

SHEETS: list[tuple[str, Callable[[bytes], bytes], list[tuple[str, str, str, str]], str]] = [
    ("a million rows", corpus.million_rows, [("KPI", "A20001", "too-many-rows", "error")], "20,000"),
    ("one value at XFD1048576", corpus.far_cell, [("KPI", "XFD1048576", "too-many-rows", "error")], "1,048,576"),
    ("one value at XFD100", _far_column, [("KPI", "XFD100", "value-outside-table", "warning")], "表の外"),
    ("a text longer than Excel allows", corpus.too_long_text, [("KPI", "C3", "cell-too-long", "error")], "32,767"),
    ("20,000 merged ranges", corpus.many_merges, [("KPI", "T10001", "too-many-cells", "error")], "結合セル"),
    ("two sheets named KPI", corpus.duplicate_sheet, [("KPI", "", "sheet-duplicate", "error")], "2枚"),
    ("a section sheet hidden", _hidden_section, [("予算", "", "sheet-hidden", "warning")], "内容は読み込みました"),
    ("an extra hidden sheet", _hidden_extra, [("メモ", "", "sheet-hidden", "warning")], "読み込んでいません"),
    ("an extra very hidden sheet", _very_hidden, [("隠し", "", "sheet-very-hidden", "warning")], "セキュリティ"),
    ("a hidden row", with_openpyxl(_hide_row), [("KPI", "A3", "row-hidden", "warning")], "3行目"),
    ("a row of zero height", _zero_height_row, [("KPI", "A3", "row-hidden", "warning")], "3行目"),
    ("a hidden column", with_openpyxl(_hide_column), [("KPI", "J3", "column-hidden", "warning")], "目標値"),
    ("merged input cells", with_openpyxl(_merge), [("施策", "J3", "merged-input-cells", "error")], "J3:L3"),
    ("a formula with no saved result", _no_result, [("KPI", "M3", "formula-no-value", "warning")], "計算結果"),
    ("a 10,000-character cell", with_openpyxl(_long_results), [("施策", "J3", "cell-too-long", "warning")], "10,000"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "expected", "word"), [s[1:] for s in SHEETS], ids=[s[0] for s in SHEETS])
def test_each_sheet_case_is_one_finding_at_its_cell(tmp_path, build, expected, word):
    path = write(tmp_path, build(corpus.base_workbook()))
    before = sha256(path)
    code, report = run_check(path)
    assert found(report) == expected
    assert code == (1 if any(e[3] == "error" for e in expected) else 0)
    assert word in report["findings"][0]["message"], report["findings"][0]["message"]
    assert sha256(path) == before


def test_cells_past_the_workbook_budget_are_refused_where_the_budget_ran_out(tmp_path):
    base = corpus.base_workbook()
    parts = WorkbookParts(base)
    read_order = [META_SHEET, *(layout.name for layout in SECTION_SHEETS)]  # sheets are screened as read
    before = sum(parts.scan_sheet(name).cells for name in read_order[: read_order.index("KPI") + 1])
    over = DEFAULT_LIMITS.max_filled_cells - before  # 0-based index of the first added cell over the budget
    columns = "STUVWXYZ"
    row, column = 200 + over // len(columns), columns[over % len(columns)]
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>1</v></c>' for c in columns) + "</row>"
        for r in range(200, row + 2)
    )
    data = corpus.edit_sheet(base, "KPI", lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))
    _, report = run_check(write(tmp_path, data))
    assert found(report) == [("KPI", f"{column}{row}", "too-many-cells", "error")]
    assert "ブック全体" in report["findings"][0]["message"]


def test_the_first_of_two_sheets_named_alike_is_the_one_read(tmp_path):
    book = read_section_workbook(write(tmp_path, corpus.duplicate_sheet(corpus.base_workbook())))
    assert book.sheets["kpi"].records[0]["target"] == 30.0  # the copy holds 999


def test_data_in_hidden_rows_is_still_read(tmp_path):
    book = read_section_workbook(write(tmp_path, with_openpyxl(_hide_row)(corpus.base_workbook())))
    assert book.sheets["kpi"].rows == [3]
    assert book.sheets["kpi"].records[0]["kpi_id"] == "M-001-K1"


def test_control_characters_are_stripped_and_emoji_kept(tmp_path):
    text = "取組😀_x0007_結果\u202e逆_x001B_[31m👨\u200d👩\u200d👧\u200b。"  # _xHHHH_: how Excel stores controls
    inner, attrs = corpus.inline(text)
    data = corpus.edit_sheet(corpus.base_workbook(), "施策", lambda xml: corpus.set_cell(xml, "J3", inner, attrs))
    path = write(tmp_path, data)
    before = sha256(path)

    code, report = run_check(path)

    assert code == 0
    assert found(report) == [("施策", "J3", "control-characters", "info")]
    assert "U+0007、U+001B、U+200B、U+202E" in report["findings"][0]["message"]
    book = read_section_workbook(path)
    assert book.sheets["measures"].records[0]["results"] == "取組😀結果逆[31m👨\u200d👩\u200d👧。"
    assert sha256(path) == before


@pytest.mark.parametrize("breaks", ["_x000D_\n", "&#13;\n", "&#13;", "_x000D_"])  # CRLF, lone CR, as Excel or XML
def test_pasted_line_breaks_read_as_excel_breaks_lines(tmp_path, breaks):
    inner = f'<is><t xml:space="preserve">一行目{breaks}二行目</t></is>'  # raw XML: &#13; stays a reference
    data = corpus.edit_sheet(
        corpus.base_workbook(), "施策", lambda xml: corpus.set_cell(xml, "J3", inner, ' t="inlineStr"')
    )
    book = read_section_workbook(write(tmp_path, data))
    assert book.sheets["measures"].records[0]["results"] == "一行目\n二行目"
    assert not [f for f in book.findings if f.cell == "J3"]


def test_a_long_cell_is_kept_whole(tmp_path):
    book = read_section_workbook(write(tmp_path, with_openpyxl(_long_results)(corpus.base_workbook())))
    assert len(book.sheets["measures"].records[0]["results"]) == 10_000


WRONG_TYPES = [
    ("KPI!J3", dt.datetime(2024, 10, 1), "number-invalid"),  # a date as a target
    ("KPI!M3", dt.time(12, 30), "number-invalid"),  # a time as an actual
    ("予算!C3", "二千円", "number-invalid"),  # words as an amount
    ("予算!C3", -5, "value-out-of-range"),  # a negative amount
    ("スケジュール!D3", "来年の春", "month-invalid"),
    ("ライフサイクル!B3", dt.time(1, 0), "fiscal-year-invalid"),
    ("KPI!D3", 3.14, "value-not-in-list"),
    ("KPI!B3", True, "id-invalid"),
]


@pytest.mark.parametrize(("address", "value", "code"), WRONG_TYPES, ids=[f"{a}={v!r}" for a, v, _ in WRONG_TYPES])
def test_a_value_of_the_wrong_type_is_found_at_its_cell(filled_workbook, edit_workbook, address, value, code):
    edit_workbook(filled_workbook, {address: value})
    before = sha256(filled_workbook)
    _, report = run_check(filled_workbook)
    sheet, cell = address.split("!")
    assert (sheet, cell, code) in [(f["sheet"], f["cell"], f["code"]) for f in report["findings"]]
    assert sha256(filled_workbook) == before


@pytest.mark.parametrize("value", [True, dt.datetime(2024, 4, 1), dt.time(9, 0), 12345.678, "文字", -1, ""])
def test_wrong_types_in_every_column_of_every_sheet_never_crash(filled_workbook, value):
    workbook = openpyxl.load_workbook(filled_workbook)
    for layout in SECTION_SHEETS:
        for index in range(1, len(layout.columns) + 1):
            workbook[layout.name].cell(row=3, column=index, value=value)
    workbook.save(filled_workbook)
    code, report = run_check(filled_workbook)
    assert code == 1  # at least the IDs are wrong
    assert all(f["message"] and f["code"] for f in report["findings"])


def test_true_typed_into_a_number_column_is_reported(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!M3": True})
    _, report = run_check(filled_workbook)
    assert ("KPI", "M3") in [(f["sheet"], f["cell"]) for f in report["findings"]]


def test_markup_typed_into_a_cell_is_shown_not_interpreted(tmp_path):
    inner, attrs = corpus.inline("[/]約30[link=file:///etc/passwd]ここ[/link]")
    data = corpus.edit_sheet(corpus.base_workbook(), "KPI", lambda xml: corpus.set_cell(xml, "J3", inner, attrs))
    path = write(tmp_path, data)
    result = CliRunner().invoke(cli, ["check", str(path)], terminal_width=200)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "[/]約30" in result.output


def test_xml_shaped_text_reaches_the_master_as_typed(tmp_path, filled_workbook, edit_workbook):
    """XlsxWriter writes text of the form <r>…</r> unescaped (its rich-string marker): typed into a
    section workbook, it must neither break the master nor shift the text of other cells."""
    injected = "<r><t>x</t></r></si><si><t>偽の値</t></si><si><r><t>y</t></r>"
    edit_workbook(filled_workbook, {"施策!B3": injected, "施策!J3": "<r>plain</r>"})
    before = sha256(filled_workbook)
    master = tmp_path / "master.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(filled_workbook), "-o", str(master), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert sha256(filled_workbook) == before
    workbook = openpyxl.load_workbook(master, read_only=True)  # parses: the XML is intact
    cells = {
        sheet: [value for row in workbook[sheet].iter_rows(values_only=True) for value in row if value]
        for sheet in ("施策", "施策カード", "一覧")
    }
    assert injected in cells["施策"] and "<r>plain</r>" in cells["施策"]
    assert injected in cells["施策カード"] and injected in cells["一覧"]
    assert "自治体システムの最適化" in cells["施策"]  # the other measure keeps its own name
    assert not any(value == "偽の値" for values in cells.values() for value in values)
