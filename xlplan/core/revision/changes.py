"""What HQ changes when revising the plan (第2.x版 → 第2.y版), as plain values (pure).

Each change names the measure (or KPI) it touches and carries the reason printed in the
新旧対照表. A change typed in the changes workbook remembers its row (`ChangeOrigin`), so a
refusal names the cell to fix. `ComparisonRow` is one line of the 新旧対照表.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..enums import Aggregation, Direction, KpiType, Stage

__all__ = [
    "AddMeasure",
    "ChangeKind",
    "ChangeKpi",
    "ChangeOrigin",
    "ChangeOwner",
    "ChangeStage",
    "Changes",
    "ComparisonRow",
    "MergeMeasures",
    "RenameMeasure",
    "RetireMeasure",
]


class ChangeKind(StrEnum):
    """区分 of a 新旧対照表 row; the order of the members is the order within one measure."""

    ADDED = "追加"
    MERGED = "統合"
    RETIRED = "廃止"
    RENAMED = "名称変更"
    OWNER = "担当の変更"
    STAGE = "段階の変更"
    KPI_ADDED = "指標の追加"
    KPI_REDEFINED = "指標の再定義"
    BASELINE = "基準値の変更"
    TARGET = "目標値の変更"


@dataclass(frozen=True, slots=True)
class ChangeOrigin:
    """Where a change was typed: file, sheet, Excel row and the column letter of each field."""

    file: str
    sheet: str
    row: int
    letters: tuple[tuple[str, str], ...] = ()

    def cell(self, field_name: str) -> str:
        """The A1 cell of a field in this row ('' when the column was not found)."""
        letter = dict(self.letters).get(field_name, "")
        return f"{letter}{self.row}" if letter else ""


@dataclass(frozen=True, slots=True)
class AddMeasure:
    """A new measure (e.g. for the new year's budget). An empty ID gets the next free one."""

    name: str
    stage: Stage
    measure_id: str = ""
    hierarchy: tuple[str, ...] = ()
    primary_section: str = ""
    co_sections: tuple[str, ...] = ()
    summary: str = ""
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class RetireMeasure:
    """A measure that ends (廃止); it stays in the plan as history and its ID is never reused."""

    measure_id: str
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class MergeMeasures:
    """Measures folded into one (統合), e.g. the eight 「…システムの標準化」 (audit opinion 11).

    The target is an existing measure or a new ID; it keeps the absorbed IDs as links. For a
    new target, name, owner and hierarchy default to the first absorbed measure's, and the
    stage to the stage the absorbed measures share.
    """

    target_id: str
    merged_ids: tuple[str, ...]
    target_name: str = ""
    primary_section: str = ""
    stage: Stage | None = None
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class RenameMeasure:
    """A new name for a measure."""

    measure_id: str
    name: str
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class ChangeOwner:
    """New owners: an empty primary section or `co_sections=None` leaves that part as it is."""

    measure_id: str
    primary_section: str = ""
    co_sections: tuple[str, ...] | None = None
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class ChangeStage:
    """HQ's own stage for the new fiscal year; a move outside the lifecycle model needs a reason."""

    measure_id: str
    stage: Stage
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class ChangeKpi:
    """A KPI redefined, its target or baseline moved, or a KPI added (unknown or empty `kpi_id`).

    None leaves a field as it is.
    """

    measure_id: str
    kpi_id: str = ""
    name: str | None = None
    kpi_type: KpiType | None = None
    unit: str | None = None
    aggregation: Aggregation | None = None
    direction: Direction | None = None
    baseline: float | None = None
    baseline_fy: int | None = None
    target: float | None = None
    target_fy: int | None = None
    reason: str = ""
    origin: ChangeOrigin | None = None


@dataclass(frozen=True, slots=True)
class Changes:
    """Everything HQ changes in one revision, by kind."""

    additions: tuple[AddMeasure, ...] = ()
    retirements: tuple[RetireMeasure, ...] = ()
    merges: tuple[MergeMeasures, ...] = ()
    renames: tuple[RenameMeasure, ...] = ()
    owners: tuple[ChangeOwner, ...] = ()
    stages: tuple[ChangeStage, ...] = ()
    kpis: tuple[ChangeKpi, ...] = ()

    def __len__(self) -> int:
        return sum(
            len(group)
            for group in (
                self.additions,
                self.retirements,
                self.merges,
                self.renames,
                self.owners,
                self.stages,
                self.kpis,
            )
        )


@dataclass(frozen=True, slots=True)
class ComparisonRow:
    """One line of the 新旧対照表: what changed, its old and new value, and why."""

    kind: ChangeKind
    measure_id: str
    name: str  # the measure's name in the new version (the old one for a measure that ends)
    item: str  # 項目: 施策, 施策名, 主担当課所室, ライフサイクル段階, 指標名, 目標値 …
    old: str
    new: str
    reason: str
    kpi_id: str = ""

    def as_tuple(self) -> tuple[str, str, str, str, str, str, str]:
        """(区分, 施策ID, 指標ID, 項目, 旧, 新, 理由): the row as the council reads it."""
        return (str(self.kind), self.measure_id, self.kpi_id, self.item, self.old, self.new, self.reason)
