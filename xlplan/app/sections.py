"""Split a plan into what each section's workbook holds (pure, used by demo and template --from)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..core.model import BudgetProject, Measure, Plan

__all__ = ["SectionShare", "split_by_section"]


@dataclass(frozen=True, slots=True)
class SectionShare:
    """One section's part of the plan: its measures (own and co-owned) and its budget projects."""

    section: str
    measures: tuple[Measure, ...]
    projects: tuple[BudgetProject, ...]


def split_by_section(plan: Plan) -> list[SectionShare]:
    """Each section gets the measures it owns in full, the ones it co-owns as reference rows
    (ID, name, owners: the primary owner reports stages, KPIs and schedule), and the budget
    projects it owns. Sections come in the order they first appear in the plan.

    One pass over the measures and one over the projects (a city-sized plan with thousands of
    sections would otherwise scan every measure once per section)."""
    measures: dict[str, list[Measure]] = {}
    for measure in plan.measures:
        for section in dict.fromkeys(measure.sections):
            measures.setdefault(section, []).append(
                measure if measure.primary_section == section else _reference_only(measure)
            )
    by_id = {m.measure_id: m for m in reversed(plan.measures)}  # the first measure of an ID, as Plan.measure
    projects: dict[str, list[BudgetProject]] = {}
    for project in plan.projects:
        projects.setdefault(_project_section(by_id, project), []).append(project)
    order = list(measures) + [s for s in projects if s not in measures]
    return [SectionShare(s, tuple(measures.get(s, ())), tuple(projects.get(s, ()))) for s in order]


def _project_section(measures: dict[str, Measure], project: BudgetProject) -> str:
    if project.section:
        return project.section
    first = measures.get(project.measure_ids[0]) if project.measure_ids else None
    return first.primary_section if first else ""


def _reference_only(measure: Measure) -> Measure:
    return replace(
        measure,
        stages={},
        basis_overrides={},
        self_grades={},
        results={},
        causes={},
        responses={},
        kpis=(),
        milestones=(),
        summary="",
        target_rationale="",
        expected_effect="",
    )
