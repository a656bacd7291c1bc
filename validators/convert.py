"""One converter from pandera failure cases to findings that name a cell.

Frames are built with a plain 0..N-1 index; `RowOrigin` maps each index back to the file,
sheet and Excel row it came from. Check names map to finding codes through one table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from xlplan.core.findings import Code, Finding
from xlplan.core.layout import Column, Kind, SheetLayout
from xlplan.core.tables import SheetRows

__all__ = ["RowOrigin", "failures_to_findings"]


@dataclass(frozen=True, slots=True)
class RowOrigin:
    """Where one frame row came from."""

    file: str
    table: SheetRows
    record: int

    def cell(self, field_name: str) -> str:
        """The A1 address of a field in this row."""
        return self.table.cell(field_name, self.record)


# (check name prefix, column kind or None for any) → code; first match wins.
_CHECK_CODES: tuple[tuple[str, Kind | None, Code], ...] = (
    ("not_nullable", None, Code.VALUE_MISSING),
    ("coerce_dtype", Kind.FISCAL_YEAR, Code.FISCAL_YEAR_INVALID),
    ("dtype", Kind.FISCAL_YEAR, Code.FISCAL_YEAR_INVALID),
    ("in_range", Kind.FISCAL_YEAR, Code.FISCAL_YEAR_INVALID),
    ("coerce_dtype", None, Code.NUMBER_INVALID),
    ("dtype", None, Code.NUMBER_INVALID),
    ("str_matches", Kind.MONTH, Code.MONTH_INVALID),
    ("str_matches", None, Code.ID_INVALID),
    ("isin", None, Code.VALUE_NOT_IN_LIST),
    ("greater_than_or_equal_to", None, Code.VALUE_OUT_OF_RANGE),
    ("in_range", None, Code.VALUE_OUT_OF_RANGE),
)
_RANGE_TEXT = {Kind.AMOUNT: "0以上の金額（千円）", Kind.NUMBER: "±1,000兆未満の数値"}


def _code_for(check: str, column: Column) -> Code | None:
    for prefix, kind, code in _CHECK_CODES:
        if check.startswith(prefix) and (kind is None or kind is column.kind):
            return code
    return None


def failures_to_findings(
    failure_cases: pd.DataFrame, layout: SheetLayout, origins: Sequence[RowOrigin], raw_values: pd.DataFrame
) -> list[Finding]:
    """Turn pandera's failure table into one finding per failing cell.

    :param failure_cases: ``SchemaErrors.failure_cases`` (columns: column, check, index, failure_case).
    :param layout: the sheet the frame holds.
    :param origins: where each frame row came from, by index.
    :param raw_values: the frame as validated, to show the value the user typed.
    """
    by_header = {c.header: c for c in layout.columns}
    seen: set[tuple[int, str]] = set()
    findings: list[Finding] = []
    for case in failure_cases.itertuples(index=False):
        index = getattr(case, "index", None)
        column = by_header.get(str(case.column))
        if column is None or index is None or pd.isna(index):
            continue  # frame-level failures and checks that failed on already-bad values
        key = (int(index), column.field)
        if key in seen:
            continue
        code = _code_for(str(case.check), column)
        if code is None:
            continue
        seen.add(key)
        origin = origins[int(index)]
        value = raw_values.iat[int(index), raw_values.columns.get_loc(column.header)]
        findings.append(
            Finding.of(
                code,
                file=origin.file,
                sheet=origin.table.sheet_name,
                cell=origin.cell(column.field),
                column=column.header,
                value="" if value is None or (isinstance(value, float) and pd.isna(value)) else value,
                hint=column.help,
                example=column.example or column.header,
                choices="・".join(column.choices),
                expected=_RANGE_TEXT.get(column.kind, "正しい値"),
            )
        )
    return findings
