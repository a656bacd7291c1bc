"""The section layout drawn with openpyxl: the changes workbook's sheets, and the reference.

`write_layout_sheet` draws one `SheetLayout` into an openpyxl workbook (the changes workbook of
`revise` adds its own sheets around it). `build_reference_section_workbook` is the section
writer as it was before the XlsxWriter one: kept only as the reference that the equality test
(`tests/test_section_writer.py`) and `scripts/bench_sections.py` hold the fast writer to.
Texts and colours come from `section_writer` and `section_style`, shared with the fast writer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.appearance import GRADE_INK
from ..core.cells import column_letter
from ..core.layout import (
    BANNER_ROW,
    FIRST_DATA_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    META_SHEET,
    SECTION_SHEETS,
    Column,
    Kind,
    SheetLayout,
)
from .grade_formulas import FormulaContext, computed_formulas
from .openpyxl_look import font, japanese_workbook
from .print_setup import print_page
from .rules_file import load_rules
from .section_style import (
    BANNER_COLOUR,
    BORDER_COLOUR,
    CO_OWNED_COLOUR,
    COMPUTED_COLOUR,
    COMPUTED_HEADER_COLOUR,
    GRADE_COLOURS,
    HEADER_COLOUR,
    INPUT_COLOUR,
    MISMATCH_COLOUR,
    MISMATCH_FONT_COLOUR,
    MISSING_COLOUR,
    WRAPPED_KINDS,
    banner_height,
    co_owner_label,
    co_owner_of,
    ime_mode,
    number_format,
)
from .section_writer import (
    INSTRUCTIONS_WIDTH,
    TemplateOptions,
    banner_text,
    cell_value,
    dropdown_lists,
    header_height,
    input_message,
    instruction_height,
    instruction_lines,
    meta_values,
    printed_last_row,
    row_heights,
)

__all__ = [
    "BANNER_FONT",
    "BORDER",
    "HEADER_FILL",
    "HEADER_FONT",
    "build_reference_section_workbook",
    "write_instruction_lines",
    "write_layout_sheet",
]

INPUT_FILL = PatternFill("solid", fgColor=INPUT_COLOUR)
HEADER_FILL = PatternFill("solid", fgColor=HEADER_COLOUR)
COMPUTED_HEADER_FILL = PatternFill("solid", fgColor=COMPUTED_HEADER_COLOUR)
COMPUTED_FILL = PatternFill("solid", fgColor=COMPUTED_COLOUR)
CO_OWNED_FILL = PatternFill("solid", fgColor=CO_OWNED_COLOUR)
MISSING_FILL = PatternFill("solid", fgColor=MISSING_COLOUR)
BANNER_FONT = font(bold=True, size=12, color=BANNER_COLOUR)
HEADER_FONT = font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color=BORDER_COLOUR)
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def build_reference_section_workbook(
    options: TemplateOptions, records: Mapping[str, Sequence[Mapping[str, object]]]
) -> Workbook:
    """The section workbook as the openpyxl writer drew it (the reference; see the module docstring)."""
    workbook = japanese_workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    lists = _write_lists(workbook, options)
    last_rows = {
        layout.key: FIRST_DATA_ROW + len(records.get(layout.key, ())) + options.blank_rows - 1
        for layout in SECTION_SHEETS
    }
    formulas = FormulaContext(options.rules or load_rules(), options.fiscal_year, last_rows)
    for layout in SECTION_SHEETS:
        write_layout_sheet(workbook, layout, options, records.get(layout.key, ()), lists, formulas)
    _write_instructions(instructions, options)
    _write_meta(workbook, options)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    return workbook


def _write_lists(workbook: Workbook, options: TemplateOptions) -> dict[str, str]:
    """A very hidden sheet holding every dropdown list; returns field key → range formula."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "veryHidden"
    columns, ranges = dropdown_lists(options.fiscal_year, SECTION_SHEETS)
    for index, values in enumerate(columns, start=1):
        for row, value in enumerate(values, start=1):
            sheet.cell(row=row, column=index, value=value)
    return ranges


def write_layout_sheet(
    workbook: Workbook,
    layout: SheetLayout,
    options: TemplateOptions,
    rows: Sequence[Mapping[str, object]],
    lists: Mapping[str, str],
    formulas: FormulaContext,
) -> None:
    """Add one layout's sheet: banner, headers with input messages, dropdowns, formatted input
    rows (unlocked), pre-filled `rows`, live formula columns, protection and print settings."""
    sheet = workbook.create_sheet(layout.name)
    width = len(layout.all_columns)
    last_row = formulas.last_rows[layout.key]
    banner = banner_text(layout, options)
    for index in range(1, width + 1):  # XlsxWriter styles every cell of a merged range
        cell = sheet.cell(row=BANNER_ROW, column=index)
        cell.font = BANNER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.cell(row=BANNER_ROW, column=1, value=banner)
    sheet.merge_cells(start_row=BANNER_ROW, start_column=1, end_row=BANNER_ROW, end_column=width)
    printed = sum(0 if c.hidden else c.width for c in layout.all_columns)
    sheet.row_dimensions[BANNER_ROW].height = banner_height(banner, printed)

    for index, column in enumerate(layout.columns, start=1):
        letter = _header(sheet, index, column, HEADER_FILL)
        _add_validation(sheet, layout, column, letter, last_row, lists)
        for row in range(FIRST_DATA_ROW, last_row + 1):
            cell = sheet.cell(row=row, column=index)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
            cell.border = BORDER
            cell.number_format = number_format(column.kind)
            if column.kind in WRAPPED_KINDS:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, record in enumerate(rows):
        for index, column in enumerate(layout.columns, start=1):
            value = cell_value(column, record.get(column.field))
            if value is not None:
                sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=value)
    _add_missing_highlight(sheet, layout, last_row)
    _write_computed(sheet, layout, last_row, formulas)
    if layout is SECTION_SHEETS[0]:
        for offset, record in enumerate(rows):
            if owner := co_owner_of(record, options.section):
                _lock_co_owned_row(sheet, layout, FIRST_DATA_ROW + offset, owner)

    sheet.row_dimensions[HEADER_ROW].height = header_height(layout.all_columns)
    for offset, height in enumerate(row_heights(layout.all_columns, rows)):
        sheet.row_dimensions[FIRST_DATA_ROW + offset].height = height
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=2 if width > 2 else 1)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(width)}{last_row}"
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # allowed
    sheet.protection.sort = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    widths = [0 if c.hidden else c.width for c in layout.all_columns]
    owner = options.section or options.plan_name
    print_page(sheet, widths, printed_last_row(len(rows)), owner=owner, title_rows=HEADER_ROW, title_columns=2)


def _lock_co_owned_row(sheet: Worksheet, layout: SheetLayout, row: int, owner: str) -> None:
    """Another section's measure: every cell locked and grey, the owner named in the grade reason."""
    for index, column in enumerate(layout.all_columns, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.protection = Protection(locked=True)
        cell.fill = CO_OWNED_FILL
        cell.number_format = "General"  # nothing is typed here
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        if column.computed:
            cell.value = co_owner_label(owner) if column.field == "grade_reason" else None
            cell.font = font(bold=column.field == "grade_reason")


def _header(sheet: Worksheet, index: int, column: Column, fill: PatternFill) -> str:
    """A column's header cell and width; returns its letter."""
    letter = column_letter(index)
    header = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
    header.font = HEADER_FONT
    header.fill = fill
    header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    header.border = BORDER
    sheet.column_dimensions[letter].width = column.width
    return letter


def _write_computed(sheet: Worksheet, layout: SheetLayout, last_row: int, formulas: FormulaContext) -> None:
    """The locked formula columns right of the input columns (grades), with their colours."""
    if not layout.computed:
        return
    for column in layout.computed:
        letter = _header(sheet, layout.index(column.field), column, COMPUTED_HEADER_FILL)
        sheet.column_dimensions[letter].hidden = column.hidden
        note = DataValidation(allow_blank=True)
        note.promptTitle = column.header[:32]
        note.prompt = input_message(column)
        note.showInputMessage = True
        note.add(f"{letter}{HEADER_ROW}:{letter}{last_row}")
        sheet.add_data_validation(note)
    for row in range(FIRST_DATA_ROW, last_row + 1):
        for field_name, formula in computed_formulas(layout, row, formulas).items():
            cell = sheet.cell(row=row, column=layout.index(field_name), value=formula)
            cell.fill = COMPUTED_FILL
            cell.border = BORDER
            cell.protection = Protection(locked=True)
            cell.alignment = Alignment(vertical="top", wrap_text=field_name.endswith("reason"))
    for field_name in ("grade", "kpi_grade"):
        if any(c.field == field_name for c in layout.computed):
            letter = layout.letter(field_name)
            for grade, colour in GRADE_COLOURS.items():
                sheet.conditional_formatting.add(
                    f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
                    FormulaRule(
                        formula=[f'${letter}{FIRST_DATA_ROW}="{grade}"'],
                        fill=PatternFill("solid", fgColor=colour, bgColor=colour),
                        font=Font(bold=True, color=GRADE_INK[grade]),
                    ),
                )
    if any(c.field == "grade_check" for c in layout.computed):
        letter = layout.letter("grade_check")
        sheet.conditional_formatting.add(
            f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
            FormulaRule(
                formula=[f'${letter}{FIRST_DATA_ROW}<>""'],
                fill=PatternFill("solid", fgColor=MISMATCH_COLOUR, bgColor=MISMATCH_COLOUR),
                font=Font(bold=True, color=MISMATCH_FONT_COLOUR),
            ),
        )


def _add_validation(
    sheet: Worksheet, layout: SheetLayout, column: Column, letter: str, last_row: int, lists: Mapping[str, str]
) -> None:
    """A dropdown or a type check on the input cells, and the column's input message."""
    title = column.header[:32]
    if column.kind is Kind.CHOICE:
        validation = DataValidation(type="list", formula1=lists[column.field], allow_blank=True)
        validation.error = f"一覧から選んでください: {'・'.join(column.choices)[:200]}"
        validation.errorStyle = "stop" if column.strict_choices else "warning"
    elif column.kind is Kind.FISCAL_YEAR:
        validation = DataValidation(type="list", formula1=lists["fiscal_year"], allow_blank=True)
        validation.error = "「令和6年度」のように選ぶか入力してください。"
        validation.errorStyle = "warning"
    elif column.kind in (Kind.NUMBER, Kind.AMOUNT):
        minimum = "0" if column.kind is Kind.AMOUNT else "-1E+15"
        validation = DataValidation(
            type="decimal", operator="between", formula1=minimum, formula2="1E+15", allow_blank=True
        )
        validation.error = "数値のみを入力してください（単位や注記は備考へ）。" + (
            "金額は千円単位、0以上です。" if column.kind is Kind.AMOUNT else ""
        )
        validation.errorStyle = "warning"
    else:
        validation = DataValidation(allow_blank=True)
    validation.errorTitle = column.header[:32]
    validation.showErrorMessage = validation.type is not None
    validation.promptTitle = title
    validation.prompt = input_message(column)
    validation.showInputMessage = True
    validation.imeMode = ime_mode(column)
    validation.add(f"{letter}{HEADER_ROW}:{letter}{last_row}")
    sheet.add_data_validation(validation)


def _add_missing_highlight(sheet: Worksheet, layout: SheetLayout, last_row: int) -> None:
    """Colour a required cell that is still empty once its row has been started."""
    anchor = column_letter(1)
    for index, column in enumerate(layout.columns, start=1):
        if not column.required or index == 1:
            continue
        letter = column_letter(index)
        formula = f'AND(${anchor}{FIRST_DATA_ROW}<>"",{letter}{FIRST_DATA_ROW}="")'
        sheet.conditional_formatting.add(
            f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}", FormulaRule(formula=[formula], fill=MISSING_FILL)
        )


def _write_instructions(sheet: Worksheet, options: TemplateOptions) -> None:
    write_instruction_lines(sheet, instruction_lines(options), options.section or options.plan_name)
    sheet.protection.sheet = True


def write_instruction_lines(sheet: Worksheet, lines: Sequence[tuple[str, str]], owner: str) -> None:
    """An instructions sheet (記入要領): one column of (text, role) lines; long lines wrap in
    rows as tall as their lines; A4 portrait with the footer."""
    for row, (text, style) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        if style == "title":
            cell.font = font(bold=True, size=14, color=BANNER_COLOUR)
            cell.alignment = Alignment(wrap_text=True)
        elif text:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if style in ("heading", "sheet"):
                cell.font = font(bold=True)
        if text and (height := instruction_height(text, style)):
            sheet.row_dimensions[row].height = height
    sheet.column_dimensions["A"].width = INSTRUCTIONS_WIDTH
    print_page(sheet, [INSTRUCTIONS_WIDTH], len(lines), owner=owner, landscape=False)


def _write_meta(workbook: Workbook, options: TemplateOptions) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    for row, (key, value) in enumerate(meta_values(options).items(), start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=value).number_format = "@"
    sheet.protection.sheet = True
