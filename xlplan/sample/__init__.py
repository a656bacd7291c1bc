"""The bundled sample plan: Akita City's 68 audited measures with their FY2024 results.

Transcribed from the city's FY2025 external audit report (public figures); see
`data/FORMAT.md` for the format and `data/akita_fy2024.json` for the data. Every value is the
report's (each measure's `seed` gives the report lines) or constructed (its `constructed`
says which field and why). Two variants ship:

    as-published  only what the report says: no milestones, KPI types empty, no cause or
                  response the measure table lacks, KPIs as the report prints them
    worked        the transcriber's working copy: the constructed values included
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..core.enums import Aggregation, Basis, Direction, FundingSource, Grade, KpiType, MilestoneStatus, Stage
from ..core.fiscal import YearMonth
from ..core.model import (
    Amounts,
    BasisOverride,
    BudgetProject,
    ExpenseLine,
    FundingLine,
    Kpi,
    Measure,
    Milestone,
    Plan,
    sum_amounts,
)

__all__ = [
    "AS_PUBLISHED",
    "SAMPLE_FILE",
    "VARIANTS",
    "WORKED",
    "as_published",
    "load_sample_plan",
    "sample_named_opinions",
    "sample_oddities",
]

SAMPLE_FILE = "akita_fy2024.json"
AS_PUBLISHED = "as-published"
WORKED = "worked"
VARIANTS = (AS_PUBLISHED, WORKED)
# Fields a construction mark can name, and what the as-published variant keeps instead.
_DROPPED = {"milestones": [], "cause": None, "response": None}
_BASIS = {"schedule": Basis.SCHEDULE, "kpi": Basis.KPI}


@cache
def _raw() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("data", SAMPLE_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def sample_oddities() -> list[dict[str, str]]:
    """The report's own oddities met while transcribing (measure_id, note)."""
    return list(_raw()["oddities"])


def sample_named_opinions() -> dict[str, tuple[str, ...]]:
    """The audit report's opinions that name each measure: measure ID → (「意見14」, …).

    From the report's opinions 5–22 (seed L4498–4756; `audit_opinions` in the data, each with
    its lines). `xlplan lint` cites these on the measures they name; they never decide a flag.
    """
    named: dict[str, tuple[str, ...]] = {}
    for opinion in _raw()["audit_opinions"]:
        for measure_id in opinion["measures"]:
            named[measure_id] = (*named.get(measure_id, ()), opinion["opinion"])
    return named


def load_sample_plan(variant: str = WORKED) -> Plan:
    """The sample plan as model objects (measures in report order, projects by ID).

    :param variant: 「as-published」 (only what the report says) or 「worked」 (with the
        transcriber's constructions: milestones, KPI types, causes from the opinions).
    :raises ValueError: on an unknown variant.
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown sample variant {variant!r}; use one of {', '.join(VARIANTS)}")
    raw = _raw()
    info = raw["plan"]
    year = int(info["evaluated_fy"])
    raw_measures = [as_published(m) if variant == AS_PUBLISHED else m for m in raw["measures"]]
    measures = tuple(_measure(m, year) for m in raw_measures)
    users: dict[str, list[str]] = {}
    for m in raw_measures:
        for project_id in m["project_ids"]:
            users.setdefault(project_id, []).append(m["measure_id"])
    projects = tuple(_project(p, year, tuple(users.get(p["project_id"], ()))) for p in raw["budget_projects"])
    return Plan(
        name=info["name"],
        version=info["version"],
        period=(int(info["period"][0]), int(info["period"][1])),
        evaluated_fy=year,
        measures=measures,
        projects=projects,
    )


def as_published(m: dict[str, Any]) -> dict[str, Any]:
    """A measure of the data without its constructed values: what the report itself says."""
    marks = m.get("constructed") or {}
    published = {**m, **(m.get("as_published") or {})}
    for field_name, empty in _DROPPED.items():
        if field_name in marks:
            published[field_name] = empty
    if "kpis.kpi_type" in marks:
        published["kpis"] = [{**k, "kpi_type": None} for k in published["kpis"]]
    return published


def _measure(m: dict[str, Any], year: int) -> Measure:
    override = m.get("basis_override")
    return Measure(
        measure_id=m["measure_id"],
        name=m["name"],
        hierarchy=tuple(m["hierarchy"]),
        primary_section=m["sections"][0],
        co_sections=tuple(m["sections"][1:]),
        summary=m.get("summary") or "",
        target_rationale=m.get("target_rationale") or "",
        expected_effect=m.get("expected_effect") or "",
        stages={int(fy): Stage(s) for fy, s in m["stages"].items()},
        basis_overrides={year: BasisOverride(_BASIS[override["basis"]], override["reason"])} if override else {},
        self_grades={year: Grade(m["self_grade"])} if m.get("self_grade") else {},
        results={year: m["results"]} if m.get("results") else {},
        causes={year: m["cause"]} if m.get("cause") else {},
        responses={year: m["response"]} if m.get("response") else {},
        kpis=tuple(_kpi(k, m["measure_id"], n, year) for n, k in enumerate(m["kpis"], start=1)),
        milestones=tuple(_milestone(ms, m["measure_id"]) for ms in m["milestones"]),
    )


def _kpi(k: dict[str, Any], measure_id: str, number: int, year: int) -> Kpi:
    actuals: dict[int, float] = {}
    baseline_fy = k.get("baseline_fy")
    if k.get("baseline") is not None and baseline_fy is not None and baseline_fy < year:
        actuals[int(baseline_fy)] = float(k["baseline"])  # the baseline is that year's actual
    if k.get("actual") is not None:
        actuals[year] = float(k["actual"])
    return Kpi(
        kpi_id=f"{measure_id}-K{number}",
        measure_id=measure_id,
        name=k["name"],
        kpi_type=KpiType(k["kpi_type"]) if k.get("kpi_type") else None,
        unit=k.get("unit") or "",
        aggregation=Aggregation(k["aggregation"]),
        direction=Direction(k["direction"]),
        baseline=_number(k.get("baseline")),
        baseline_fy=baseline_fy,
        target=_number(k.get("target")),
        target_fy=k.get("target_fy"),
        yearly_targets={int(fy): float(v) for fy, v in (k.get("yearly_targets") or {}).items()},
        actuals=actuals,
        reference={year: float(k["reference"])} if k.get("reference") is not None else {},
        note=k.get("note") or "",
    )


def _milestone(ms: dict[str, Any], measure_id: str) -> Milestone:
    return Milestone(
        measure_id=measure_id,
        name=ms["name"],
        planned_from=YearMonth.parse(ms["planned_from"]) if ms.get("planned_from") else None,
        planned_to=YearMonth.parse(ms["planned_to"]) if ms.get("planned_to") else None,
        status=MilestoneStatus(ms["status"]),
        completed_on=YearMonth.parse(ms["completed_on"]) if ms.get("completed_on") else None,
        delay_reason=ms.get("delay_reason") or "",
    )


def _project(p: dict[str, Any], year: int, measure_ids: tuple[str, ...]) -> BudgetProject:
    lines = tuple(ExpenseLine(p["project_id"], line["item"], _amounts(line)) for line in p["lines"])
    funding = tuple(FundingLine(p["project_id"], FundingSource(f["source"]), _amounts(f)) for f in p["funding"])
    total = sum_amounts([Amounts(0, 0, 0), *(line.amounts for line in lines)])
    return BudgetProject(
        project_id=p["project_id"],
        name=p["name"],
        fiscal_year=year,
        measure_ids=measure_ids,
        section=p.get("section") or "",
        total=total,
        lines=lines,
        funding=funding,
        main_contents=p.get("main_contents") or "",
        specific_funding_note=p.get("specific_funding_note") or "",
    )


def _amounts(line: dict[str, Any]) -> Amounts:
    # The report prints "-" for nothing budgeted or nothing spent: that is zero, not unknown.
    return Amounts(line.get("initial") or 0, line.get("revised") or 0, line.get("settlement") or 0)


def _number(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]
