"""Budget projects across a revision: this year's carried to the next, links following merges (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ..master.plan_order import id_sort_key
from ..model import Amounts, BudgetProject, ExpenseLine, FundingLine, Measure

__all__ = ["carry_projects"]


def carry_projects(
    projects: Iterable[BudgetProject], measures: Mapping[str, Measure], year: int
) -> tuple[BudgetProject, ...]:
    """Every project as history, plus this year's projects carried to the next year.

    A carried project keeps its ID, name, section, expense items and funding sources with empty
    amounts (the sections type the new budget); its links follow merges and drop retired
    measures, and a project left with no measure is not carried. Projects already recorded for
    the next year are kept (relinked) instead.

    :param projects: the plan's projects (any years).
    :param measures: the revised measures by ID (with `merged_into` and `retired_fy`).
    :param year: the evaluated fiscal year being closed.
    """
    projects = tuple(projects)
    following = year + 1
    redirect = {m.measure_id: m.merged_into for m in measures.values() if m.merged_into}
    gone = {m.measure_id for m in measures.values() if not m.is_active_in(following)}

    def relink(ids: Iterable[str]) -> tuple[str, ...]:
        linked = (redirect.get(m, m) for m in ids)
        return tuple(dict.fromkeys(m for m in linked if m not in gone))

    kept = [p for p in projects if p.fiscal_year != following]
    planned = {p.project_id: p for p in projects if p.fiscal_year == following}
    carried = []
    for project in projects:
        if project.fiscal_year != year or project.project_id in planned:
            continue
        links = relink(project.measure_ids)
        if links:
            carried.append(_carried(project, following, links))
    for project in planned.values():
        carried.append(replace(project, measure_ids=relink(project.measure_ids)))
    carried.sort(key=lambda p: id_sort_key(p.project_id))
    return (*kept, *carried)


def _carried(project: BudgetProject, year: int, links: tuple[str, ...]) -> BudgetProject:
    """A project for the next year: same ID, name, links, items and funding sources; no amounts."""
    empty = Amounts()
    return replace(
        project,
        fiscal_year=year,
        measure_ids=links,
        total=empty,
        lines=tuple(ExpenseLine(project.project_id, line.item, empty) for line in project.lines),
        funding=tuple(FundingLine(project.project_id, f.funding_source, empty) for f in project.funding),
        source=None,
    )
