"""財源 sheet: funding lines (財源別) of each budget project."""

from __future__ import annotations

from pandera.typing import Series

from ._fields import SheetModel, column


class FundingSheet(SheetModel):
    """財源: one row per funding source of a project, with budget and settlement."""

    project_id: Series[str] = column("funding", "project_id")
    funding_source: Series[str] = column("funding", "funding_source")
    initial: Series[float] = column("funding", "initial")
    revised: Series[float] = column("funding", "revised")
    settlement: Series[float] = column("funding", "settlement")
