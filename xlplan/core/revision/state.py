"""The working state of one revision and its bookkeeping (pure; `revision.apply` drives it).

Every change is checked against what is already decided (`claim`), refused with a finding at
its cell when it cannot apply (`note`), and leaves its 新旧対照表 rows (`row`).
"""

from __future__ import annotations

from ..findings import Code, Finding
from ..fiscal import fy_label
from ..layout import SheetLayout
from ..model import Measure, Plan
from .changes import (
    AddMeasure,
    ChangeKind,
    ChangeKpi,
    ChangeOwner,
    ChangeStage,
    ComparisonRow,
    MergeMeasures,
    RenameMeasure,
    RetireMeasure,
)
from .layout import ADDITIONS, KPIS, MERGES, OWNERS, PROPOSALS, RENAMES, RETIREMENTS, STAGES
from .proposals import Proposal

__all__ = ["Change", "RevisionState"]

KIND_ORDER = {kind: i for i, kind in enumerate(ChangeKind)}
_LAYOUTS: dict[type, SheetLayout] = {
    AddMeasure: ADDITIONS,
    MergeMeasures: MERGES,
    RetireMeasure: RETIREMENTS,
    RenameMeasure: RENAMES,
    ChangeOwner: OWNERS,
    ChangeStage: STAGES,
    ChangeKpi: KPIS,
    Proposal: PROPOSALS,
}
Change = AddMeasure | MergeMeasures | RetireMeasure | RenameMeasure | ChangeOwner | ChangeStage | ChangeKpi | Proposal


class RevisionState:
    """What one revision has decided so far: measures, claims, rows and findings."""

    def __init__(self, plan: Plan, to_version: str) -> None:
        self.old = plan
        self.year = plan.evaluated_fy
        self.next = plan.evaluated_fy + 1
        self.version = to_version or plan.version
        self.measures: dict[str, Measure] = {m.measure_id: m for m in plan.measures}
        self.used: set[str] = set(self.measures)
        for m in plan.measures:
            self.used.update(m.absorbed_ids)
            if m.merged_into:
                self.used.add(m.merged_into)
        self.new_ids: set[str] = set()  # measures created by this revision
        self.leaving: dict[str, str] = {}  # measure → where it was retired or merged (for conflicts)
        self.claims: dict[tuple[str, str], str] = {}
        self.stage_changes: dict[str, ChangeStage] = {}
        self.rows: list[tuple[str, int, int, ComparisonRow]] = []
        self.findings: list[Finding] = []

    def note(self, code: Code, change: Change, field: str, value: object = "", **params: object) -> None:
        """Record a finding about a change, at its cell when it was typed in the workbook."""
        origin = change.origin
        header = _LAYOUTS[type(change)].column(field).header if field else ""
        self.findings.append(
            Finding.of(
                code,
                file=origin.file if origin else "",
                sheet=origin.sheet if origin else "",
                cell=origin.cell(field) if origin else "",
                column=header,
                value=value,
                **params,
            )
        )

    def row(
        self, kind: ChangeKind, measure: Measure, item: str, old: str, new: str, change: Change, kpi: str = ""
    ) -> None:
        """Add a 新旧対照表 row (and warn when its reason is empty)."""
        reason = change.reason.strip()
        if not reason:
            self.note(Code.REVISION_REASON_MISSING, change, "reason" if not isinstance(change, Proposal) else "comment")
        row = ComparisonRow(kind, measure.measure_id, measure.name, item, old, new, reason, kpi)
        self.rows.append((measure.measure_id, KIND_ORDER[kind], len(self.rows), row))

    def where(self, change: Change) -> str:
        """How a change is named in a conflict message: its cell, else its sheet's name."""
        layout = _LAYOUTS[type(change)]
        origin = change.origin
        if origin is None:
            return layout.name
        field = "target_id" if isinstance(change, MergeMeasures) else "measure_id"
        return f"{origin.sheet}!{origin.cell(field)}"

    def claim(self, change: Change, measure_id: str, aspect: str) -> bool:
        """Reserve one aspect of a measure for a change; a second claim is a conflict."""
        key = (measure_id, aspect)
        other = self.claims.get(key)
        if other is not None:
            field = "target_id" if isinstance(change, MergeMeasures) else "measure_id"
            self.note(Code.REVISION_CONFLICT, change, field, measure_id, other=f"{other} と重複")
            return False
        self.claims[key] = self.where(change)
        return True

    def target(self, change: Change, measure_id: str, *, field: str = "measure_id", new_ok: bool = False) -> bool:
        """True when a change may touch this measure: in the plan, still active (new ones only if allowed)."""
        measure = self.measures.get(measure_id)
        if measure_id in self.leaving:
            other = f"{self.leaving[measure_id]} と重複"
            self.note(Code.REVISION_CONFLICT, change, field, measure_id, other=other)
            return False
        if measure is None or (measure_id in self.new_ids and not new_ok):
            self.note(Code.REVISION_MEASURE_UNKNOWN, change, field, measure_id, version=self.old.version)
            return False
        if not measure.is_active_in(self.next):
            how = f"{measure.merged_into}に統合" if measure.merged_into else "廃止"
            when = fy_label(measure.retired_fy or self.next)
            self.note(Code.REVISION_MEASURE_RETIRED, change, field, measure_id, how=how, when=when)
            return False
        return True
