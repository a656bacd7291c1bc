"""予算 sheet: expense lines (科目別) of each budget project."""

from __future__ import annotations

from pandera.typing import Series

from ._fields import SheetModel, column


class BudgetSheet(SheetModel):
    """予算: one row per expense item of a project, with budget and settlement."""

    project_id: Series[str] = column("budget", "project_id")
    item: Series[str] = column("budget", "item")
    initial: Series[float] = column("budget", "initial")
    revised: Series[float] = column("budget", "revised")
    settlement: Series[float] = column("budget", "settlement")
