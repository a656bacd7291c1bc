"""The section workbook's self-check (入力チェック): which `check` rules have a formula form.

One place declares, per finding code, how a plain spreadsheet formula finds the same mistake
(`formula_rules()`), or why only HQ can check it (`HQ_ONLY`). The 入力チェック sheet is drawn from
this table (io/self_check_sheet.py), its messages come from the same message catalog as
`xlplan check`, and `check` uses `shown_by_self_check` to say which findings the section could
have seen before sending.

A rule's formula form is a 0/1 array over a table's rows (Excel array formulas, Excel 2007 and
LibreOffice functions only: SUM, MIN, IF, IFERROR, ISERROR, ISNUMBER, COUNTIF(S), SUMIFS, MATCH,
LEN, TRIM, ASC, TEXT, VALUE). It reads the cells as typed, over every formatted row of the table
(the sheets are protected: nothing can be typed below them).

Known limits (the formulas read what is typed; `check` first normalises it):
- a row that `check` reads with a different spelling (a fiscal year typed 「2024年度」 in one row
  and 「令和6年度」 in its duplicate) can count differently for duplicates;
- a budget line or funding amount typed as text (「1,000」) makes the sheet skip that project's
  sum check (`check` reads the number and checks it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter

from .enums import Basis, Severity
from .findings import SEVERITY, Code
from .layout import (
    BUDGET,
    FUNDING,
    KPI,
    LIFECYCLE,
    MEASURES,
    PROJECTS,
    SCHEDULE,
    SECTION_SHEETS,
    Kind,
    SheetLayout,
)
from .messages import CATALOG
from .self_check_formulas import (
    Condition,
    Tables,
    cell_error,
    done_without_date,
    duplicate,
    excel_text,
    kpi_id_invalid,
    kpi_value_missing,
    measure_id_invalid,
    number_invalid,
    out_of_range,
    project_id_invalid,
    stage_missing,
    stage_without,
    sum_mismatch,
    unknown_in,
    value_missing,
)

__all__ = [
    "HQ_ONLY",
    "NONE",
    "ROW_KEY",
    "SELF_CHECK_SHEET",
    "SINGLE_WORKBOOK_CODES",
    "UNKNOWN",
    "FormulaRule",
    "SelfCheckLine",
    "Tables",
    "excel_text",
    "formula_rules",
    "self_check_line",
    "self_check_lines",
    "shown_by_self_check",
]

SELF_CHECK_SHEET = "入力チェック"
ROW_KEY = 1000  # first-cell key: row * ROW_KEY + column (a sheet has fewer than 1000 columns)
NONE = "1E+9"  # the first-cell key when no cell offends (above any row * ROW_KEY + column)
UNKNOWN = "…"  # a placeholder of a message that depends on the row (shown for the first row only)


# the catalog --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormulaRule:
    """One line of the self-check: a code on one sheet, the columns it names, its formula form."""

    code: Code
    sheet: SheetLayout
    fields: tuple[str, ...]  # the columns whose cells `check` names (one count for all)
    condition: Condition
    shown: Mapping[str, str] = field(default_factory=dict)  # message placeholder → field of the row
    params: Mapping[str, str] = field(default_factory=dict)  # message placeholder → fixed text

    @property
    def severity(self) -> Severity:
        """The code's severity in `check`."""
        return SEVERITY.get(self.code, Severity.ERROR)


def _rule(
    code: Code,
    sheet: SheetLayout,
    fields: tuple[str, ...],
    condition: Condition,
    shown: Mapping[str, str] | None = None,
    **params: str,
) -> FormulaRule:
    return FormulaRule(code, sheet, fields, condition, shown or {}, params)


def _column_rules() -> list[FormulaRule]:
    """Rules on one column's cells, the same params as the schema's findings (validators/convert.py)."""
    rules = []
    for layout in SECTION_SHEETS:
        for column in layout.columns:
            params = {"hint": column.help, "example": column.example or column.header}
            if column.required:
                rules.append(_rule(Code.VALUE_MISSING, layout, (column.field,), value_missing, **params))
            if column.kind in (Kind.NUMBER, Kind.AMOUNT):
                rules.append(_rule(Code.NUMBER_INVALID, layout, (column.field,), number_invalid, **params))
            if column.kind is Kind.AMOUNT:
                rules.append(
                    _rule(
                        Code.VALUE_OUT_OF_RANGE,
                        layout,
                        (column.field,),
                        out_of_range,
                        expected="0以上の金額（千円）",
                        **params,
                    )
                )
            if column.kind is Kind.MEASURE_ID:
                rules.append(_rule(Code.ID_INVALID, layout, (column.field,), measure_id_invalid, **params))
            if column.kind is Kind.KPI_ID:
                rules.append(_rule(Code.ID_INVALID, layout, (column.field,), kpi_id_invalid, **params))
            if column.kind is Kind.PROJECT_ID:
                rules.append(_rule(Code.ID_INVALID, layout, (column.field,), project_id_invalid, **params))
    return rules


def formula_rules() -> tuple[FormulaRule, ...]:
    """Every rule with a formula form, in the order of the 入力チェック sheet."""
    rules = [
        _rule(Code.CELL_ERROR, layout, tuple(c.field for c in layout.columns), cell_error) for layout in SECTION_SHEETS
    ]
    rules += _column_rules()
    rules += [
        _rule(Code.ID_DUPLICATE, layout, (layout.keys[-1],), duplicate) for layout in SECTION_SHEETS if layout.keys
    ]
    rules += [
        _rule(Code.MEASURE_UNKNOWN, layout, ("measure_id",), unknown_in(MEASURES, "measure_id"))
        for layout in (LIFECYCLE, SCHEDULE, KPI)
    ]
    rules += [
        _rule(Code.PROJECT_UNKNOWN, layout, ("project_id",), unknown_in(PROJECTS, "project_id"))
        for layout in (BUDGET, FUNDING)
    ]
    measure = {"value": "measure_id"}
    rules += [
        _rule(Code.STAGE_MISSING, MEASURES, ("measure_id",), stage_missing, measure, fiscal_year=UNKNOWN),
        _rule(Code.KPI_MISSING, LIFECYCLE, ("stage",), stage_without(Basis.KPI, KPI), {**measure, "stage": "stage"}),
        _rule(
            Code.MILESTONE_MISSING,
            LIFECYCLE,
            ("stage",),
            stage_without(Basis.SCHEDULE, SCHEDULE),
            {**measure, "stage": "stage"},
        ),
        _rule(Code.KPI_TARGET_MISSING, KPI, ("target",), kpi_value_missing, {"measure": "measure_id"}),
        _rule(Code.KPI_BASELINE_MISSING, KPI, ("baseline",), kpi_value_missing, {"measure": "measure_id"}),
    ]
    for code, lines in ((Code.BUDGET_LINES_MISMATCH, BUDGET), (Code.FUNDING_MISMATCH, FUNDING)):
        for amount in ("initial", "revised", "settlement"):
            rules.append(
                _rule(
                    code,
                    PROJECTS,
                    (amount,),
                    sum_mismatch(lines),
                    {"value": "project_id"},
                    amount=PROJECTS.column(amount).header,
                )
            )
    rules.append(_rule(Code.MILESTONE_DONE_WITHOUT_DATE, SCHEDULE, ("completed_on",), done_without_date))
    return tuple(rules)


# Codes `check` reports for a single workbook that no formula in the workbook can show, and why.
HQ_ONLY: Mapping[Code, str] = {
    Code.FILE_LOCK_SKIPPED: "ファイルそのものの形式や状態（ブックを開く前に分かること）",
    Code.FILE_UNREADABLE: "ファイルそのものの形式や状態（ブックを開く前に分かること）",
    Code.FILE_NOT_WORKBOOK: "ファイルそのものの形式や状態（ブックを開く前に分かること）",
    Code.FILE_XLS: "ファイルの保存形式（名前を付けて保存の種類）",
    Code.FILE_CSV: "ファイルの保存形式（名前を付けて保存の種類）",
    Code.FILE_ODS: "ファイルの保存形式（名前を付けて保存の種類）",
    Code.FILE_ENCRYPTED: "ファイルのパスワード保護",
    Code.FILE_HAS_MACROS: "ファイルの保存形式（名前を付けて保存の種類）",
    Code.TEMPLATE_NOT_XLPLAN: "様式の種類とバージョン（本部の管理情報）",
    Code.TEMPLATE_VERSION: "様式の種類とバージョン（本部の管理情報）",
    Code.SHEET_MISSING: "シート・見出しの構成（シートは保護されています）",
    Code.SHEET_RENAMED: "シート・見出しの構成（シートは保護されています）",
    Code.HEADER_MISSING: "シート・見出しの構成（シートは保護されています）",
    Code.HEADER_MOVED: "シート・見出しの構成（シートは保護されています）",
    Code.FORMULA_NO_VALUE: "保存された計算結果の有無（Excelで保存すれば解消します）",
    Code.VALUE_OUTSIDE_TABLE: "表の外のセル（入力欄の外は保護されています）",
    Code.MERGED_INPUT_CELLS: "セルの結合（シートは保護されています）",
    Code.VALUE_NORMALIZED: "表記の読み替え（お知らせのみ。エラーではありません）",
    Code.VALUE_NOT_IN_LIST: "一覧にない値（セルの▼から選びます。表記ゆれは本部で読み替えます）",
    Code.FISCAL_YEAR_INVALID: "年度の書き方（▼から選びます。「R6」「2024」なども本部で読み取ります）",
    Code.MONTH_INVALID: "年月の書き方（「2024/10」「令和6年10月」などを本部で読み取ります）",
    Code.ID_INVALID: "関連施策IDの形式（「、」などで区切った複数のIDを本部で読み分けて確認します）",
    Code.FILE_TOO_LARGE: "ファイルの大きさ・行数（受け取ったときに本部で確認します）",
    Code.ZIP_BOMB: "ファイルの大きさ・行数（受け取ったときに本部で確認します）",
    Code.XML_ENTITIES: "ファイルの内部構造（受け取ったときに本部で確認します）",
    Code.TOO_MANY_ROWS: "ファイルの大きさ・行数（受け取ったときに本部で確認します）",
    Code.TOO_MANY_CELLS: "ファイルの大きさ・行数（受け取ったときに本部で確認します）",
    Code.SHEET_DUPLICATE: "ファイルの内部構造（受け取ったときに本部で確認します）",
    Code.SHEET_HIDDEN: "シートの表示・非表示（シートは保護されています）",
    Code.SHEET_VERY_HIDDEN: "シートの表示・非表示（シートは保護されています）",
    Code.ROW_HIDDEN: "行・列の表示・非表示",
    Code.COLUMN_HIDDEN: "行・列の表示・非表示",
    Code.CELL_TOO_LONG: "セルの文字数（受け取ったときに本部で確認します）",
    Code.CONTROL_CHARACTERS: "表示されない制御文字（お知らせのみ。本部で取り除きます）",
    Code.SYMLINK_OUTSIDE: "ファイルの置き場所（本部のフォルダ）",
    Code.PERMISSION_DENIED: "ファイルの置き場所（本部のフォルダ）",
    Code.MEASURE_ELSEWHERE: "他の課所室の施策（お知らせのみ。本部が全課所室分と照合します）",
    # check warns at the cell; the rows are locked and grey, so only an unprotected copy gets there
    Code.MEASURE_NOT_OWNER: "他の課所室が主担当の施策への入力（灰色の行。主担当の課所室が報告します）",
}

# Every code `xlplan check` can report for one workbook (the rest belong to lint, revise, consolidate).
SINGLE_WORKBOOK_CODES: frozenset[Code] = frozenset(
    code
    for code in Code
    if not code.value.startswith(("audit-", "revision-"))
    and code
    not in {
        Code.STAGE_MOVE_NOT_ALLOWED,
        Code.SELF_GRADE_MISMATCH,  # grade/consolidate; the workbook shows 「要確認」 live beside 算定評価
        Code.FILE_IS_MASTER,
        Code.INPUT_FISCAL_YEAR_MISMATCH,
        Code.SECTION_SENT_TWICE,
        Code.SECTION_NOT_RETURNED,
        Code.SECTION_NOT_ON_ROSTER,
        Code.CONSOLIDATION_CONFLICT,
        Code.CONSOLIDATION_DUPLICATE,
        Code.MEASURE_OWNER_MISSING,
        Code.MEASURE_NOT_RETURNED,
        Code.PROJECT_MEASURE_MISSING,
    }
)


def shown_by_self_check(code: Code, sheet_name: str, column: str) -> bool:
    """True when the 入力チェック sheet counts this finding (its code, sheet and column header).

    :param code: the finding's code.
    :param sheet_name: the sheet it names (e.g. "KPI").
    :param column: the header of the column it names (e.g. "目標値").
    """
    return self_check_line(code, sheet_name, column) is not None


def self_check_line(code: Code, sheet_name: str, column: str) -> int | None:
    """The index of the 入力チェック line that counts this finding (None: no formula form)."""
    return _LINES.get((code, sheet_name, column))


_LINES: dict[tuple[Code, str, str], int] = {
    (rule.code, rule.sheet.name, rule.sheet.column(f).header): index
    for index, rule in enumerate(formula_rules())
    for f in rule.fields
}


# the lines of the sheet -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SelfCheckLine:
    """One line of the 入力チェック sheet, as formulas (without the leading "=")."""

    rule: FormulaRule
    count: str  # array formula: how many cells `check` would name
    first: str  # array formula: row * ROW_KEY + column of the first such cell (NONE or more: none)
    column: str  # the column header ("" when the line covers every column of the sheet)
    message: tuple[str, ...]  # the message's text pieces, between the `placeholders`
    placeholders: tuple[str, ...]  # what goes between them: "column", "value" or a field of the row


def self_check_lines(tables: Tables) -> list[SelfCheckLine]:
    """Every formula rule's line for one workbook.

    :param tables: the extent of each table and the section the workbook is for.
    """
    lines = []
    for rule in formula_rules():
        layout = rule.sheet
        conditions = [(f, rule.condition(tables, layout, f)) for f in rule.fields]
        count = "+".join(f"SUM(({c})*1)" for _, c in conditions)
        # arithmetic, not IF(cond, key): the same in Excel and LibreOffice whatever the cells hold
        keys = ",".join(
            f"ROW({tables.range(layout, f)})*{ROW_KEY}+{layout.index(f)}+(1-({c})*1)*{NONE}" for f, c in conditions
        )
        column = layout.column(rule.fields[0]).header if len(rule.fields) == 1 else ""
        message, placeholders = _message_pieces(rule, column)
        lines.append(SelfCheckLine(rule, count, f"MIN({keys})", column, message, placeholders))
    return lines


def _read_as_typed(rule: FormulaRule, hole: str) -> bool:
    """A placeholder the first offending row can fill as `check` shows it: a column header, or a
    cell `check` shows as typed (not a fiscal year or month: `check` shows those as it read them)."""
    if hole == "column":
        return True
    name = rule.fields[0] if hole == "value" and len(rule.fields) == 1 else hole
    if hole == "value" and len(rule.fields) > 1:
        return True  # an error value, shown by its name
    if name not in {c.field for c in rule.sheet.columns}:
        return False
    return rule.sheet.column(name).kind not in (Kind.FISCAL_YEAR, Kind.MONTH)


def _message_pieces(rule: FormulaRule, column: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The catalog's Japanese message split around what only the first offending row can tell."""
    ja, _ = CATALOG[rule.code]
    pieces: list[str] = []
    holes: list[str] = []
    text = ""
    for literal, name, spec, _conv in Formatter().parse(ja):
        text += literal
        if name is None:
            continue
        fixed = {**rule.params, **({"column": column} if column else {})}
        if name in fixed:
            text += format(fixed[name], spec or "")
        elif _read_as_typed(rule, rule.shown.get(name, name)):
            pieces.append(text)
            holes.append(rule.shown.get(name, name))
            text = ""
        else:
            text += UNKNOWN
    pieces.append(text)
    return tuple(pieces), tuple(holes)
