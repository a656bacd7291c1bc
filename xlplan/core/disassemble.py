"""Model objects back into the rows of a section workbook (the inverse of `assemble`).

Used to pre-fill a section's workbook with everything HQ already knows (pure).
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Amounts, BudgetProject, Measure

__all__ = ["section_records"]

Records = dict[str, list[dict[str, object]]]


def section_records(measures: Iterable[Measure], projects: Iterable[BudgetProject], fiscal_year: int) -> Records:
    """The rows of each sheet for these measures and projects, for one evaluated fiscal year."""
    rows: Records = {key: [] for key in ("measures", "lifecycle", "schedule", "kpi", "projects", "budget", "funding")}
    for m in measures:
        grade = m.self_grades.get(fiscal_year)
        rows["measures"].append(
            {
                "measure_id": m.measure_id,
                "name": m.name,
                "hierarchy": " > ".join(m.hierarchy),
                "primary_section": m.primary_section,
                "co_sections": "、".join(m.co_sections),
                "summary": m.summary,
                "target_rationale": m.target_rationale,
                "expected_effect": m.expected_effect,
                "self_grade": grade.value if grade else None,
                "results": m.results.get(fiscal_year),
                "cause": m.causes.get(fiscal_year),
                "response": m.responses.get(fiscal_year),
            }
        )
        for year, stage in sorted(m.stages.items()):
            override = m.basis_overrides.get(year)
            rows["lifecycle"].append(
                {
                    "measure_id": m.measure_id,
                    "fiscal_year": year,
                    "stage": stage.value,
                    "basis": override.basis.value if override else None,
                    "reason": override.reason if override else None,
                }
            )
        for ms in m.milestones:
            rows["schedule"].append(
                {
                    "measure_id": m.measure_id,
                    "name": ms.name,
                    "planned_from": str(ms.planned_from) if ms.planned_from else None,
                    "planned_to": str(ms.planned_to) if ms.planned_to else None,
                    "status": ms.status.value,
                    "completed_on": str(ms.completed_on) if ms.completed_on else None,
                    "delay_reason": ms.delay_reason or None,
                }
            )
        for k in m.kpis:
            rows["kpi"].append(
                {
                    "measure_id": m.measure_id,
                    "kpi_id": k.kpi_id,
                    "name": k.name,
                    "kpi_type": k.kpi_type.value if k.kpi_type else None,
                    "unit": k.unit or None,
                    "aggregation": k.aggregation.value,
                    "direction": k.direction.value,
                    "baseline": k.baseline,
                    "baseline_fy": k.baseline_fy,
                    "target": k.target,
                    "target_fy": k.target_fy,
                    "yearly_target": k.yearly_targets.get(fiscal_year),
                    "actual": k.actuals.get(fiscal_year),
                    "reference": k.reference.get(fiscal_year),
                    "previous_actual": k.actuals.get(fiscal_year - 1),
                    "note": k.note or None,
                }
            )
    for p in projects:
        rows["projects"].append(
            {
                "project_id": p.project_id,
                "name": p.name,
                "measure_ids": ",".join(p.measure_ids),
                "section": p.section or None,
                "initial": p.total.initial,
                "revised": p.total.revised,
                "settlement": p.total.settlement,
                "main_contents": p.main_contents or None,
                "specific_funding_note": p.specific_funding_note or None,
            }
        )
        for line in p.lines:
            rows["budget"].append({"project_id": p.project_id, "item": line.item, **_amounts(line.amounts)})
        for fl in p.funding:
            rows["funding"].append(
                {"project_id": p.project_id, "funding_source": fl.funding_source.value, **_amounts(fl.amounts)}
            )
    return rows


def _amounts(amounts: Amounts) -> dict[str, object]:
    return {"initial": amounts.initial, "revised": amounts.revised, "settlement": amounts.settlement}
