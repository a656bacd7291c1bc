"""施策 sheet: one row per measure the section owns or co-owns."""

from __future__ import annotations

from pandera.typing import Series

from ._fields import SheetModel, column


class MeasuresSheet(SheetModel):
    """施策: IDs, names and the year's self-grade and results of each measure."""

    measure_id: Series[str] = column("measures", "measure_id")
    name: Series[str] = column("measures", "name")
    hierarchy: Series[str] = column("measures", "hierarchy")
    primary_section: Series[str] = column("measures", "primary_section")
    co_sections: Series[str] = column("measures", "co_sections")
    summary: Series[str] = column("measures", "summary")
    target_rationale: Series[str] = column("measures", "target_rationale")
    expected_effect: Series[str] = column("measures", "expected_effect")
    self_grade: Series[str] = column("measures", "self_grade")
    results: Series[str] = column("measures", "results")
    cause: Series[str] = column("measures", "cause")
    response: Series[str] = column("measures", "response")
