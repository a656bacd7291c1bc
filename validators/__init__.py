"""pandera schemas for the section workbook's sheets (installed as `xlplan_validators`).

One `DataFrameModel` per sheet; `validate_sheets` runs each of them once over the rows of
every workbook concatenated, and returns findings that point at cells.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa

from xlplan.core.findings import Finding
from xlplan.core.layout import Kind, SheetLayout, sheet_layout
from xlplan.core.tables import SectionWorkbook

from .budget import BudgetSheet
from .convert import RowOrigin, failures_to_findings
from .funding import FundingSheet
from .kpi import KpiSheet
from .lifecycle import LifecycleSheet
from .measures import MeasuresSheet
from .projects import ProjectsSheet
from .schedule import ScheduleSheet

__all__ = ["SCHEMAS", "prepare", "sheet_frame", "validate_sheets"]

SCHEMAS: dict[str, type[pa.DataFrameModel]] = {
    "measures": MeasuresSheet,
    "lifecycle": LifecycleSheet,
    "schedule": ScheduleSheet,
    "kpi": KpiSheet,
    "projects": ProjectsSheet,
    "budget": BudgetSheet,
    "funding": FundingSheet,
}


def prepare() -> None:
    """Build every schema and load pandera's backends now rather than on first use.

    pandera imports its pandas backends and builds each model's schema the first time it
    validates (about 0.15 s). `check` and `consolidate` call this while worker processes read
    the workbooks, when this process would otherwise wait.
    """
    for key, model in SCHEMAS.items():
        model.validate(pd.DataFrame(columns=list(sheet_layout(key).headers), dtype=object), lazy=True)


def sheet_frame(key: str, books: Sequence[SectionWorkbook]) -> tuple[pd.DataFrame, list[RowOrigin]]:
    """Concatenate one sheet of many workbooks into a frame headed in Japanese.

    :returns: the frame (index 0..N-1) and, by index, where each row came from.
    """
    layout = sheet_layout(key)
    origins: list[RowOrigin] = []
    rows: list[list[object]] = []
    for book in books:
        table = book.sheets.get(key)
        if table is None:
            continue
        for i, record in enumerate(table.records):
            origins.append(RowOrigin(book.path, table, i))
            rows.append([record.get(c.field) for c in layout.columns])
    frame = pd.DataFrame(rows, columns=list(layout.headers), dtype=object)
    return frame, origins


def validate_sheets(books: Sequence[SectionWorkbook]) -> list[Finding]:
    """Validate every sheet of every readable workbook, one pandera run per sheet."""
    readable = [b for b in books if b.readable]
    findings: list[Finding] = []
    for key, model in SCHEMAS.items():
        frame, origins = sheet_frame(key, readable)
        if frame.empty:
            continue
        try:
            model.validate(_not_a_number_kept_as_text(frame, sheet_layout(key)), lazy=True)
        except pa.errors.SchemaErrors as errors:
            findings.extend(failures_to_findings(errors.failure_cases, sheet_layout(key), origins, frame))
    return findings


# pandas coerces the text "nan" (any case, spaces, sign) to a missing float: the typed value
# would vanish without a finding. Such text goes to pandera as text it cannot coerce, so the
# cell fails as number-invalid and the finding shows what was typed (taken from `frame`).
_NAN_TEXT = re.compile(r"\s*[+-]?nan\s*", re.IGNORECASE)
_UNCOERCIBLE = "not a number"


def _not_a_number_kept_as_text(frame: pd.DataFrame, layout: SheetLayout) -> pd.DataFrame:
    numeric = [c.header for c in layout.columns if c.kind in (Kind.NUMBER, Kind.AMOUNT)]
    nan_text = frame[numeric].map(lambda v: isinstance(v, str) and _NAN_TEXT.fullmatch(v) is not None)
    if not nan_text.to_numpy().any():
        return frame
    guarded = frame.copy()
    guarded[numeric] = guarded[numeric].mask(nan_text, _UNCOERCIBLE)
    return guarded
