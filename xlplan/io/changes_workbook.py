"""The changes workbook: HQ's revision of the plan, typed into a plain .xlsx, and read back.

Written and read by the section workbook's own machinery: each sheet is a `SheetLayout`
(`core.revision_layout`) drawn by the section writer (dropdowns, input messages, red empty
required cells, protected structure) and read by the section reader (guarded, normalised
cells that remember their address); one pandera schema per sheet, built from the same layout,
turns bad cells into findings through the validators' converter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.worksheet import Worksheet

from xlplan_validators.convert import RowOrigin, failures_to_findings

from ..core.cells import column_letter
from ..core.findings import Code, Finding
from ..core.fiscal import fy_label
from ..core.grading.rules import GradeRules
from ..core.layout import (
    FIRST_DATA_ROW,
    ID_LIST_PATTERN,
    INSTRUCTIONS_SHEET,
    KPI_ID_PATTERN,
    LISTS_SHEET,
    MEASURE_ID_PATTERN,
    META_SHEET,
    Kind,
    SheetLayout,
)
from ..core.model import Plan
from ..core.print_metrics import row_height
from ..core.revision.layout import CHANGE_SHEETS, CHANGES_TEMPLATE_VERSION
from ..core.revision.proposals import Proposal
from ..core.tables import SectionWorkbook
from .atomic import atomic_write
from .grade_formulas import FormulaContext
from .openpyxl_layout import write_instruction_lines, write_layout_sheet
from .openpyxl_look import font, japanese_workbook
from .print_setup import print_page
from .reader import failure_reason, read_section_workbook, read_sheet
from .section_writer import FISCAL_YEARS_OFFERED, TemplateOptions
from .xlsx.limits import DEFAULT_LIMITS, InputRefused, ReadLimits
from .xlsx.package import open_workbook

__all__ = ["ChangesOptions", "read_changes_workbook", "write_changes_workbook"]

HQ = "デジタル化推進本部"
REFERENCE_SHEET = "施策一覧（参照）"
_PATTERNS = {Kind.MEASURE_ID: MEASURE_ID_PATTERN, Kind.KPI_ID: KPI_ID_PATTERN, Kind.MEASURE_ID_LIST: ID_LIST_PATTERN}


@dataclass(frozen=True, slots=True)
class ChangesOptions:
    """What to stamp into a changes workbook: the plan it revises and the new version."""

    fiscal_year: int  # the new plan's fiscal year
    plan_name: str = "デジタル化推進計画"
    base_version: str = ""  # the version being revised
    to_version: str = ""
    blank_rows: int = 50


def write_changes_workbook(
    path: Path, options: ChangesOptions, *, plan: Plan | None = None, proposals: Sequence[Proposal] = ()
) -> Path:
    """Write a changes workbook atomically; with a plan, the proposals and a list of its measures.

    :param path: the .xlsx to write.
    :param options: the plan and versions stamped into it.
    :param plan: the plan being revised (its active measures are listed for reference).
    :param proposals: the rules' proposals, pre-filled on 改訂案 for HQ to accept or reject.
    """
    records: dict[str, list[dict[str, object]]] = {
        "proposals": [
            {
                "measure_id": p.measure_id,
                "name": p.name,
                "from_stage": p.from_stage.value,
                "to_stage": p.to_stage.value,
                "rule": p.rule.label,
                "evidence": p.evidence,
            }
            for p in proposals
        ]
    }
    workbook = japanese_workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    lists = _write_lists(workbook, options.fiscal_year)
    section = f"第{options.base_version}版→第{options.to_version}版の改訂" if options.base_version else HQ
    stamp = TemplateOptions(
        fiscal_year=options.fiscal_year,
        section=section,
        plan_name=options.plan_name,
        plan_version=options.to_version,
        blank_rows=options.blank_rows,
    )
    for layout in CHANGE_SHEETS:
        rows = records.get(layout.key, [])
        last_rows = {layout.key: FIRST_DATA_ROW + len(rows) + options.blank_rows - 1}
        write_layout_sheet(
            workbook, layout, stamp, rows, lists, FormulaContext(GradeRules(), options.fiscal_year, last_rows)
        )
    if plan is not None:
        _write_reference(workbook.create_sheet(REFERENCE_SHEET), plan)
    _write_instructions(instructions, options)
    _write_meta(workbook, options)
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.active = 0
    return atomic_write(Path(path), lambda tmp: workbook.save(tmp))


def _write_lists(workbook: Workbook, fiscal_year: int) -> dict[str, str]:
    """The very hidden sheet of dropdown lists for the changes sheets; field → range formula."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "veryHidden"
    lists: dict[str, tuple[str, ...]] = {"fiscal_year": tuple(fy_label(fiscal_year + d) for d in FISCAL_YEARS_OFFERED)}
    for layout in CHANGE_SHEETS:
        for column in layout.columns:
            if column.kind is Kind.CHOICE:
                lists.setdefault(column.field, column.choices)
    ranges = {}
    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value)
        ranges[name] = f"'{LISTS_SHEET}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def _write_reference(sheet: Worksheet, plan: Plan) -> None:
    """The plan's active measures and KPIs, to look IDs up while typing (locked)."""
    year = plan.evaluated_fy
    sheet.append([f"第{plan.version}版の施策と指標（{fy_label(year)}）― 参照用です。変更は各シートに書きます"])
    sheet["A1"].font = font(bold=True, color="1F4E78")
    headers = [
        "施策ID",
        "施策名",
        "主担当課所室",
        "関連課所室",
        f"段階（{fy_label(year)}）",
        "指標ID",
        "指標名",
        "目標値",
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = font(bold=True)
    for measure in plan.measures:
        if not measure.is_active_in(year + 1):
            continue
        stage = measure.stage_in(year)
        head = [measure.measure_id, measure.name, measure.primary_section, "、".join(measure.co_sections)]
        head.append(stage.value if stage else "")
        if not measure.kpis:
            sheet.append([*head, "", "", None])
        for kpi in measure.kpis:
            sheet.append([*head, kpi.kpi_id, kpi.name, kpi.target])
    widths = (10, 36, 22, 22, 10, 12, 30, 10)
    for letter, width in zip("ABCDEFGH", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[row[0].row].height = row_height(
            (cell.value, width) for cell, width in zip(row, widths, strict=False)
        )
    sheet.auto_filter.ref = f"A2:H{max(sheet.max_row, 2)}"
    sheet.freeze_panes = "B3"
    sheet.protection.sheet = True
    sheet.protection.autoFilter = False  # allowed
    print_page(sheet, widths, sheet.max_row, owner=plan.name, title_rows=2, title_columns=2)


def _write_instructions(sheet: Worksheet, options: ChangesOptions) -> None:
    versions = f"第{options.base_version}版 → 第{options.to_version}版" if options.base_version else ""
    lines = [
        (f"{options.plan_name}　改訂の変更ワークブック　{versions}（{fy_label(options.fiscal_year)}）", "title"),
        ("", ""),
        ("使い方", "heading"),
        ("1. 変更の種類ごとのシートに、1行に1件ずつ書きます。使わないシートは空のままで構いません。", ""),
        ("2. どの変更にも理由を書きます。理由は新旧対照表に載り、議会・市民が読みます。", ""),
        ("3. 「改訂案」は評価結果から規則で提案した段階です。「採否」で採用か不採用を選びます。", ""),
        ("4. ライフサイクルの通常の移行でない段階の変更は、理由がないと反映しません。", ""),
        ("5. 施策IDは版をまたいで変わりません。廃止・統合した施策のIDは再利用しません。", ""),
        ("6. 書き終えたら xlplan revise 計画.xlsx --changes このファイル -o 出力先 を実行します。", ""),
        ("", ""),
        ("シートと項目", "heading"),
    ]
    for layout in CHANGE_SHEETS:
        lines.append((f"■ {layout.name}: {layout.help}", "sheet"))
        for column in layout.columns:
            mark = "（必須）" if column.required else ""
            lines.append((f"　・{column.header}{mark}: {column.help}", ""))
    write_instruction_lines(sheet, lines, options.plan_name)
    sheet.protection.sheet = True


def _write_meta(workbook: Workbook, options: ChangesOptions) -> None:
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "veryHidden"
    meta = {
        "template_version": CHANGES_TEMPLATE_VERSION,
        "fiscal_year": str(options.fiscal_year),
        "plan_name": options.plan_name,
        "plan_version": options.base_version,
        "to_version": options.to_version,
    }
    for row, (key, value) in enumerate(meta.items(), start=1):
        sheet.cell(row=row, column=1, value=key)
        sheet.cell(row=row, column=2, value=value).number_format = "@"
    sheet.protection.sheet = True


# reading --------------------------------------------------------------------------------------


def read_changes_workbook(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> SectionWorkbook:
    """Read a changes workbook: normalised rows per sheet and every finding by cell. Never raises.

    The section reader screens the file first (lock files, size limits, what the file really
    is, the zip parts, the _meta stamp); its sheet reader then reads the changes sheets.

    :param path: the changes .xlsx filled in by HQ (never written to).
    :param limits: what the file may cost.
    """
    book = read_section_workbook(path, layouts=(), limits=limits)
    stamped = [f for f in book.findings if f.code is Code.TEMPLATE_VERSION]
    if book.meta.get("template_version") != CHANGES_TEMPLATE_VERSION or not stamped:
        return _not_changes(book, stamped)
    book.findings.remove(stamped[0])  # the section reader expected its own stamp
    book.readable = True
    try:
        parts, _, _ = open_workbook(Path(path), limits)
    except Exception as error:  # the file changed between the two reads, or is damaged late
        book.readable = False
        book.add(Code.FILE_UNREADABLE, reason=failure_reason(error))
        return book
    try:
        for layout in CHANGE_SHEETS:
            read_sheet(book, parts, layout, limits)
    except InputRefused as refused:  # a changes sheet over a limit
        book.readable = False
        book.findings.append(refused.finding(book.path))
    except Exception as error:  # damaged parts found late (bad XML inside a valid zip)
        book.readable = False
        book.add(Code.FILE_UNREADABLE, reason=failure_reason(error))
    finally:
        parts.close()
    if book.readable:
        book.findings.extend(validate_changes(book))
    return book


def _not_changes(book: SectionWorkbook, stamped: list[Finding]) -> SectionWorkbook:
    """A file that is not a changes workbook: say which stamp was expected."""
    book.findings = [f for f in book.findings if f not in stamped]
    if book.readable or stamped:
        book.readable = False
        book.add(
            Code.TEMPLATE_VERSION,
            sheet=META_SHEET,
            cell="B1",
            column="template_version",
            value=book.meta.get("template_version", "") or "（なし）",
            expected=CHANGES_TEMPLATE_VERSION,
        )
    return book


def validate_changes(book: SectionWorkbook) -> list[Finding]:
    """Validate every changes sheet with its schema; failures become findings at their cells."""
    findings: list[Finding] = []
    for layout in CHANGE_SHEETS:
        table = book.sheets.get(layout.key)
        if table is None or not table.records:
            continue
        frame = pd.DataFrame(
            [[record.get(c.field) for c in layout.columns] for record in table.records],
            columns=list(layout.headers),
            dtype=object,
        )
        origins = [RowOrigin(book.path, table, i) for i in range(len(table.records))]
        try:
            _schema(layout).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            findings.extend(failures_to_findings(errors.failure_cases, layout, origins, frame))
    return findings


_SCHEMAS: dict[str, pa.DataFrameSchema] = {}


def _schema(layout: SheetLayout) -> pa.DataFrameSchema:
    """The pandera schema of a changes sheet, read off its layout (like `validators._fields`)."""
    if layout.key not in _SCHEMAS:
        columns = {}
        for column in layout.columns:
            checks = []
            if pattern := _PATTERNS.get(column.kind):
                checks.append(pa.Check.str_matches(pattern))
            if column.kind is Kind.CHOICE and column.strict_choices:
                checks.append(pa.Check.isin(list(column.choices)))
            if column.kind is Kind.FISCAL_YEAR:
                checks.append(pa.Check.in_range(2000, 2100))
            columns[column.header] = pa.Column(
                _DTYPES.get(column.kind, str), checks=checks, nullable=not column.required, coerce=True
            )
        _SCHEMAS[layout.key] = pa.DataFrameSchema(columns, strict="filter", coerce=True)
    return _SCHEMAS[layout.key]


_DTYPES: Mapping[Kind, object] = {Kind.NUMBER: float, Kind.AMOUNT: float, Kind.FISCAL_YEAR: pd.Int64Dtype()}
