"""Where a value came from: the cell of a field in the row an entity was read from (pure).

Entities carry `source: RowSource(file, sheet, row, sha256)`; the cell of one of their fields
is the layout's column letter of that field plus the row. Sheets of the master use the same
column letters as the section sheets, so the same rule works for both.
"""

from __future__ import annotations

from dataclasses import replace

from ..layout import SheetLayout
from ..model import BudgetProject, Measure, Plan, RowSource

__all__ = ["address_of", "cell_of", "strip_sources"]


def cell_of(source: RowSource | None, layout: SheetLayout, field_name: str) -> str:
    """The A1 cell of a field in the row `source` points at ('' when unknown).

    :param source: the row an entity was read from.
    :param layout: the sheet layout the row follows (it gives the column letter).
    :param field_name: a field of that layout, e.g. ``"target"``.
    """
    if source is None or source.row <= 0:
        return ""
    return f"{layout.letter(field_name)}{source.row}"


def address_of(source: RowSource | None, layout: SheetLayout, field_name: str) -> str:
    """`file!sheet!cell` of a field, for messages that point into another file."""
    if source is None:
        return ""
    cell = cell_of(source, layout, field_name)
    return f"{source.file}!{source.sheet}!{cell}" if cell else f"{source.file}!{source.sheet}"


def strip_sources(plan: Plan) -> Plan:
    """The same plan with every `source` removed: the data alone, for comparing plans."""
    return replace(
        plan,
        measures=tuple(_measure(m) for m in plan.measures),
        projects=tuple(_project(p) for p in plan.projects),
    )


def _measure(measure: Measure) -> Measure:
    return replace(
        measure,
        source=None,
        kpis=tuple(replace(k, source=None) for k in measure.kpis),
        milestones=tuple(replace(ms, source=None) for ms in measure.milestones),
    )


def _project(project: BudgetProject) -> BudgetProject:
    return replace(
        project,
        source=None,
        lines=tuple(replace(line, source=None) for line in project.lines),
        funding=tuple(replace(line, source=None) for line in project.funding),
    )
