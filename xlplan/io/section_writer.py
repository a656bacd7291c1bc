"""Write the section workbook: a plain .xlsx that guides the person typing.

No macros: dropdowns, input messages, number formats, conditional formatting and sheet
protection (input cells unlocked) do the guiding. The layout table decides every column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.cells import column_letter
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
from .atomic import atomic_write
from .grade_formulas import FormulaContext, computed_formulas
from .rules_file import load_rules

__all__ = ["TemplateOptions", "write_layout_sheet", "write_section_workbook"]

INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")  # pale yellow: "type here"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
COMPUTED_HEADER_FILL = PatternFill("solid", fgColor="385723")  # dark green: "computed for you"
COMPUTED_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: locked, nothing to type
GRADE_FILLS = {"A": "C6EFCE", "B": "DDEBF7", "C": "FFEB9C", "D": "FFC7CE"}
MISMATCH_COLOUR = "FF7C80"  # 自己評価との差異: 要確認
MISSING_FILL = PatternFill("solid", fgColor="F8CBAD")  # required but empty
BANNER_FONT = Font(bold=True, size=12, color="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
NUMBER_FORMATS = {Kind.AMOUNT: "#,##0", Kind.NUMBER: "General", Kind.MONTH: 'yyyy"年"m"月"'}
FISCAL_YEARS_OFFERED = range(-2, 4)  # dropdown: two years back to three ahead of the template's year


@dataclass(frozen=True, slots=True)
class TemplateOptions:
    """What to stamp into a section workbook."""

    fiscal_year: int = 2024
    section: str = ""
    plan_name: str = "デジタル化推進計画"
    plan_version: str = ""
    blank_rows: int = 100  # empty, formatted input rows after the pre-filled ones
    rules: GradeRules | None = None  # grade rules of the live formulas (None: the bundled Akita rules)


def write_section_workbook(
    path: Path,
    options: TemplateOptions,
    records: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
) -> Path:
    """Write a section workbook atomically, pre-filled with `records` (sheet key → rows).

    :param path: where to write the .xlsx.
    :param options: section, fiscal year and plan stamped into the workbook.
    :param records: rows per sheet key, as produced by `core.disassemble.section_records`.
    """
    workbook = build_section_workbook(options, records or {})
    return atomic_write(Path(path), lambda tmp: workbook.save(tmp))


def build_section_workbook(options: TemplateOptions, records: Mapping[str, Sequence[Mapping[str, object]]]) -> Workbook:
    """Build the section workbook in memory (see `write_section_workbook`)."""
    workbook = Workbook()
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
    ranges: dict[str, str] = {}
    lists: dict[str, tuple[str, ...]] = {
        "fiscal_year": tuple(fy_label(options.fiscal_year + d) for d in FISCAL_YEARS_OFFERED)
    }
    for layout in SECTION_SHEETS:
        for column in layout.columns:
            if column.kind is Kind.CHOICE:
                lists.setdefault(column.field, column.choices)
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
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
    banner = f"{layout.title}　{fy_label(options.fiscal_year)}"
    if options.section:
        banner += f"　{options.section}"
    banner += "　― 黄色のセルに入力してください（見出しの行・列は変更しないでください）"
    sheet.cell(row=BANNER_ROW, column=1, value=banner)
    sheet.cell(row=BANNER_ROW, column=1).font = BANNER_FONT

    for index, column in enumerate(layout.columns, start=1):
        letter = column_letter(index)
        header = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
        header.font = HEADER_FONT
        header.fill = HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.border = BORDER
        sheet.column_dimensions[letter].width = column.width
        _add_validation(sheet, layout, column, letter, last_row, lists)
        for row in range(FIRST_DATA_ROW, last_row + 1):
            cell = sheet.cell(row=row, column=index)
            cell.protection = Protection(locked=False)
            cell.fill = INPUT_FILL
            cell.border = BORDER
            cell.number_format = NUMBER_FORMATS.get(column.kind, "@" if column.kind is Kind.TEXT else "General")
            if column.kind is Kind.LONG_TEXT:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, record in enumerate(rows):
        for index, column in enumerate(layout.columns, start=1):
            value = _cell_value(column, record.get(column.field), options)
            if value is not None:
                sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=value)
    _add_missing_highlight(sheet, layout, last_row)
    _write_computed(sheet, layout, last_row, formulas)

    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.freeze_panes = sheet.cell(row=FIRST_DATA_ROW, column=2 if width > 2 else 1)
    # Filter and sort over the input columns only: the locked formula cells stay put and
    # recompute for whatever row content lands beside them.
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{column_letter(len(layout.columns))}{last_row}"
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # allowed
    sheet.protection.sort = False
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{BANNER_ROW}:{HEADER_ROW}"
    sheet.oddFooter.center.text = "&P / &N"


def _write_computed(sheet: Worksheet, layout: SheetLayout, last_row: int, formulas: FormulaContext) -> None:
    """The locked formula columns right of the input columns (grades), with their colours."""
    if not layout.computed:
        return
    for column in layout.computed:
        index = layout.index(column.field)
        letter = column_letter(index)
        header = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
        header.font = HEADER_FONT
        header.fill = COMPUTED_HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.border = BORDER
        sheet.column_dimensions[letter].width = column.width
        sheet.column_dimensions[letter].hidden = column.hidden
        note = DataValidation(allow_blank=True)
        note.promptTitle = column.header[:32]
        note.prompt = f"自動計算（入力不要）: {column.help}"[:255]
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
            for grade, colour in GRADE_FILLS.items():
                sheet.conditional_formatting.add(
                    f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
                    FormulaRule(
                        formula=[f'${letter}{FIRST_DATA_ROW}="{grade}"'],
                        fill=PatternFill("solid", fgColor=colour, bgColor=colour),
                        font=Font(bold=True),
                    ),
                )
    if any(c.field == "grade_check" for c in layout.computed):
        letter = layout.letter("grade_check")
        sheet.conditional_formatting.add(
            f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}",
            FormulaRule(
                formula=[f'${letter}{FIRST_DATA_ROW}<>""'],
                fill=PatternFill("solid", fgColor=MISMATCH_COLOUR, bgColor=MISMATCH_COLOUR),
                font=Font(bold=True, color="9C0006"),
            ),
        )


def _cell_value(column: Column, value: object, options: TemplateOptions) -> object:
    """How a model value is shown to a person: fiscal years in 和暦, months as text."""
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


def _add_validation(
    sheet: Worksheet, layout: SheetLayout, column: Column, letter: str, last_row: int, lists: Mapping[str, str]
) -> None:
    """A dropdown or a type check on the input cells, and the column's input message."""
    title = column.header[:32]
    prompt = column.help + ("（必須）" if column.required else "")
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
    validation.prompt = prompt[:255]
    validation.showInputMessage = True
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
    for row, (text, style) in enumerate(lines, start=1):
        cell = sheet.cell(row=row, column=1, value=text or None)
        if style == "title":
            cell.font = Font(bold=True, size=14, color="1F4E78")
        elif style in ("heading", "sheet"):
            cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 120
    sheet.protection.sheet = True
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4


def _write_meta(workbook: Workbook, options: TemplateOptions) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    meta = {
        "template_version": TEMPLATE_VERSION,
        "section": options.section,
        "fiscal_year": str(options.fiscal_year),
        "plan_name": options.plan_name,
        "plan_version": options.plan_version,
    }
    for row, (key, value) in enumerate(meta.items(), start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=value).number_format = "@"
    sheet.protection.sheet = True
