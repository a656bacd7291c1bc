"""KPI sheet: one row per KPI of a measure."""

from __future__ import annotations

import pandas as pd
from pandera.typing import Series

from ._fields import SheetModel, column


class KpiSheet(SheetModel):
    """KPI: definition, baseline, target and the year's actual of each KPI."""

    measure_id: Series[str] = column("kpi", "measure_id")
    kpi_id: Series[str] = column("kpi", "kpi_id")
    name: Series[str] = column("kpi", "name")
    kpi_type: Series[str] = column("kpi", "kpi_type")
    unit: Series[str] = column("kpi", "unit")
    aggregation: Series[str] = column("kpi", "aggregation")
    direction: Series[str] = column("kpi", "direction")
    baseline: Series[float] = column("kpi", "baseline")
    baseline_fy: Series[pd.Int64Dtype] = column("kpi", "baseline_fy")
    target: Series[float] = column("kpi", "target")
    target_fy: Series[pd.Int64Dtype] = column("kpi", "target_fy")
    yearly_target: Series[float] = column("kpi", "yearly_target")
    actual: Series[float] = column("kpi", "actual")
    reference: Series[float] = column("kpi", "reference")
    previous_actual: Series[float] = column("kpi", "previous_actual")
    note: Series[str] = column("kpi", "note")
