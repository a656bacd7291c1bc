"""Write the section workbook: a plain .xlsx that guides the person typing.

No macros: dropdowns, input messages, number formats, conditional formatting and sheet
protection (input cells unlocked) do the guiding. The layout table decides every column,
`section_style` every look.

How it stays fast (a city writes hundreds of these at once): XlsxWriter draws each workbook —
banner, headers, input messages, dropdowns, conditional formats, protection, print settings,
the pre-filled rows. What is alike from workbook to workbook is rendered once per process and
stamped into each one's XML (`stamped_sheet`): the empty input rows below the pre-filled ones,
all alike but for their row number (one rendered row, cells, styles and live grade formulas,
repeated row number by row number); the 入力チェック sheet, alike but for the tables' extents
and the section's name in its formulas; the lists sheet, per fiscal year; a sheet's data
validations, per table length. Those are, byte for byte, what XlsxWriter writes one cell or one
validation at a time (tests/test_section_writer.py compares the two).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from ..core.appearance import FONT_SIZE
from ..core.fiscal import fy_label
from ..core.grading.rules import GradeRules
from ..core.layout import (
    BANNER_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    SECTION_SHEETS,
    TEMPLATE_VERSION,
    Column,
    Kind,
    SheetLayout,
)
from ..core.print_metrics import line_count, row_height
from ..core.self_check import SELF_CHECK_SHEET, Tables
from .atomic import atomic_write
from .grade_formulas import FormulaContext, computed_formulas
from .print_setup import print_page
from .rules_file import load_rules
from .section_style import (
    CELL_STYLES,
    HEADER_HEIGHT,
    RULE_STYLES,
    TITLE_SIZE,
    WRAPPED_KINDS,
    banner_height,
    co_owner_label,
    co_owner_of,
    computed_role,
    ime_mode,
    input_role,
)
from .self_check_sheet import COLUMNS as SELF_CHECK_COLUMNS
from .self_check_sheet import write_self_check_sheet
from .stamped_sheet import (
    SENTINEL_ROW,
    RenderedRows,
    StampedWorkbook,
    StampedWorksheet,
    render_rows,
    render_validations,
)
from .xlsxwriter_text import TextWorkbook, collector_paused

__all__ = [
    "FISCAL_YEARS_OFFERED",
    "INSTRUCTIONS_WIDTH",
    "PRINTED_BLANK_ROWS",
    "SheetContext",
    "TemplateOptions",
    "banner_text",
    "cell_value",
    "dropdown_lists",
    "header_height",
    "input_message",
    "instruction_height",
    "instruction_lines",
    "meta_values",
    "printed_last_row",
    "row_heights",
    "sheet_builders",
    "write_section_workbook",
]

FISCAL_YEARS_OFFERED = range(-2, 4)  # dropdown: two years back to three ahead of the template's year
PRINTED_BLANK_ROWS = 10  # a blank template prints this many empty rows to write on; a filled one, its rows
INSTRUCTIONS_WIDTH = 100  # the 記入要領 column: fits A4 portrait at 100 %, long lines wrap


@dataclass(frozen=True, slots=True)
class TemplateOptions:
    """What to stamp into a section workbook."""

    fiscal_year: int = 2024
    section: str = ""
    plan_name: str = "デジタル化推進計画"
    plan_version: str = ""
    blank_rows: int = 100  # empty, formatted input rows after the pre-filled ones
    rules: GradeRules | None = None  # grade rules of the live formulas (None: the bundled Akita rules)


Records = Mapping[str, Sequence[Mapping[str, object]]]


def write_section_workbook(path: Path, options: TemplateOptions, records: Records | None = None) -> Path:
    """Write a section workbook atomically, pre-filled with `records` (sheet key → rows).

    :param path: where to write the .xlsx.
    :param options: section, fiscal year and plan stamped into the workbook.
    :param records: rows per sheet key, as produced by `core.disassemble.section_records`.
    """
    return atomic_write(Path(path), lambda tmp: _write_collector_paused(tmp, options, records or {}))


def _write_collector_paused(target: Path, options: TemplateOptions, records: Records) -> None:
    with collector_paused():
        _write(target, options, records)


# what every drawing of the workbook shares (the openpyxl one of the changes workbook too) ----------


def dropdown_lists(fiscal_year: int, layouts: Sequence[SheetLayout]) -> tuple[list[list[str]], dict[str, str]]:
    """The very hidden lists sheet: its columns (the field's name, then its values) and each
    field's range formula for the dropdowns."""
    lists: dict[str, tuple[str, ...]] = {"fiscal_year": tuple(fy_label(fiscal_year + d) for d in FISCAL_YEARS_OFFERED)}
    for layout in layouts:
        for column in layout.columns:
            if column.kind is Kind.CHOICE:
                lists.setdefault(column.field, column.choices)
    ranges = {}
    for index, (name, values) in enumerate(lists.items()):
        letter = xl_col_to_name(index)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return [[name, *values] for name, values in lists.items()], ranges


def banner_text(layout: SheetLayout, options: TemplateOptions) -> str:
    """The line above a sheet's headers: what the sheet is, the year, the section, what to do."""
    banner = f"{layout.title}　{fy_label(options.fiscal_year)}"
    if options.section:
        banner += f"　{options.section}"
    return banner + "　― 黄色のセルに入力してください（見出しの行・列は変更しないでください）"


def input_message(column: Column) -> str:
    """The input message shown when a cell of the column is selected (Excel's 255-character limit)."""
    if column.computed:
        return f"自動計算（入力不要）: {column.help}"[:255]
    return (column.help + ("（必須）" if column.required else ""))[:255]


def cell_value(column: Column, value: object) -> object:
    """How a model value is shown to a person: fiscal years in 和暦, months as dates."""
    if value is None or value == "":
        return None
    if column.kind is Kind.FISCAL_YEAR and isinstance(value, int):
        return fy_label(value)
    if column.kind is Kind.MONTH and isinstance(value, str) and len(value) == 7:
        year, month = value.split("-")
        return dt.datetime(int(year), int(month), 1)  # a real date, shown as 2024年10月
    if column.kind is Kind.MEASURE_ID_LIST and isinstance(value, str):
        return "、".join(value.split(","))
    if column.kind in (Kind.NUMBER, Kind.AMOUNT) and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def instruction_lines(options: TemplateOptions) -> list[tuple[str, str]]:
    """The instructions sheet, line by line: (text, role); role is "title", "heading", "sheet" or ""."""
    lines: list[tuple[str, str]] = [
        (f"{options.plan_name}　進捗状況調査票（{fy_label(options.fiscal_year)}）", "title"),
        (f"課所室: {options.section or '（未記入）'}", ""),
        ("", ""),
        ("記入のしかた", "heading"),
        ("1. 黄色のセルに入力します。見出しの行・列、シート名は変更しないでください。", ""),
        ("2. ▼の付いたセルは一覧から選びます。セルを選ぶと入力の説明が表示されます。", ""),
        ("3. 数値は数値のみを入力します（22.6% は 22.6、金額は千円単位で 2873）。", ""),
        ("4. 年度は「令和6年度」「R6」「2024」のいずれでも読み取れます。", ""),
        ("5. 必須の項目が空のままだと、セルが赤く表示されます。", ""),
        ("6. 入力後は上書き保存し、ファイル形式（.xlsx）のまま本部へ提出してください。", ""),
        (
            "7. 緑の見出しの列（算定評価・評価の根拠など）は入力内容から自動で計算されます。"
            "「施策」シートの算定評価が自己評価と異なると「要確認」と表示されます。",
            "",
        ),
        (
            "8. 提出前に「入力チェック」シートで「エラー 0 件 — 提出できます」と表示されることを確認してください。",
            "",
        ),
        (
            "9. 灰色で「主担当: ○○が報告」と表示された施策の行は、他の課所室が主担当の施策です。"
            "段階・評価指標・取組結果などは主担当の課所室が報告するため、入力できません。",
            "",
        ),
        ("", ""),
        ("シートと項目", "heading"),
    ]
    for layout in SECTION_SHEETS:
        lines.append((f"■ {layout.name}: {layout.help}", "sheet"))
        for column in layout.all_columns:
            if column.hidden:
                continue
            mark = "（必須）" if column.required else "（自動計算・入力不要）" if column.computed else ""
            lines.append((f"　・{column.header}{mark}: {column.help}", ""))
    return lines


@lru_cache(maxsize=64)  # the same few layouts in every workbook
def header_height(columns: tuple[Column, ...]) -> float:
    """The header row's height in points: every header's lines in its column's width."""
    return row_height(((c.header, c.width) for c in columns if not c.hidden), minimum=HEADER_HEIGHT)


def row_heights(columns: Sequence[Column], rows: Sequence[Mapping[str, object]]) -> list[float]:
    """The height in points of each pre-filled row: its wrapped text cells' lines."""
    wrapped = [c for c in columns if c.kind in WRAPPED_KINDS and not c.computed and not c.hidden]
    return [row_height((cell_value(c, record.get(c.field)), c.width) for c in wrapped) for record in rows]


@lru_cache(maxsize=1024)  # the same lines in every workbook but the section's
def instruction_height(text: str, role: str) -> float | None:
    """The row height of an instructions line that wraps (None: one line, the default height)."""
    size = TITLE_SIZE if role == "title" else FONT_SIZE
    if line_count(text, INSTRUCTIONS_WIDTH * FONT_SIZE / size) == 1:
        return None
    return banner_height(text, INSTRUCTIONS_WIDTH, size)


def printed_last_row(rows: int) -> int:
    """The last row (1-based) of a layout sheet's print area with `rows` pre-filled rows."""
    return FIRST_DATA_ROW - 1 + (rows or PRINTED_BLANK_ROWS)


def meta_values(options: TemplateOptions) -> dict[str, str]:
    """The very hidden _meta sheet: what the reader checks before it reads a workbook."""
    return {
        "template_version": TEMPLATE_VERSION,
        "section": options.section,
        "fiscal_year": str(options.fiscal_year),
        "plan_name": options.plan_name,
        "plan_version": options.plan_version,
    }


# the XlsxWriter drawing ---------------------------------------------------------------------------


class _SectionWorkbook(StampedWorkbook):
    """XlsxWriter workbook with stamped worksheets and a locked structure (sheets can't be
    added, renamed, moved or unhidden: the very hidden _meta and _lists stay hidden)."""

    def _write_workbook_pr(self) -> None:
        super()._write_workbook_pr()
        self._xml_empty_tag("workbookProtection", [("lockStructure", 1)])


@dataclass(frozen=True, slots=True)
class SheetContext:
    """What every sheet builder of the section workbook may draw with."""

    workbook: TextWorkbook
    options: TemplateOptions
    records: Records
    styles: Mapping[str, Format]
    rule_styles: Mapping[str, Format]
    lists: Mapping[str, str]  # field → the dropdown's range formula on the lists sheet
    formulas: FormulaContext

    @property
    def owner(self) -> str:
        """Who the printed pages belong to (the footer's left)."""
        return self.options.section or self.options.plan_name


SELF_CHECK_KEY_HEADER = SELF_CHECK_COLUMNS[-1][0]  # the hidden helper column of 入力チェック
SheetBuilder = Callable[[StampedWorksheet, SheetContext], None]


def sheet_builders() -> list[tuple[str, SheetBuilder]]:
    """The workbook's sheets in order, each with the function that draws it. A new sheet is
    one more entry; it may print like the others with `io.print_setup.print_page`."""
    builders: list[tuple[str, SheetBuilder]] = [
        (INSTRUCTIONS_SHEET, _write_instructions),
        (SELF_CHECK_SHEET, _write_self_check),  # second: what `check` would find, live
        (LISTS_SHEET, _write_lists),
    ]
    builders += [(layout.name, _layout_builder(layout)) for layout in SECTION_SHEETS]
    builders.append((META_SHEET, _write_meta))
    return builders


def _write_self_check(sheet: StampedWorksheet, context: SheetContext) -> None:
    write_self_check_sheet(context.workbook, sheet, Tables(context.formulas.last_rows, context.options.section))
    # the same page as every other sheet: print area, scale >= 60 %, footer (its header row stays repeated)
    widths = [0 if header == SELF_CHECK_KEY_HEADER else width for header, width in SELF_CHECK_COLUMNS]
    print_page(sheet, widths, sheet.dim_rowmax + 1, owner=context.owner)


def _layout_builder(layout: SheetLayout) -> SheetBuilder:
    def build(sheet: StampedWorksheet, context: SheetContext) -> None:
        _draw_layout_sheet(sheet, layout, context, context.records.get(layout.key, ()))

    return build


def _write(target: Path, options: TemplateOptions, records: Records) -> None:
    workbook = _SectionWorkbook(str(target), {"in_memory": True})
    last_rows = {
        layout.key: FIRST_DATA_ROW + len(records.get(layout.key, ())) + options.blank_rows - 1
        for layout in SECTION_SHEETS
    }
    context = SheetContext(
        workbook=workbook,
        options=options,
        records=records,
        styles={role: workbook.add_format(dict(props)) for role, props in CELL_STYLES.items()},
        rule_styles={role: workbook.add_format(dict(props)) for role, props in RULE_STYLES.items()},
        lists=dropdown_lists(options.fiscal_year, SECTION_SHEETS)[1],
        formulas=FormulaContext(options.rules or _bundled_rules(), options.fiscal_year, last_rows),
    )
    for name, build in sheet_builders():
        build(workbook.add_worksheet(name), context)
    try:
        workbook.close()
    except FileCreateError as error:  # XlsxWriter wraps the OSError (a full disk…) the callers report
        raise error.args[0] from None


def _write_lists(sheet: StampedWorksheet, context: SheetContext) -> None:
    """The very hidden sheet holding every dropdown list."""
    sheet.very_hidden()
    sheet.stamp_rows(_lists_rows(context.options.fiscal_year), (), {})


@lru_cache(maxsize=8)
def _lists_rows(fiscal_year: int) -> RenderedRows:
    """The lists sheet's cells, rendered once per fiscal year (they depend on nothing else)."""
    return render_rows(lambda workbook, sheet: _draw_lists(sheet, fiscal_year), {})


def _draw_lists(sheet: StampedWorksheet, fiscal_year: int) -> None:
    columns, _ = dropdown_lists(fiscal_year, SECTION_SHEETS)
    for index, values in enumerate(columns):
        for row, value in enumerate(values):
            sheet.write_string(row, index, value)  # text as text, whatever it looks like


@cache
def _bundled_rules() -> GradeRules:
    """The bundled Akita rules, parsed once per process (GradeRules is frozen)."""
    return load_rules()


def _draw_layout_sheet(
    sheet: StampedWorksheet, layout: SheetLayout, context: SheetContext, rows: Sequence[Mapping[str, object]]
) -> None:
    """One layout's sheet: banner, headers with input messages, dropdowns, formatted input rows
    (unlocked), pre-filled `rows` (another section's measures locked and grey), live formula
    columns, protection and print settings."""
    options, styles, formulas = context.options, context.styles, context.formulas
    columns = layout.all_columns
    width = len(columns)
    last_row = formulas.last_rows[layout.key]
    # the banner spans the sheet and wraps, so it prints whole on the page
    banner, printed = banner_text(layout, options), sum(0 if c.hidden else c.width for c in columns)
    sheet.merge_range(BANNER_ROW - 1, 0, BANNER_ROW - 1, width - 1, banner, styles["banner"])
    sheet.set_row(BANNER_ROW - 1, banner_height(banner, printed))
    sheet.set_row(HEADER_ROW - 1, header_height(columns))
    for index, column in enumerate(columns):
        header_role = "computed header" if column.computed else "header"
        sheet.write_string(HEADER_ROW - 1, index, column.header, styles[header_role])
        sheet.set_column(index, index, column.width, None, {"hidden": True} if column.hidden else {})
    _stamp_validations(sheet, layout.key, last_row, tuple(context.lists.items()))
    cell_styles = [styles[computed_role(c) if c.computed else input_role(c)] for c in columns]

    # The pre-filled rows, cell by cell; then the empty rows, stamped from one rendered row.
    row_formulas = _formula_stamps(layout, formulas)
    for offset, (record, height) in enumerate(zip(rows, row_heights(columns, rows), strict=True)):
        row = FIRST_DATA_ROW + offset
        sheet.set_row(row - 1, height)
        owner = co_owner_of(record, options.section) if layout is SECTION_SHEETS[0] else None
        if owner:
            _write_co_owned_row(sheet, row, layout, record, owner, styles)
            continue
        for index, column in enumerate(columns):
            if column.computed:
                formula = str(row).join(row_formulas[column.field])
                sheet.write_formula(row - 1, index, formula, cell_styles[index], "")
            else:
                _write_value(sheet, row - 1, index, cell_value(column, record.get(column.field)), cell_styles[index])
    first_empty = FIRST_DATA_ROW + len(rows)
    empty_rows = _empty_rows_xml(columns, cell_styles, row_formulas, first_empty, last_row)
    sheet.stamp(first_empty, last_row, empty_rows, width)

    _add_rules(sheet, layout, last_row, context.rule_styles)
    sheet.freeze_panes(FIRST_DATA_ROW - 1, 1 if width > 2 else 0)
    # Filter over every column (算定評価 included); sorting stays possible on the unlocked input
    # cells only, so the locked formula cells stay put and recompute beside whatever lands there.
    sheet.autofilter(HEADER_ROW - 1, 0, last_row - 1, width - 1)
    sheet.protect("", {"autofilter": True, "sort": True, "format_columns": True, "format_rows": True})
    widths = [0 if c.hidden else c.width for c in columns]
    print_page(sheet, widths, printed_last_row(len(rows)), owner=context.owner, title_rows=HEADER_ROW, title_columns=2)


def _write_co_owned_row(
    sheet: StampedWorksheet,
    row: int,
    layout: SheetLayout,
    record: Mapping[str, object],
    owner: str,
    styles: Mapping[str, Format],
) -> None:
    """A measure another section owns: its reference cells shown, every cell locked and grey,
    and 「主担当: ○○が報告」 where its grade reason would be (no formula: nothing to grade here)."""
    for index, column in enumerate(layout.all_columns):
        if column.field == "grade_reason":
            sheet.write_string(row - 1, index, co_owner_label(owner), styles["co-owned label"])
        elif column.computed:
            sheet.write_blank(row - 1, index, None, styles["co-owned"])
        else:
            _write_value(sheet, row - 1, index, cell_value(column, record.get(column.field)), styles["co-owned"])


def _formula_stamps(layout: SheetLayout, formulas: FormulaContext) -> dict[str, list[str]]:
    """Each formula column's formula split at the row number: `str(row).join(parts)` is its formula
    on `row`. Checked against the formula built for the first data row."""
    at_sentinel = computed_formulas(layout, SENTINEL_ROW, formulas)
    stamps = {f: text.split(str(SENTINEL_ROW)) for f, text in at_sentinel.items()}
    first = computed_formulas(layout, FIRST_DATA_ROW, formulas)
    if any(str(FIRST_DATA_ROW).join(parts) != first[f] for f, parts in stamps.items()):
        raise RuntimeError(f"{layout.key}: a formula holds {SENTINEL_ROW} other than as its row number")
    return stamps


def _empty_rows_xml(
    columns: Sequence[Column],
    cell_styles: Sequence[Format],
    row_formulas: Mapping[str, list[str]],
    first_row: int,
    last_row: int,
) -> tuple[str, str]:
    """The XML of the empty input rows at the sentinel row: styled blank cells and live formulas,
    (first row, further rows). The first row holds each formula once, shared down to `last_row`
    (Excel's shared formulas: the further rows say only "as above", with their own row)."""
    row = str(SENTINEL_ROW)
    first, further = [], []
    for index, column in enumerate(columns):
        letter = xl_col_to_name(index)
        head = f'<c r="{letter}{row}" s="{cell_styles[index]._get_xf_index()}"'
        if column.computed:
            formula = escape(str(first_row).join(row_formulas[column.field]).removeprefix("="))
            group = f'si="{len(first)}"'  # one shared group per formula column: any distinct number
            ref = f"{letter}{first_row}:{letter}{last_row}"
            first.append(f'{head}><f t="shared" ref="{ref}" {group}>{formula}</f><v></v></c>')
            further.append(f'{head}><f t="shared" {group}/><v></v></c>')
        else:
            first.append(f"{head}/>")
            further.append(f"{head}/>")
    return f'<row r="{row}">{"".join(first)}</row>', f'<row r="{row}">{"".join(further)}</row>'


def _write_value(sheet: StampedWorksheet, row: int, col: int, value: object, style: Format) -> None:
    """Write a pre-filled value by its type (text is always text, even when it starts with "=")."""
    if value is None:
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, style)
    elif isinstance(value, dt.datetime | dt.date):
        sheet.write_datetime(row, col, value, style)
    else:
        sheet.write_string(row, col, str(value), style)


Lists = tuple[tuple[str, str], ...]  # field → the range formula of its dropdown list


def _stamp_validations(sheet: StampedWorksheet, key: str, last_row: int, lists: Lists) -> None:
    """A layout sheet's data validations down to `last_row`, stamped from their rendering."""
    sheet.stamp_validations(_validations_xml(key, last_row, lists))


@lru_cache(maxsize=512)  # a few shapes: the tables' lengths differ little from section to section
def _validations_xml(key: str, last_row: int, lists: Lists) -> str:
    return render_validations(lambda sheet: _add_validations(sheet, key, last_row, lists))


def _add_validations(sheet: StampedWorksheet, key: str, last_row: int, lists: Lists) -> None:
    """A dropdown or type check and the input message on every column's cells, one by one."""
    columns = next(layout for layout in SECTION_SHEETS if layout.key == key).all_columns
    for index, column in enumerate(columns):
        sheet.data_validation(HEADER_ROW - 1, index, last_row - 1, index, _validation(column, dict(lists)))


def _validation(column: Column, lists: Mapping[str, str]) -> dict[str, Any]:
    """A dropdown or a type check on the column's cells, and its input message."""
    validation: dict[str, Any] = {"validate": "any", "show_error": False}
    if column.kind is Kind.CHOICE and not column.computed:
        validation = {
            "validate": "list",
            "source": "=" + lists[column.field],
            "error_message": f"一覧から選んでください: {'・'.join(column.choices)[:200]}",
            "error_type": "stop" if column.strict_choices else "warning",
        }
    elif column.kind is Kind.FISCAL_YEAR and not column.computed:
        validation = {
            "validate": "list",
            "source": "=" + lists["fiscal_year"],
            "error_message": "「令和6年度」のように選ぶか入力してください。",
            "error_type": "warning",
        }
    elif column.kind in (Kind.NUMBER, Kind.AMOUNT) and not column.computed:
        validation = {
            "validate": "decimal",
            "criteria": "between",
            "minimum": "0" if column.kind is Kind.AMOUNT else "-1E+15",
            "maximum": "1E+15",
            "error_message": "数値のみを入力してください（単位や注記は備考へ）。"
            + ("金額は千円単位、0以上です。" if column.kind is Kind.AMOUNT else ""),
            "error_type": "warning",
        }
    if not column.computed:
        validation["error_title"] = column.header[:32]
    if mode := ime_mode(column):
        validation["ime_mode"] = mode
    validation.update(ignore_blank=True, input_title=column.header[:32], input_message=input_message(column))
    return validation


def _add_rules(sheet: StampedWorksheet, layout: SheetLayout, last_row: int, rule_styles: Mapping[str, Format]) -> None:
    """Conditional formats: a required cell still empty once its row is started; grade colours;
    the 要確認 mark."""
    rules: list[tuple[str, str, str]] = []  # (column letter, formula at the first data row, style)
    anchor = xl_col_to_name(0)
    for index, column in enumerate(layout.columns[1:], start=1):
        if column.required:
            letter = xl_col_to_name(index)
            rules.append((letter, f'AND(${anchor}{FIRST_DATA_ROW}<>"",{letter}{FIRST_DATA_ROW}="")', "missing"))
    for field_name in ("grade", "kpi_grade"):
        if any(c.field == field_name for c in layout.computed):
            letter = layout.letter(field_name)
            for grade in ("A", "B", "C", "D"):
                rules.append((letter, f'${letter}{FIRST_DATA_ROW}="{grade}"', f"grade {grade}"))
    if any(c.field == "grade_check" for c in layout.computed):
        letter = layout.letter("grade_check")
        rules.append((letter, f'${letter}{FIRST_DATA_ROW}<>""', "mismatch"))
    for letter, formula, role in rules:
        sheet.conditional_format(
            f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
            {"type": "formula", "criteria": "=" + formula, "format": rule_styles[role]},
        )


def _write_instructions(sheet: StampedWorksheet, context: SheetContext) -> None:
    """記入要領: one wrapped column (A4 portrait), a long line's row as tall as its lines."""
    styles = context.styles
    roles = {"title": styles["title"], "heading": styles["heading"], "sheet": styles["heading"]}
    lines = instruction_lines(context.options)
    for row, (text, role) in enumerate(lines):
        if text:
            sheet.write_string(row, 0, text, roles.get(role, styles["instruction"]))
            if height := instruction_height(text, role):
                sheet.set_row(row, height)
    sheet.set_column(0, 0, INSTRUCTIONS_WIDTH)
    sheet.protect()
    print_page(sheet, [INSTRUCTIONS_WIDTH], len(lines), owner=context.owner, landscape=False)


def _write_meta(sheet: StampedWorksheet, context: SheetContext) -> None:
    sheet.very_hidden()
    for row, (key, value) in enumerate(meta_values(context.options).items()):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value, context.styles["text"])
    sheet.protect()
