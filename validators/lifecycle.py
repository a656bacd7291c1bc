"""ライフサイクル sheet: the stage of each measure in each fiscal year."""

from __future__ import annotations

import pandas as pd
from pandera.typing import Series

from ._fields import SheetModel, column


class LifecycleSheet(SheetModel):
    """ライフサイクル: stage per measure and fiscal year, and an optional grading basis."""

    measure_id: Series[str] = column("lifecycle", "measure_id")
    fiscal_year: Series[pd.Int64Dtype] = column("lifecycle", "fiscal_year")
    stage: Series[str] = column("lifecycle", "stage")
    basis: Series[str] = column("lifecycle", "basis")
    reason: Series[str] = column("lifecycle", "reason")
