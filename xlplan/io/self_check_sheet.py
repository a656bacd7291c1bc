"""Draw the 入力チェック sheet of the section workbook (XlsxWriter), from `core.self_check`.

The sheet holds formulas only (no macro): per rule, how many cells `xlplan check` would name,
the first of them as a link, and `check`'s own message and code; on top the total,
「エラー 0 件 — 提出できます」 in green or the count in red. Rules without a formula form are listed
below as 「本部で確認」.

Only the section's name (inside the formulas' text) and the tables' last rows differ from one
workbook to the next, so the cells are rendered once per process and stamped into each
workbook (`stamped_sheet`), the same XML as writing them one by one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..core.enums import Severity
from ..core.findings import Finding
from ..core.layout import HEADER_ROW, SECTION_SHEETS, SheetLayout
from ..core.self_check import (
    HQ_ONLY,
    NONE,
    ROW_KEY,
    SELF_CHECK_SHEET,
    UNKNOWN,
    SelfCheckLine,
    Tables,
    excel_text,
    formula_rules,
    self_check_line,
    self_check_lines,
)
from .stamped_sheet import RenderedRows, StampedWorksheet, render_rows

__all__ = [
    "CLEAN_TEXT",
    "COLUMNS",
    "FIRST_LINE_ROW",
    "HQ_LABEL",
    "KIND_LABELS",
    "TOTAL_CELL",
    "self_check_link",
    "write_self_check_sheet",
]

CLEAN_TEXT = "エラー 0 件 — 提出できます"
HQ_LABEL = "本部で確認"
KIND_LABELS = {Severity.ERROR: "エラー", Severity.WARNING: "注意", Severity.INFO: "お知らせ"}
TOTAL_CELL = "A2"
# (header, width): the hidden last column holds each line's first cell as row * ROW_KEY + column
COLUMNS = (
    ("区分", 9),
    ("コード", 26),
    ("シート", 12),
    ("項目", 16),
    ("件数", 7),
    ("最初のセル（クリックで移動）", 18),
    ("メッセージ（xlplan check と同じ）", 110),
    ("位置（計算用）", 10),
)
HEADER_LINE_ROW = 5  # 1-based
FIRST_LINE_ROW = HEADER_LINE_ROW + 1
_KIND, _CODE, _SHEET, _COLUMN, _COUNT, _FIRST, _MESSAGE, _KEY = range(len(COLUMNS))
_LAST_LINE_ROW = FIRST_LINE_ROW + len(formula_rules()) - 1
_ERROR_VALUES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

_STYLES = {
    "title": {"bold": True, "font_size": 14},
    "note": {"text_wrap": False, "font_color": "#404040"},
    "header": {"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True, "valign": "top"},
    "cell": {"border": 1, "valign": "top"},
    "count": {"border": 1, "valign": "top", "num_format": "0"},
    "link": {"border": 1, "valign": "top", "font_color": "#0563C1", "underline": 1},
    "message": {"border": 1, "valign": "top", "text_wrap": True},
    "total": {"bold": True, "font_size": 14},
    "clean": {"bold": True, "font_color": "#006100", "bg_color": "#C6EFCE"},
    "errors": {"bold": True, "font_color": "#9C0006", "bg_color": "#FFC7CE"},
    "hq": {"border": 1, "valign": "top", "font_color": "#595959"},
}


def write_self_check_sheet(
    workbook: Workbook, sheet: StampedWorksheet, tables: Tables, *, stamped: bool = True
) -> None:
    """Draw the 入力チェック sheet: the total, one line per formula rule, then the 本部で確認 rules.

    :param workbook: the XlsxWriter workbook (for its formats).
    :param sheet: the sheet, added second (after 記入要領).
    :param tables: the extent of each table and the section the workbook is for.
    :param stamped: stamp the cells from the sheet rendered once per process (the default; the
        same XML, a fraction of the work), or write them one by one.
    """
    styles = {role: workbook.add_format(props) for role, props in _STYLES.items()}
    if stamped:
        values = {_SECTION: tables.section.replace('"', '""')}
        values |= {f"{_ROWS}{key}": str(row) for key, row in tables.last_rows.items()}
        sheet.stamp_rows(_rendered(bool(tables.section)), styles.values(), values)
    else:
        _write_cells(sheet, styles, tables)
    _, errors = _totals(_LAST_LINE_ROW)
    for role, criteria in (("clean", f"={errors}=0"), ("errors", f"={errors}>0")):
        sheet.conditional_format(TOTAL_CELL, {"type": "formula", "criteria": criteria, "format": styles[role]})
    sheet.conditional_format(
        f"{xl_col_to_name(_COUNT)}{FIRST_LINE_ROW}:{xl_col_to_name(_COUNT)}{_LAST_LINE_ROW}",
        {"type": "cell", "criteria": ">", "value": 0, "format": styles["errors"]},
    )
    for col, (_, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width, None, {"hidden": col == _KEY})
    sheet.freeze_panes(HEADER_LINE_ROW, 0)
    sheet.protect("", {"format_columns": True, "format_rows": True})
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_LINE_ROW - 1, HEADER_LINE_ROW - 1)


# What differs between workbooks in the sheet's cells: the section's name inside the formulas'
# text literals and the last row of each table. Marks stand for them while the sheet is rendered
# once per process: a private-use character, and digits no formula holds otherwise.
_SECTION = "section"
_ROWS = "last row of "
_SECTION_MARK = "\ue000"
_ROW_MARK = 9_000_001  # the first table's; the next table's is one more


@cache
def _rendered(with_section: bool) -> RenderedRows:
    """The sheet's cells rendered once, cut at the section's name and the tables' last rows
    (without a section the formulas take another form, hence two renderings)."""
    keys = [layout.key for layout in SECTION_SHEETS]
    marks = {f"{_ROWS}{key}": str(_ROW_MARK + index) for index, key in enumerate(keys)}
    tables = Tables({key: _ROW_MARK + index for index, key in enumerate(keys)}, _SECTION_MARK if with_section else "")
    if with_section:
        marks[_SECTION] = _SECTION_MARK

    def draw(workbook: Workbook, sheet: StampedWorksheet) -> None:
        _write_cells(sheet, {role: workbook.add_format(props) for role, props in _STYLES.items()}, tables)

    return render_rows(draw, marks)


def _totals(last: int) -> tuple[str, str]:
    """The warnings' and the errors' total over the lines ending on row `last`."""
    kinds, counts = (f"${xl_col_to_name(c)}${FIRST_LINE_ROW}:${xl_col_to_name(c)}${last}" for c in (_KIND, _COUNT))
    warnings = f'SUMIFS({counts},{kinds},"{KIND_LABELS[Severity.WARNING]}")'
    errors = f'SUMIFS({counts},{kinds},"{KIND_LABELS[Severity.ERROR]}")'
    return warnings, errors


def _write_cells(sheet: Worksheet, styles: Mapping[str, Format], tables: Tables) -> None:
    """Every cell of the sheet, one by one."""
    lines = self_check_lines(tables)
    if FIRST_LINE_ROW + len(lines) - 1 != _LAST_LINE_ROW:
        raise RuntimeError("the 入力チェック sheet holds one line per formula rule")
    sheet.write_string(
        0, 0, "入力チェック（提出前に、xlplan check と同じ確認をこのブックの中で行います）", styles["title"]
    )
    last = FIRST_LINE_ROW + len(lines) - 1
    warnings, errors = _totals(last)
    sheet.write_formula(
        TOTAL_CELL,
        f'=IF({errors}=0,"{CLEAN_TEXT}","エラー "&{errors}&" 件 — 赤い件数の行の「最初のセル」を開いて直してください")',
        styles["total"],
        "",
    )
    sheet.write_formula(
        2,
        0,
        f'=IF({warnings}=0,"","注意 "&{warnings}&" 件（提出はできます。内容を確認してください）")',
        styles["note"],
        "",
    )
    sheet.write_string(
        3,
        0,
        "入力するとすぐに件数が変わります。件数が1以上の行は「最初のセル」をクリックして直してください。"
        "「本部で確認」の項目は、提出後に本部が確認します。",
        styles["note"],
    )
    for col, (header, _) in enumerate(COLUMNS):
        sheet.write_string(HEADER_LINE_ROW - 1, col, header, styles["header"])
    for offset, line in enumerate(lines):
        _write_line(sheet, FIRST_LINE_ROW + offset, line, tables, styles)
    row = last + 2
    sheet.write_string(
        row - 1, 0, f"{HQ_LABEL}（数式では確かめられないため、提出後に本部が確認します）", styles["total"]
    )
    for code, why in HQ_ONLY.items():
        row += 1
        sheet.write_string(row - 1, _KIND, HQ_LABEL, styles["hq"])
        sheet.write_string(row - 1, _CODE, str(code), styles["hq"])
        for col in (_SHEET, _COLUMN, _COUNT, _FIRST):
            sheet.write_blank(row - 1, col, None, styles["hq"])
        sheet.write_string(row - 1, _MESSAGE, why, styles["hq"])


def self_check_link(finding: Finding) -> str | None:
    """Where the 入力チェック sheet counts a finding: its line (`'入力チェック'!E12`), or None."""
    index = self_check_line(finding.code, finding.sheet, finding.column)
    if index is None:
        return None
    return f"'{SELF_CHECK_SHEET}'!{xl_col_to_name(_COUNT)}{FIRST_LINE_ROW + index}"


def _write_line(sheet: Worksheet, row: int, line: SelfCheckLine, tables: Tables, styles: Mapping[str, Format]) -> None:
    rule, layout = line.rule, line.rule.sheet
    r = row - 1
    key = f"${xl_col_to_name(_KEY)}{row}"
    sheet.write_string(r, _KIND, KIND_LABELS[rule.severity], styles["cell"])
    sheet.write_string(r, _CODE, str(rule.code), styles["cell"])
    sheet.write_string(r, _SHEET, layout.name, styles["cell"])
    sheet.write_string(r, _COLUMN, line.column or "（すべての列）", styles["cell"])
    sheet.write_array_formula(r, _COUNT, r, _COUNT, line.count, styles["count"], 0)
    sheet.write_array_formula(r, _KEY, r, _KEY, line.first, styles["cell"], 0)
    address = f"ADDRESS(INT({key}/{ROW_KEY}),MOD({key},{ROW_KEY}),4)"
    name = f'"{layout.name}!"&{address}'
    sheet.write_formula(
        r, _FIRST, f'=IF({key}>={NONE},"",HYPERLINK("#\'{layout.name}\'!"&{address},{name}))', styles["link"], ""
    )
    sheet.write_formula(r, _MESSAGE, "=" + _message_formula(line, layout, tables, key), styles["message"], "")


def _message_formula(line: SelfCheckLine, layout: SheetLayout, tables: Tables, key: str) -> str:
    """The catalog message; what depends on the row is read from the first offending row."""
    row, column = f"INT({key}/{ROW_KEY})", f"MOD({key},{ROW_KEY})"
    grid = tables.grid(layout)
    parts: list[str] = []
    for piece, hole in zip(line.message, (*line.placeholders, None), strict=True):
        if piece:
            parts.append(excel_text(piece))
        if hole is None:
            continue
        if hole == "column":
            header_row = f"INDEX({grid},{HEADER_ROW},{column})"
            parts.append(f'IF({key}>={NONE},"{UNKNOWN}",{header_row}&"")')
        else:
            field = hole if hole != "value" else line.rule.fields[0] if line.column else ""
            at = str(layout.index(field)) if field else column
            shown = _shown(f"INDEX({grid},{row},{at})")
            if field and layout.column(field).is_id:  # `check` shows an ID as it reads it: M-001
                shown = f'UPPER(SUBSTITUTE(ASC({shown})," ",""))'
            parts.append(f'IF({key}>={NONE},"{UNKNOWN}",{shown})')
    return "&".join(parts) or '""'


def _shown(cell: str) -> str:
    """A cell as text, as `check` shows it (an error value by its name)."""
    names = ",".join(excel_text(e) for e in _ERROR_VALUES)
    return f'IFERROR(TRIM({cell}&""),CHOOSE(ERROR.TYPE({cell}),{names}))'


def sheet_columns() -> Sequence[str]:
    """The headers of the sheet's table (for tests and readers)."""
    return [header for header, _ in COLUMNS]
