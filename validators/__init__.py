"""pandera schemas for the section workbook's sheets (installed as `xlplan_validators`).

One `DataFrameModel` per sheet; `validate_sheets` runs each of them once over the rows of
every workbook concatenated, and returns findings that point at cells.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pandera.pandas as pa

from xlplan.core.findings import Finding
from xlplan.core.layout import sheet_layout
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
            model.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as errors:
            findings.extend(failures_to_findings(errors.failure_cases, sheet_layout(key), origins, frame))
    return findings
