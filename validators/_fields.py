"""Field factories that read each column's header, vocabulary and rules from the layout.

The models in this package name their fields once; the Japanese header (the alias), the
allowed values and whether a value is required all come from `xlplan.core.layout`, so a
model cannot drift from the workbook it validates.
"""

from __future__ import annotations

from typing import Any

import pandera.pandas as pa

from xlplan.core.layout import (
    ID_LIST_PATTERN,
    KPI_ID_PATTERN,
    MEASURE_ID_PATTERN,
    MONTH_PATTERN,
    PROJECT_ID_PATTERN,
    Kind,
    sheet_layout,
)

FISCAL_YEAR_RANGE = (2000, 2100)
NUMBER_LIMIT = 1e15


class SheetModel(pa.DataFrameModel):
    """Base of every sheet model: extra columns are ignored, values are coerced to the field types."""

    class Config:
        strict = "filter"
        coerce = True


_PATTERNS = {
    Kind.MEASURE_ID: MEASURE_ID_PATTERN,
    Kind.KPI_ID: KPI_ID_PATTERN,
    Kind.PROJECT_ID: PROJECT_ID_PATTERN,
    Kind.MEASURE_ID_LIST: ID_LIST_PATTERN,
    Kind.MONTH: MONTH_PATTERN,
}


def column(sheet: str, field_name: str, **extra: Any) -> Any:
    """A pandera Field for one column of a section sheet, configured from the layout.

    :param sheet: the layout key (kpi, budget …).
    :param field_name: the field in that layout.
    :param extra: further pandera checks (e.g. ``ge=0``).
    """
    col = sheet_layout(sheet).column(field_name)
    checks: dict[str, Any] = {}
    if pattern := _PATTERNS.get(col.kind):
        checks["str_matches"] = pattern
    if col.kind is Kind.CHOICE and col.strict_choices:
        checks["isin"] = list(col.choices)
    if col.kind is Kind.FISCAL_YEAR:
        checks["in_range"] = {"min_value": FISCAL_YEAR_RANGE[0], "max_value": FISCAL_YEAR_RANGE[1]}
    if col.kind is Kind.AMOUNT:  # the template's own bounds; also refuses "1e400" read as infinity
        checks["in_range"] = {"min_value": 0, "max_value": NUMBER_LIMIT}
    if col.kind is Kind.NUMBER:
        checks["in_range"] = {"min_value": -NUMBER_LIMIT, "max_value": NUMBER_LIMIT}
    checks.update(extra)
    return pa.Field(alias=col.header, nullable=not col.required, **checks)
