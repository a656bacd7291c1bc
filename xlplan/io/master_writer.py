"""Write the master plan workbook (第2.x版) with XlsxWriter, atomically.

Sheets: 表紙, 一覧 (the list table), 集計 (totals and charts), 評価, 施策カード (printable),
the data tables 施策 … 財源 (the section layout plus provenance columns), 検証結果 and a very
hidden _meta. Each sheet's rows are written out as the writer moves on (`xlsxwriter_stream`),
so memory does not grow with the plan, with shared strings (a card label or source file name
is escaped and stored once, not per cell) and the cyclic garbage collector paused meanwhile;
it is written to a temporary file beside the target and renamed into place.
`xlplan.io.master_reader` reads the data tables back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import __version__
from ..core.audit.sheet import AUDIT_SHEET, AUDIT_SHEET_COLUMNS, audit_sheet_rows
from ..core.cells import column_letter
from ..core.disassemble import section_records
from ..core.enums import Severity
from ..core.findings import Code, Finding, sorted_findings
from ..core.fiscal import fy_label
from ..core.grading import MeasureGrade
from ..core.layout import MEASURES, Column, Kind, SheetLayout
from ..core.master.kpi_years import other_years
from ..core.master.layout import (
    COVER_SHEET,
    DATA_SHEETS,
    FINDINGS_COLUMNS,
    FINDINGS_SHEET,
    FIRST_DATA_ROW,
    GRADES_COLUMNS,
    GRADES_SHEET,
    HEADER_ROW,
    HISTORY_ACTIVE,
    HISTORY_COLUMNS,
    HISTORY_MERGED,
    HISTORY_RETIRED,
    HISTORY_SHEET,
    KPI_YEARS_COLUMNS,
    KPI_YEARS_SHEET,
    MASTER_FORMAT_VERSION,
    META_SHEET,
    MISMATCH_MARK,
    PROVENANCE_COLUMNS,
    SEVERITY_LABELS,
    TableColumn,
)
from ..core.master.view import grade_column, pillar_of, shared_marks, stage_label
from ..core.model import Measure, Plan, RowSource
from ..core.print_metrics import LINE_HEIGHT, ROW_PADDING, row_height
from .atomic import atomic_output
from .master_cards import write_cards
from .master_list import write_list
from .master_style import Styles
from .master_summary import write_summary
from .print_setup import print_page
from .section_style import HEADER_HEIGHT, WRAPPED_KINDS, banner_height
from .xlsxwriter_stream import StreamedWorkbook
from .xlsxwriter_text import collector_paused

__all__ = ["MasterContent", "write_master"]


@dataclass(frozen=True)
class MasterContent:
    """Everything the master shows: the merged plan, grades, findings and what went in."""

    plan: Plan
    grades: Sequence[MeasureGrade] = ()
    findings: Sequence[Finding] = ()
    stage_sources: Mapping[tuple[str, int], RowSource] = field(default_factory=dict)
    sections_by_file: Mapping[str, str] = field(default_factory=dict)
    inputs: int = 0  # files found under the folders
    inputs_merged: int = 0  # readable section workbooks of the year, merged
    missing_sections: Sequence[str] = ()
    not_returned: Sequence[str] = ()
    generated_at: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    cards: bool = True
    # Also write the KPI values of years the KPI sheet has no column for (KPI年度値: later years'
    # targets, older actuals). Off, the master holds the evaluated year only, as a section workbook.
    kpi_years: bool = False
    audit_findings: Sequence[Finding] = ()  # the auditor's checks (xlplan lint), for the 監査観点 sheet
    history: Sequence[Measure] = ()  # measures retired or merged away in earlier revisions (改訂履歴)


def write_master(path: Path, content: MasterContent) -> Path:
    """Write the master workbook atomically (a temporary file beside `path`, then one rename).

    :param path: the .xlsx to write; its folder is created when missing.
    :param content: what to write.
    """
    with atomic_output(Path(path)) as tmp, collector_paused():
        # Not constant_memory: its inline strings are escaped per cell, shared strings once per distinct
        # text, a fifth faster overall (and the charts get cached values). StreamedWorkbook writes the
        # rows out as it goes instead, keeping the shared strings.
        workbook = StreamedWorkbook(
            str(tmp),
            {
                "constant_memory": False,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        try:
            _write(workbook, content)
        finally:
            workbook.close()
    return Path(path)


def _write(workbook: Workbook, content: MasterContent) -> None:
    styles = Styles(workbook)
    plan = content.plan
    workbook.set_properties(
        {"title": f"{plan.name} 第{plan.version}版", "subject": fy_label(plan.evaluated_fy), "creator": "xlplan"}
    )
    grades = {g.measure_id: g for g in content.grades}
    marks = shared_marks(plan.projects)
    # Sheets are created in reading order first, then filled.
    cover = workbook.add_worksheet(COVER_SHEET)
    write_list(workbook, styles, plan, marks, grades)
    write_summary(workbook, styles, plan, grades)
    grade_sheet = workbook.add_worksheet(GRADES_SHEET)
    if content.cards:
        write_cards(workbook, styles, plan, marks, grades)
    data_sheets = {layout.key: workbook.add_worksheet(layout.name) for layout in DATA_SHEETS}
    kpi_years = workbook.add_worksheet(KPI_YEARS_SHEET)
    findings_sheet = workbook.add_worksheet(FINDINGS_SHEET)
    audit_sheet = workbook.add_worksheet(AUDIT_SHEET)
    history_sheet = workbook.add_worksheet(HISTORY_SHEET)
    meta = workbook.add_worksheet(META_SHEET)

    _write_cover(cover, styles, content)
    _write_grades(grade_sheet, styles, plan, grades)
    records = section_records(plan.measures, plan.projects, plan.evaluated_fy)
    for layout in DATA_SHEETS:
        rows = zip(records[layout.key], _sources(content, layout.key), strict=True)
        _write_data_sheet(data_sheets[layout.key], styles, layout, plan, rows)
    _write_kpi_years(kpi_years, styles, plan if content.kpi_years else replace(plan, measures=()))
    _write_findings(findings_sheet, styles, content)
    _write_audit(audit_sheet, styles, plan, content.audit_findings)
    _write_history(history_sheet, styles, plan, content.history)
    _write_meta(meta, content)
    cover.activate()


# data tables ---------------------------------------------------------------------------------


def _sources(content: MasterContent, key: str) -> Iterator[RowSource | None]:
    """The source of each row `section_records` yields for a sheet, in the same order."""
    plan = content.plan
    if key == "measures":
        yield from (m.source for m in plan.measures)
    elif key == "lifecycle":
        yield from (content.stage_sources.get((m.measure_id, y)) for m in plan.measures for y in sorted(m.stages))
    elif key == "schedule":
        yield from (ms.source for m in plan.measures for ms in m.milestones)
    elif key == "kpi":
        yield from (k.source for m in plan.measures for k in m.kpis)
    elif key == "projects":
        yield from (p.source for p in plan.projects)
    elif key == "budget":
        yield from (line.source for p in plan.projects for line in p.lines)
    elif key == "funding":
        yield from (line.source for p in plan.projects for line in p.funding)


def _write_data_sheet(
    sheet: Worksheet,
    styles: Styles,
    layout: SheetLayout,
    plan: Plan,
    rows: Iterator[tuple[Mapping[str, object], RowSource | None]],
) -> None:
    columns = layout.columns
    width = len(columns)
    last_letter = column_letter(width)
    banner = f"{layout.title}（マスター）　{plan.name} 第{plan.version}版　{fy_label(plan.evaluated_fy)}"
    banner += "　― 値のセルは、出典ファイルの出典シートで、この表と同じ列・出典セルの行にあります"
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    for offset, column in enumerate(PROVENANCE_COLUMNS):
        sheet.set_column(width + offset, width + offset, column.width)
    _banner(sheet, styles, banner, [c.width for c in columns])
    for index, column in enumerate(columns):
        sheet.write_string(HEADER_ROW - 1, index, column.header, styles.header)
    for offset, column in enumerate(PROVENANCE_COLUMNS):
        sheet.write_string(HEADER_ROW - 1, width + offset, column.header, styles.provenance_header)
    sheet.set_row(HEADER_ROW - 1, _header_height((*columns, *PROVENANCE_COLUMNS)))
    wrapped = [(index, column) for index, column in enumerate(columns) if column.kind not in _NUMBER_KINDS]
    row = FIRST_DATA_ROW - 1
    for record, source in rows:
        for index, column in enumerate(columns):
            _write_value(sheet, styles, row, index, column.kind, record.get(column.field))
        _fit_row(sheet, row, ((record.get(column.field), column.width) for _, column in wrapped))
        if source is not None:
            excel_row = source.row
            sheet.write_string(row, width, source.file, styles.provenance)
            sheet.write_string(row, width + 1, source.sha256, styles.provenance)
            sheet.write_string(row, width + 2, source.sheet, styles.provenance)
            sheet.write_string(row, width + 3, f"A{excel_row}:{last_letter}{excel_row}", styles.provenance)
        row += 1
    last_row = max(row - 1, HEADER_ROW - 1)
    sheet.autofilter(HEADER_ROW - 1, 0, last_row, width + len(PROVENANCE_COLUMNS) - 1)
    sheet.freeze_panes(HEADER_ROW, 1)
    _print(sheet, plan, [c.width for c in columns], last_row + 1)


def _write_value(sheet: Worksheet, styles: Styles, row: int, col: int, kind: Kind, value: object) -> None:
    if value is None or value == "":
        return
    if kind is Kind.FISCAL_YEAR and isinstance(value, int):
        sheet.write_string(row, col, fy_label(value), styles.text)
    elif kind is Kind.MONTH and isinstance(value, str) and len(value) == 7:
        year, month = value.split("-")
        sheet.write_datetime(row, col, dt.datetime(int(year), int(month), 1), styles.month)
    elif kind is Kind.MEASURE_ID_LIST and isinstance(value, str):
        sheet.write_string(row, col, "、".join(value.split(",")), styles.text)
    elif isinstance(value, bool):
        sheet.write_string(row, col, str(value), styles.text)
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, styles.amount if kind is Kind.AMOUNT else styles.number)
    else:
        sheet.write_string(row, col, str(value), styles.wrap if kind in WRAPPED_KINDS else styles.text)


def _write_kpi_years(sheet: Worksheet, styles: Styles, plan: Plan) -> None:
    banner = (
        f"評価指標の他年度の値　{plan.name} 第{plan.version}版　― 「KPI」シートにない年度の年度目標値・実績値・参考値"
    )
    _table_head(sheet, styles, KPI_YEARS_COLUMNS, banner)
    row = FIRST_DATA_ROW - 1
    for item in other_years((k for m in plan.measures for k in m.kpis), plan.evaluated_fy):
        sheet.write_string(row, 0, item.measure_id, styles.text)
        sheet.write_string(row, 1, item.kpi_id, styles.text)
        sheet.write_string(row, 2, fy_label(item.fiscal_year), styles.text)
        for col, value in ((3, item.yearly_target), (4, item.actual), (5, item.reference)):
            if value is not None:
                sheet.write_number(row, col, value, styles.number)
        row += 1
    sheet.autofilter(HEADER_ROW - 1, 0, max(row - 1, HEADER_ROW - 1), len(KPI_YEARS_COLUMNS) - 1)
    sheet.freeze_panes(HEADER_ROW, 0)
    _print(sheet, plan, [c.width for c in KPI_YEARS_COLUMNS], max(row, HEADER_ROW))


# 評価 ---------------------------------------------------------------------------------------


def _write_grades(sheet: Worksheet, styles: Styles, plan: Plan, grades: Mapping[str, MeasureGrade]) -> None:
    columns = (*GRADES_COLUMNS, *PROVENANCE_COLUMNS)
    _table_head(sheet, styles, columns, f"進捗評価（算定）　{fy_label(plan.evaluated_fy)}　― 算定評価・自己評価・根拠")
    year = plan.evaluated_fy
    row = FIRST_DATA_ROW - 1
    for measure in plan.measures:
        grade = grades.get(measure.measure_id)
        stage = grade.stage if grade else measure.stage_in(year)
        basis = grade.basis if grade else measure.basis_in(year)
        self_grade = measure.self_grades.get(year)
        values = (
            measure.measure_id,
            measure.name,
            pillar_of(measure),
            measure.primary_section,
            fy_label(year),
            stage_label(stage),
            basis.value if basis else "",
            grade_column(grade),  # 判定不可 when none: the 集計 COUNTIFS count exactly these texts
            self_grade.value if self_grade else "",
            MISMATCH_MARK if grade and grade.mismatch else "",
            grade.trace if grade else "",
            grade.override_reason if grade else "",
        )
        for col, value in enumerate(values):
            if value:
                style = styles.warning if col == 9 else styles.wrap if col in (1, 5, 10, 11) else styles.text
                sheet.write_string(row, col, value, style)
        _fit_row(sheet, row, zip(values, (c.width for c in GRADES_COLUMNS), strict=True))
        _provenance(sheet, styles, row, len(GRADES_COLUMNS), measure.source, "self_grade")
        row += 1
    sheet.autofilter(HEADER_ROW - 1, 0, max(row - 1, HEADER_ROW - 1), len(columns) - 1)
    sheet.freeze_panes(HEADER_ROW, 2)
    _print(sheet, plan, [c.width for c in GRADES_COLUMNS], max(row, HEADER_ROW))


def _provenance(
    sheet: Worksheet, styles: Styles, row: int, col: int, source: RowSource | None, field_name: str
) -> None:
    if source is None:
        return
    sheet.write_string(row, col, source.file, styles.provenance)
    sheet.write_string(row, col + 1, source.sha256, styles.provenance)
    sheet.write_string(row, col + 2, source.sheet, styles.provenance)
    sheet.write_string(row, col + 3, f"{MEASURES.letter(field_name)}{source.row}", styles.provenance)


def _table_head(sheet: Worksheet, styles: Styles, columns: Sequence[TableColumn], banner: str) -> None:
    for index, column in enumerate(columns):
        sheet.set_column(index, index, column.width)
    _banner(sheet, styles, banner, [c.width for c in columns if c not in PROVENANCE_COLUMNS])
    for index, column in enumerate(columns):
        style = styles.provenance_header if column in PROVENANCE_COLUMNS else styles.header
        sheet.write_string(HEADER_ROW - 1, index, column.header, style)
    sheet.set_row(HEADER_ROW - 1, _header_height(columns))


SINGLE_LINE_HEIGHT = LINE_HEIGHT + ROW_PADDING
_NUMBER_KINDS = (Kind.NUMBER, Kind.AMOUNT, Kind.MONTH)


def _banner(sheet: Worksheet, styles: Styles, text: str, widths: Sequence[float]) -> None:
    """The banner over the printed columns, wrapped so that it prints whole."""
    if len(widths) > 1:
        sheet.merge_range(0, 0, 0, len(widths) - 1, text, styles.wide_banner)
    else:
        sheet.write_string(0, 0, text, styles.wide_banner)
    sheet.set_row(0, banner_height(text, sum(widths)))


def _header_height(columns: Sequence[TableColumn | Column]) -> float:
    """A header row tall enough for every header's lines in its column."""
    return row_height(((c.header, c.width) for c in columns), minimum=HEADER_HEIGHT)


def _fit_row(sheet: Worksheet, row: int, cells: Iterable[tuple[object, float]]) -> None:
    """Make a row (0-based) as tall as its wrapped cells' lines, given as (text, column width)."""
    height = row_height(cells)
    if height > SINGLE_LINE_HEIGHT:
        sheet.set_row(row, height)


def _print(sheet: Worksheet, plan: Plan, widths: Sequence[float], last_row: int, *, title_columns: int = 2) -> None:
    """A4 page of a master table (its data columns; the provenance columns stay on screen)."""
    owner = f"{plan.name} 第{plan.version}版"
    print_page(sheet, widths, last_row, owner=owner, title_rows=HEADER_ROW, title_columns=title_columns)


# 検証結果 ---------------------------------------------------------------------------------------


def _write_findings(sheet: Worksheet, styles: Styles, content: MasterContent) -> None:
    severity_style = {Severity.ERROR: styles.error, Severity.WARNING: styles.warning, Severity.INFO: styles.text}
    rows = (
        (
            (
                content.sections_by_file.get(f.file, ""),
                f.file,
                f.sheet,
                f.cell,
                SEVERITY_LABELS[str(f.severity)],
                str(f.code),
                f.column,
                f.value,
                f.message(),
            ),
            {4: severity_style[f.severity]},
        )
        for f in sorted_findings(content.findings)
    )
    banner = "検証結果　― 提出ファイルごとの指摘（エラー・警告・情報）と統合時の指摘"
    _write_text_table(sheet, styles, content.plan, FINDINGS_COLUMNS, banner, rows, wrap={8})


def _write_audit(sheet: Worksheet, styles: Styles, plan: Plan, findings: Sequence[Finding]) -> None:
    banner = "監査観点　― 令和7年度包括外部監査の意見に沿った点検（xlplan lint）"
    rows = ((values, {}) for values in audit_sheet_rows(findings))
    _write_text_table(sheet, styles, plan, AUDIT_SHEET_COLUMNS, banner, rows, wrap={2, 4, 7})


def _write_history(sheet: Worksheet, styles: Styles, plan: Plan, history: Sequence[Measure]) -> None:
    banner = "改訂履歴　― 統合・廃止された施策とその行き先（施策IDは再利用しません）"
    rows = [
        ((m.measure_id, m.name, HISTORY_ACTIVE, "", "、".join(m.absorbed_ids), ""), {})
        for m in plan.measures
        if m.absorbed_ids
    ]
    rows += [
        (
            (
                m.measure_id,
                m.name,
                HISTORY_MERGED if m.merged_into else HISTORY_RETIRED,
                m.merged_into,
                "、".join(m.absorbed_ids),
                fy_label(m.retired_fy) if m.retired_fy else "",
            ),
            {},
        )
        for m in history
    ]
    _write_text_table(sheet, styles, plan, HISTORY_COLUMNS, banner, rows, wrap={1})


def _write_text_table(
    sheet: Worksheet,
    styles: Styles,
    plan: Plan,
    columns: Sequence[TableColumn],
    banner: str,
    rows: Iterable[tuple[Sequence[str], Mapping[int, Format]]],
    *,
    wrap: Collection[int],
) -> None:
    """A filterable table of text under a banner; `rows` give each row's values and per-column styles."""
    _table_head(sheet, styles, columns, banner)
    row = FIRST_DATA_ROW - 1
    for values, special in rows:
        for col, value in enumerate(values):
            if value:
                style = special.get(col) or (styles.wrap if col in wrap else styles.text)
                sheet.write_string(row, col, value, style)
        _fit_row(sheet, row, zip(values, (c.width for c in columns), strict=False))
        row += 1
    sheet.autofilter(HEADER_ROW - 1, 0, max(row - 1, HEADER_ROW - 1), len(columns) - 1)
    sheet.freeze_panes(HEADER_ROW, 0)
    _print(sheet, plan, [c.width for c in columns], max(row, HEADER_ROW))


# 表紙 and _meta ---------------------------------------------------------------------------------


def count_conflicts(findings: Sequence[Finding]) -> int:
    """How many conflict findings (same measure or project, different values)."""
    return sum(1 for f in findings if f.code is Code.CONSOLIDATION_CONFLICT)


def _write_cover(sheet: Worksheet, styles: Styles, content: MasterContent) -> None:
    plan = content.plan
    errors = sum(1 for f in content.findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in content.findings if f.severity is Severity.WARNING)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 80)
    sheet.write_string(0, 0, f"{plan.name}　第{plan.version}版", styles.title)
    sheet.write_string(1, 0, f"{fy_label(plan.evaluated_fy)} 進捗状況（マスター）", styles.subtitle)
    facts: list[tuple[str, str | int]] = [
        ("計画", plan.name),
        ("版", f"第{plan.version}版"),
        ("計画期間", f"{fy_label(plan.period[0])}〜{fy_label(plan.period[1])}"),
        ("評価年度", fy_label(plan.evaluated_fy)),
        ("作成日時", content.generated_at.strftime("%Y-%m-%d %H:%M")),
        ("提出ファイル数", content.inputs),
        ("統合したファイル数", content.inputs_merged),
        ("施策数", len(plan.measures)),
        ("予算事業数", len(plan.projects)),
        ("エラー", errors),
        ("うち競合（同じ施策・事業で値が異なる）", count_conflicts(content.findings)),
        ("警告", warnings),
        ("未提出の課所室", "、".join(content.missing_sections) or "なし"),
        ("前回マスターにあり今回提出のない施策", "、".join(content.not_returned) or "なし"),
        ("作成", f"xlplan {__version__}（{MASTER_FORMAT_VERSION}）"),
    ]
    for row, (label, value) in enumerate(facts, start=3):
        sheet.write_string(row, 0, label, styles.label)
        if isinstance(value, int):
            sheet.write_number(row, 1, value, styles.cover_number)
        else:
            sheet.write_string(row, 1, value, styles.wrap)
            _fit_row(sheet, row, [(label, 40), (value, 80)])
    guide = [
        ("一覧", "体系ごとの施策一覧と当初予算（(*1)等は複数施策に共通の事業。合計では1回だけ計上）"),
        ("集計", "柱別・段階別の進捗評価の分布、予算・決算・執行率（グラフ付き）"),
        ("評価", "施策ごとの算定評価・自己評価・評価の根拠"),
        ("施策カード", "施策ごとの印刷用カード（A4、幅1ページ）"),
        ("施策〜財源", "統合したデータ。出典ファイル・出典シート・出典セルで各課所室のセルにたどれます"),
        ("検証結果", "提出ファイルの指摘と統合時の指摘（競合・未提出など）"),
    ]
    start = len(facts) + 5
    sheet.write_string(start - 1, 0, "シートの案内", styles.subtitle)
    for offset, (name, text) in enumerate(guide):
        sheet.write_string(start + offset, 0, name, styles.label)
        sheet.write_string(start + offset, 1, text, styles.wrap)
        _fit_row(sheet, start + offset, [(name, 40), (text, 80)])
    owner = f"{plan.name} 第{plan.version}版"
    print_page(sheet, [40, 80], start + len(guide), owner=owner, landscape=False)


def meta_items(content: MasterContent) -> list[tuple[str, str]]:
    """The key/value rows of the hidden _meta sheet."""
    plan = content.plan
    return [
        ("master_format", MASTER_FORMAT_VERSION),
        ("plan_name", plan.name),
        ("plan_version", plan.version),
        ("period_start", str(plan.period[0])),
        ("period_end", str(plan.period[1])),
        ("evaluated_fy", str(plan.evaluated_fy)),
        ("generated_at", content.generated_at.isoformat()),
        ("generator", f"xlplan {__version__}"),
        ("inputs", str(content.inputs)),
        ("inputs_merged", str(content.inputs_merged)),
    ]


def _write_meta(sheet: Worksheet, content: MasterContent) -> None:
    for row, (key, value) in enumerate(meta_items(content)):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.very_hidden()
