"""予算事業 sheet: budget projects and their totals (事業費計)."""

from __future__ import annotations

from pandera.typing import Series

from ._fields import SheetModel, column


class ProjectsSheet(SheetModel):
    """予算事業: one row per budget project, linked to one or more measures."""

    project_id: Series[str] = column("projects", "project_id")
    name: Series[str] = column("projects", "name")
    measure_ids: Series[str] = column("projects", "measure_ids")
    section: Series[str] = column("projects", "section")
    initial: Series[float] = column("projects", "initial")
    revised: Series[float] = column("projects", "revised")
    settlement: Series[float] = column("projects", "settlement")
    main_contents: Series[str] = column("projects", "main_contents")
    specific_funding_note: Series[str] = column("projects", "specific_funding_note")
