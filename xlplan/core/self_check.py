"""The section workbook's self-check (入力チェック): which `check` rules have a formula form.

One place declares, per finding code, how a plain spreadsheet formula finds the same mistake
(`FORMULA_RULES`), or why only HQ can check it (`HQ_ONLY`). The 入力チェック sheet is drawn from
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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from string import Formatter

from .enums import Basis, Severity
from .findings import SEVERITY, Code
from .layout import (
    BUDGET,
    FIRST_DATA_ROW,
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
from .normalize import EMPTY_MARKERS

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


@dataclass(frozen=True)
class Tables:
    """Where each table of one workbook lies: the formatted rows and the section it was sent to."""

    last_rows: Mapping[str, int]  # sheet key → last formatted data row
    section: str = ""

    def range(self, layout: SheetLayout, field_name: str) -> str:
        """The absolute range of a column over every formatted row: 'KPI'!$M$3:$M$102."""
        letter = layout.letter(field_name)
        return f"'{layout.name}'!${letter}${FIRST_DATA_ROW}:${letter}${self.last_rows[layout.key]}"

    def grid(self, layout: SheetLayout) -> str:
        """The sheet from A1 to its last formatted row and input column (for INDEX by row and column)."""
        last = layout.letter(layout.columns[-1].field)
        return f"'{layout.name}'!$A$1:${last}${self.last_rows[layout.key]}"


# array building blocks: each is an array of 0/1 (or booleans) over a table's rows -----------------


def excel_text(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _clean(rng: str) -> str:
    """As `check` reads an ID: half-width (ASC), trimmed, spaces removed, upper case."""
    return f'UPPER(SUBSTITUTE(ASC(TRIM({rng}))," ",""))'


def _blank(t: Tables, layout: SheetLayout, field_name: str) -> str:
    """Empty as `check` reads it: nothing, spaces, or (outside text columns) 「なし」「-」…"""
    rng = t.range(layout, field_name)
    blank = f"IFERROR(LEN(TRIM(ASC({rng})))=0,0)"
    if layout.column(field_name).kind not in (Kind.TEXT, Kind.LONG_TEXT):
        markers = ",".join(excel_text(m) for m in sorted(EMPTY_MARKERS))
        blank = f"(({blank})+IFERROR(ISNUMBER(MATCH(TRIM({rng}),{{{markers}}},0)),0)>0)"
    return blank


def _filled(t: Tables, layout: SheetLayout, field_name: str) -> str:
    """Holds a value (not an error value: that is reported as such)."""
    rng = t.range(layout, field_name)
    return f"(1-{_blank(t, layout, field_name)})*(1-ISERROR({rng}))"


def _started(t: Tables, layout: SheetLayout) -> str:
    """The row holds anything in an input column (the rows `check` reads)."""
    lengths = "+".join(f"IFERROR(LEN({t.range(layout, c.field)}),1)" for c in layout.columns)
    return f"(({lengths})>0)"


def _digits(text: str) -> str:
    """True when `text` is ASCII digits only (a number written back with as many digits)."""
    return f'(TEXT(VALUE({text}),REPT("0",LEN({text})))={text})'


def _number_text(rng: str) -> str:
    """A cell as `check` reads a number: half-width, without 「,」「千円」「%」 and with ▲ as minus."""
    text = f"ASC(TRIM({rng}))"
    for old, new in ((" ", ""), (",", ""), ("千円", ""), ("%", ""), ("▲", "-"), ("△", "-")):
        text = f"SUBSTITUTE({text},{excel_text(old)},{excel_text(new)})"
    return text


def _owned(t: Tables, measure: str) -> str:
    """The measure (an array of IDs) is on 施策 and this section is its primary owner."""
    ids = t.range(MEASURES, "measure_id")
    if not t.section:
        return f"(COUNTIF({ids},{measure})>0)"
    primary = t.range(MEASURES, "primary_section")
    return f'((COUNTIFS({ids},{measure},{primary},{excel_text(t.section)})+COUNTIFS({ids},{measure},{primary},""))>0)'


# the conditions, one per rule: (tables, layout, flagged field) → 0/1 array ------------------------

Condition = Callable[[Tables, SheetLayout, str], str]


def _value_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    return f"{_started(t, layout)}*{_blank(t, layout, field_name)}"


def _number_invalid(t: Tables, layout: SheetLayout, field_name: str) -> str:
    rng = t.range(layout, field_name)
    return f"{_filled(t, layout, field_name)}*(1-ISNUMBER({rng}))*ISERROR(VALUE({_number_text(rng)}))"


def _out_of_range(t: Tables, layout: SheetLayout, field_name: str) -> str:
    number = f"VALUE({_number_text(t.range(layout, field_name))})"
    return f"{_filled(t, layout, field_name)}*IFERROR(({number}<0)+({number}>1E+15),0)"


def _measure_id_invalid(t: Tables, layout: SheetLayout, field_name: str) -> str:
    s = _clean(t.range(layout, field_name))
    valid = f'(LEFT({s},2)="M-")*((LEN({s})=5)+(LEN({s})=6))*{_digits(f"MID({s},3,4)")}'
    return f"{_filled(t, layout, field_name)}*IFERROR(1-{valid},1)"


def _kpi_id_invalid(t: Tables, layout: SheetLayout, field_name: str) -> str:
    s = _clean(t.range(layout, field_name))
    k = f'FIND("-K",{s})'
    valid = (
        f'(LEFT({s},2)="M-")*(({k}=6)+({k}=7))*{_digits(f"MID({s},3,{k}-3)")}'
        f"*((LEN({s})-{k}=2)+(LEN({s})-{k}=3))*{_digits(f'MID({s},{k}+2,2)')}"
    )
    return f"{_filled(t, layout, field_name)}*IFERROR(1-{valid},1)"


def _cell_error(t: Tables, layout: SheetLayout, field_name: str) -> str:
    return f"ISERROR({t.range(layout, field_name)})"


def _duplicate(t: Tables, layout: SheetLayout, field_name: str) -> str:
    key = '&"|"&'.join(_clean(t.range(layout, f)) for f in layout.keys)
    filled = "*".join(_filled(t, layout, f) for f in layout.keys)
    row = f"ROW({t.range(layout, field_name)})-{FIRST_DATA_ROW - 1}"
    return f"IFERROR({filled}*(MATCH({key},{key},0)<{row}),0)"


def _unknown_in(target: SheetLayout, target_field: str) -> Condition:
    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        known = f"COUNTIF({t.range(target, target_field)},TRIM({t.range(layout, field_name)}))"
        return f"{_filled(t, layout, field_name)}*IFERROR({known}=0,0)"

    return condition


def _stage_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    measure = f"TRIM({t.range(layout, field_name)})"
    evaluated = t.range(LIFECYCLE, "evaluated_measure_id")
    owner = t.range(layout, "primary_section")
    owned = (
        f"(({_blank(t, layout, 'primary_section')})+IFERROR(TRIM({owner})={excel_text(t.section)},0)>0)"
        if t.section
        else "1"
    )
    return f"{_filled(t, layout, field_name)}*{owned}*IFERROR(COUNTIF({evaluated},{measure})=0,0)"


def _stage_without(basis: Basis, sheet: SheetLayout) -> Condition:
    """The evaluated year's stage row of a measure managed by `basis` with no row on `sheet`."""

    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        measure = t.range(LIFECYCLE, "evaluated_measure_id")
        applied = t.range(LIFECYCLE, "applied_basis")
        rows = f"COUNTIF({t.range(sheet, 'measure_id')},{measure})"
        return f'IFERROR(({measure}<>"")*({applied}={excel_text(basis.value)})*{_owned(t, measure)}*({rows}=0),0)'

    return condition


def _kpi_value_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    measure = f"TRIM({t.range(layout, 'measure_id')})"
    by_kpi = (
        f"COUNTIFS({t.range(LIFECYCLE, 'evaluated_measure_id')},{measure},"
        f"{t.range(LIFECYCLE, 'applied_basis')},{excel_text(Basis.KPI.value)})"
    )
    return (
        f"{_filled(t, layout, 'measure_id')}*{_blank(t, layout, field_name)}"
        f"*IFERROR(({by_kpi}>0)*{_owned(t, measure)},0)"
    )


def _sum_mismatch(lines: SheetLayout) -> Condition:
    """A project's amount that its budget or funding lines do not add up to (±0.5 千円)."""

    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        project, total = t.range(layout, "project_id"), t.range(layout, field_name)
        of = f"{t.range(lines, 'project_id')},TRIM({project})"
        amounts = t.range(lines, field_name)
        # a line that is negative or text is reported at its own cell; like `check`, skip the sum
        bad = f'COUNTIFS({of},{amounts},"<>")-COUNTIFS({of},{amounts},">=0")'
        return (
            f"{_filled(t, layout, 'project_id')}*ISNUMBER({total})"
            f"*IFERROR(({bad}=0)*(ABS(SUMIFS({amounts},{of})-{total})>=0.5),0)"
        )

    return condition


def _done_without_date(t: Tables, layout: SheetLayout, field_name: str) -> str:
    status = t.range(layout, "status")
    return f'IFERROR(TRIM({status})="完了",0)*{_blank(t, layout, field_name)}'


# the catalog --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormulaRule:
    """One line of the self-check: a code on one sheet, the columns it names, its formula form."""

    code: Code
    sheet: SheetLayout
    fields: tuple[str, ...]  # the columns whose cells `check` names (one count for all)
    condition: Condition
    shown: Mapping[str, str] = None  # type: ignore[assignment]  # message placeholder → field of the row
    params: Mapping[str, str] = None  # type: ignore[assignment]  # message placeholder → fixed text

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
                rules.append(_rule(Code.VALUE_MISSING, layout, (column.field,), _value_missing, **params))
            if column.kind in (Kind.NUMBER, Kind.AMOUNT):
                rules.append(_rule(Code.NUMBER_INVALID, layout, (column.field,), _number_invalid, **params))
            if column.kind is Kind.AMOUNT:
                rules.append(
                    _rule(
                        Code.VALUE_OUT_OF_RANGE,
                        layout,
                        (column.field,),
                        _out_of_range,
                        expected="0以上の金額（千円）",
                        **params,
                    )
                )
            if column.kind is Kind.MEASURE_ID:
                rules.append(_rule(Code.ID_INVALID, layout, (column.field,), _measure_id_invalid, **params))
            if column.kind is Kind.KPI_ID:
                rules.append(_rule(Code.ID_INVALID, layout, (column.field,), _kpi_id_invalid, **params))
    return rules


def formula_rules() -> tuple[FormulaRule, ...]:
    """Every rule with a formula form, in the order of the 入力チェック sheet."""
    rules = [
        _rule(Code.CELL_ERROR, layout, tuple(c.field for c in layout.columns), _cell_error) for layout in SECTION_SHEETS
    ]
    rules += _column_rules()
    rules += [
        _rule(Code.ID_DUPLICATE, layout, (layout.keys[-1],), _duplicate) for layout in SECTION_SHEETS if layout.keys
    ]
    rules += [
        _rule(Code.MEASURE_UNKNOWN, layout, ("measure_id",), _unknown_in(MEASURES, "measure_id"))
        for layout in (LIFECYCLE, SCHEDULE, KPI)
    ]
    rules += [
        _rule(Code.PROJECT_UNKNOWN, layout, ("project_id",), _unknown_in(PROJECTS, "project_id"))
        for layout in (BUDGET, FUNDING)
    ]
    measure = {"value": "measure_id"}
    rules += [
        _rule(Code.STAGE_MISSING, MEASURES, ("measure_id",), _stage_missing, measure, fiscal_year=UNKNOWN),
        _rule(Code.KPI_MISSING, LIFECYCLE, ("stage",), _stage_without(Basis.KPI, KPI), {**measure, "stage": "stage"}),
        _rule(
            Code.MILESTONE_MISSING,
            LIFECYCLE,
            ("stage",),
            _stage_without(Basis.SCHEDULE, SCHEDULE),
            {**measure, "stage": "stage"},
        ),
        _rule(Code.KPI_TARGET_MISSING, KPI, ("target",), _kpi_value_missing, {"measure": "measure_id"}),
        _rule(Code.KPI_BASELINE_MISSING, KPI, ("baseline",), _kpi_value_missing, {"measure": "measure_id"}),
    ]
    for code, lines in ((Code.BUDGET_LINES_MISMATCH, BUDGET), (Code.FUNDING_MISMATCH, FUNDING)):
        for amount in ("initial", "revised", "settlement"):
            rules.append(
                _rule(
                    code,
                    PROJECTS,
                    (amount,),
                    _sum_mismatch(lines),
                    {"value": "project_id"},
                    amount=PROJECTS.column(amount).header,
                )
            )
    rules.append(_rule(Code.MILESTONE_DONE_WITHOUT_DATE, SCHEDULE, ("completed_on",), _done_without_date))
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
    Code.ID_INVALID: "予算事業ID・関連施策IDの形式（英数字の組合せ・複数のIDを本部で確認します）",
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
        Code.MEASURE_NOT_OWNER,
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
    field = rule.fields[0] if hole == "value" and len(rule.fields) == 1 else hole
    if hole == "value" and len(rule.fields) > 1:
        return True  # an error value, shown by its name
    if field not in {c.field for c in rule.sheet.columns}:
        return False
    return rule.sheet.column(field).kind not in (Kind.FISCAL_YEAR, Kind.MONTH)


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
