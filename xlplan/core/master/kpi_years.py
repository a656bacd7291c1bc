"""KPI values of the years a section workbook does not hold, and carrying them over (pure).

A section workbook reports one evaluated year: the year's actual, yearly target and
reference, and the year before's actual. The plan also has yearly targets for later years
and actuals of earlier ones; the master keeps them on its KPI年度値 sheet, and a consolidation
with `--previous` carries them over from the previous master for the KPIs still reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from ..model import Kpi, Measure

__all__ = ["KpiYear", "carry_kpi_years", "other_years", "with_other_years"]


@dataclass(frozen=True, slots=True)
class KpiYear:
    """One KPI's values in one fiscal year outside the section workbook's columns."""

    measure_id: str
    kpi_id: str
    fiscal_year: int
    yearly_target: float | None = None
    actual: float | None = None
    reference: float | None = None


def _held(fiscal_year: int) -> dict[str, tuple[int, ...]]:
    """The years each mapping has a column for in a section workbook of `fiscal_year`."""
    return {"yearly_targets": (fiscal_year,), "actuals": (fiscal_year - 1, fiscal_year), "reference": (fiscal_year,)}


def other_years(kpis: Iterable[Kpi], fiscal_year: int) -> Iterator[KpiYear]:
    """The values of each KPI in years its section workbook has no column for, by KPI then year."""
    held = _held(fiscal_year)
    for kpi in kpis:
        targets = {y: v for y, v in kpi.yearly_targets.items() if y not in held["yearly_targets"]}
        actuals = {y: v for y, v in kpi.actuals.items() if y not in held["actuals"]}
        reference = {y: v for y, v in kpi.reference.items() if y not in held["reference"]}
        for year in sorted({*targets, *actuals, *reference}):
            yield KpiYear(kpi.measure_id, kpi.kpi_id, year, targets.get(year), actuals.get(year), reference.get(year))


def with_other_years(kpi: Kpi, years: Iterable[KpiYear], fiscal_year: int) -> Kpi:
    """The KPI with values of other years added; the years its workbook holds are never changed."""
    held = _held(fiscal_year)
    targets, actuals, reference = dict(kpi.yearly_targets), dict(kpi.actuals), dict(kpi.reference)
    for item in years:
        if item.yearly_target is not None and item.fiscal_year not in held["yearly_targets"]:
            targets.setdefault(item.fiscal_year, item.yearly_target)
        if item.actual is not None and item.fiscal_year not in held["actuals"]:
            actuals.setdefault(item.fiscal_year, item.actual)
        if item.reference is not None and item.fiscal_year not in held["reference"]:
            reference.setdefault(item.fiscal_year, item.reference)
    return replace(kpi, yearly_targets=targets, actuals=actuals, reference=reference)


def carry_kpi_years(measures: Iterable[Measure], previous: Iterable[Measure], fiscal_year: int) -> tuple[Measure, ...]:
    """Measures whose KPIs get the other years' values the previous master had for the same KPI ID.

    :param measures: the merged measures of this year.
    :param previous: the previous master's measures.
    :param fiscal_year: the evaluated year of the merged measures.
    """
    before: dict[str, list[KpiYear]] = {}
    for measure in previous:
        for item in other_years(measure.kpis, fiscal_year):
            before.setdefault(item.kpi_id, []).append(item)
    return tuple(
        replace(m, kpis=tuple(with_other_years(k, before.get(k.kpi_id, ()), fiscal_year) for k in m.kpis))
        if any(k.kpi_id in before for k in m.kpis)
        else m
        for m in measures
    )
