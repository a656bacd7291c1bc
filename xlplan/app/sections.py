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
    projects it owns. Sections come in the order they first appear in the plan."""
    order: list[str] = []
    for measure in plan.measures:
        for section in measure.sections:
            if section not in order:
                order.append(section)
    project_owner = {p.project_id: _project_section(plan, p) for p in plan.projects}
    for owner in project_owner.values():
        if owner not in order:
            order.append(owner)
    shares = []
    for section in order:
        measures = tuple(
            m if m.primary_section == section else _reference_only(m) for m in plan.measures if section in m.sections
        )
        projects = tuple(p for p in plan.projects if project_owner[p.project_id] == section)
        shares.append(SectionShare(section, measures, projects))
    return shares


def _project_section(plan: Plan, project: BudgetProject) -> str:
    if project.section:
        return project.section
    first = plan.measure(project.measure_ids[0]) if project.measure_ids else None
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
