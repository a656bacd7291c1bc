"""スケジュール sheet: milestones of schedule-managed measures."""

from __future__ import annotations

from pandera.typing import Series

from ._fields import SheetModel, column


class ScheduleSheet(SheetModel):
    """スケジュール: one row per milestone, with its planned months and status."""

    measure_id: Series[str] = column("schedule", "measure_id")
    name: Series[str] = column("schedule", "name")
    planned_from: Series[str] = column("schedule", "planned_from")
    planned_to: Series[str] = column("schedule", "planned_to")
    status: Series[str] = column("schedule", "status")
    completed_on: Series[str] = column("schedule", "completed_on")
    delay_reason: Series[str] = column("schedule", "delay_reason")
