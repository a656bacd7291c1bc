"""The formula forms of the self-check rules: 0/1 arrays over a table's rows, as Excel text.

Each condition reads the cells as typed, the way `xlplan check` reads them where a formula can
(half-width, trimmed, 「なし」「-」 as empty); `core.self_check` pairs each with its code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .enums import Basis
from .layout import FIRST_DATA_ROW, LIFECYCLE, MEASURES, Kind, SheetLayout
from .normalize import EMPTY_MARKERS

__all__ = [
    "Condition",
    "Tables",
    "cell_error",
    "done_without_date",
    "duplicate",
    "excel_text",
    "kpi_id_invalid",
    "kpi_value_missing",
    "measure_id_invalid",
    "number_invalid",
    "out_of_range",
    "project_id_invalid",
    "stage_missing",
    "stage_without",
    "sum_mismatch",
    "unknown_in",
    "value_missing",
]


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


def value_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    return f"{_started(t, layout)}*{_blank(t, layout, field_name)}"


def number_invalid(t: Tables, layout: SheetLayout, field_name: str) -> str:
    rng = t.range(layout, field_name)
    return f"{_filled(t, layout, field_name)}*(1-ISNUMBER({rng}))*ISERROR(VALUE({_number_text(rng)}))"


def out_of_range(t: Tables, layout: SheetLayout, field_name: str) -> str:
    number = f"VALUE({_number_text(t.range(layout, field_name))})"
    return f"{_filled(t, layout, field_name)}*IFERROR(({number}<0)+({number}>1E+15),0)"


def _broken(valid: Callable[[str], str]) -> Condition:
    """An ID that does not match its pattern; `valid` is the pattern's formula of the ID read as
    `check` reads it (an error inside it means "does not match")."""

    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        return f"{_filled(t, layout, field_name)}*IFERROR(1-{valid(_clean(t.range(layout, field_name)))},1)"

    return condition


def _measure_id(s: str) -> str:
    """M-001 or M-1234."""
    return f'(LEFT({s},2)="M-")*((LEN({s})=5)+(LEN({s})=6))*{_digits(f"MID({s},3,4)")}'


def _kpi_id(s: str) -> str:
    """M-001-K1 or M-1234-K12."""
    k = f'FIND("-K",{s})'
    return (
        f'(LEFT({s},2)="M-")*(({k}=6)+({k}=7))*{_digits(f"MID({s},3,{k}-3)")}'
        f"*((LEN({s})-{k}=2)+(LEN({s})-{k}=3))*{_digits(f'MID({s},{k}+2,2)')}"
    )


def _project_id(s: str) -> str:
    """P-, 1 to 8 letters or digits, then optionally - and 1 or 2 digits (P-001-1, P-A12)."""
    rest = f"MID({s},3,99)"
    dash = f'IFERROR(FIND("-",{rest}),LEN({rest})+1)'
    core, suffix = f"LEFT({rest},{dash}-1)", f"MID({rest},{dash}+1,99)"
    others = core  # what is left of the core once every digit and letter is removed
    for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        others = f'SUBSTITUTE({others},"{char}","")'
    return (
        f'(LEFT({s},2)="P-")*(LEN({core})>=1)*(LEN({core})<=8)*(LEN({others})=0)'
        f"*((({dash})>LEN({rest}))+IFERROR((LEN({suffix})<=2)*{_digits(suffix)},0)>0)"
    )


measure_id_invalid, kpi_id_invalid, project_id_invalid = (_broken(v) for v in (_measure_id, _kpi_id, _project_id))


def cell_error(t: Tables, layout: SheetLayout, field_name: str) -> str:
    return f"ISERROR({t.range(layout, field_name)})"


def duplicate(t: Tables, layout: SheetLayout, field_name: str) -> str:
    key = '&"|"&'.join(_clean(t.range(layout, f)) for f in layout.keys)
    filled = "*".join(_filled(t, layout, f) for f in layout.keys)
    row = f"ROW({t.range(layout, field_name)})-{FIRST_DATA_ROW - 1}"
    return f"IFERROR({filled}*(MATCH({key},{key},0)<{row}),0)"


def unknown_in(target: SheetLayout, target_field: str) -> Condition:
    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        # both sides as `check` reads an ID (an error cell reads as nothing)
        ids, known = (f'IFERROR({_clean(t.range(s, f))},"")' for s, f in ((layout, field_name), (target, target_field)))
        return f"{_filled(t, layout, field_name)}*ISNA(MATCH({ids},{known},0))"

    return condition


def stage_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    measure = f"TRIM({t.range(layout, field_name)})"
    evaluated = t.range(LIFECYCLE, "evaluated_measure_id")
    owner = t.range(layout, "primary_section")
    owned = (
        f"(({_blank(t, layout, 'primary_section')})+IFERROR(TRIM({owner})={excel_text(t.section)},0)>0)"
        if t.section
        else "1"
    )
    return f"{_filled(t, layout, field_name)}*{owned}*IFERROR(COUNTIF({evaluated},{measure})=0,0)"


def stage_without(basis: Basis, sheet: SheetLayout) -> Condition:
    """The evaluated year's stage row of a measure managed by `basis` with no row on `sheet`."""

    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        measure = t.range(LIFECYCLE, "evaluated_measure_id")
        applied = t.range(LIFECYCLE, "applied_basis")
        rows = f"COUNTIF({t.range(sheet, 'measure_id')},{measure})"
        return f'IFERROR(({measure}<>"")*({applied}={excel_text(basis.value)})*{_owned(t, measure)}*({rows}=0),0)'

    return condition


def kpi_value_missing(t: Tables, layout: SheetLayout, field_name: str) -> str:
    measure = f"TRIM({t.range(layout, 'measure_id')})"
    by_kpi = (
        f"COUNTIFS({t.range(LIFECYCLE, 'evaluated_measure_id')},{measure},"
        f"{t.range(LIFECYCLE, 'applied_basis')},{excel_text(Basis.KPI.value)})"
    )
    return (
        f"{_filled(t, layout, 'measure_id')}*{_blank(t, layout, field_name)}"
        f"*IFERROR(({by_kpi}>0)*{_owned(t, measure)},0)"
    )


def sum_mismatch(lines: SheetLayout) -> Condition:
    """A project's amount that its budget or funding lines do not add up to (±0.5 千円)."""

    def condition(t: Tables, layout: SheetLayout, field_name: str) -> str:
        total, amounts = t.range(layout, field_name), t.range(lines, field_name)
        # which line belongs to which project: a projects × lines matrix of 0/1, IDs as `check` reads them
        pairs = (
            f'(IFERROR({_clean(t.range(layout, "project_id"))},"")'
            f'=TRANSPOSE(IFERROR({_clean(t.range(lines, "project_id"))},"")))*1'
        )
        # a line negative or not a number is reported at its own cell: like `check`, skip that sum
        bad = f"(1-{_blank(t, lines, field_name)})*(1-IFERROR(ISNUMBER({amounts})*({amounts}>=0),1))"
        summed = f"MMULT({pairs},IFERROR(ISNUMBER({amounts})*{amounts},0))"
        return (
            f"{_filled(t, layout, 'project_id')}*ISNUMBER({total})"
            f"*(MMULT({pairs},{bad})=0)*IFERROR(ABS({summed}-{total})>=0.5,0)"
        )

    return condition


def done_without_date(t: Tables, layout: SheetLayout, field_name: str) -> str:
    status = t.range(layout, "status")
    return f'IFERROR(TRIM({status})="完了",0)*{_blank(t, layout, field_name)}'
