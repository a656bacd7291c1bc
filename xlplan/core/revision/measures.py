"""Measure-level changes of a revision: merge, retire, add, rename, change owners (pure).

IDs are stable and never reused: a retired or merged-away measure stays in the plan with
`retired_fy` (and `merged_into`); a merged measure keeps the IDs it absorbed and takes over
their milestones, named after the measure they came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..enums import Stage
from ..findings import Code
from ..layout import MEASURE_ID_PATTERN
from ..model import Measure, Milestone
from .changes import (
    AddMeasure,
    ChangeKind,
    ChangeOwner,
    ChangeStage,
    MergeMeasures,
    RenameMeasure,
    RetireMeasure,
)
from .state import Change, RevisionState

__all__ = ["MeasureChanges"]

NONE = "（なし）"


class MeasureChanges(RevisionState):
    """The measure-level changes, applied to the revision's state."""

    def merge(self, change: MergeMeasures) -> None:
        """Fold measures into an existing or a new one that keeps their IDs as links."""
        target_id = change.target_id
        sources = list(dict.fromkeys(m for m in change.merged_ids if m != target_id))
        if not sources:
            hint = "統合先以外の施策IDを「、」区切りで入力してください。"
            self.note(Code.VALUE_MISSING, change, "merged_ids", hint=hint)
            return
        if not all(self.target(change, m, field="merged_ids") for m in sources):
            return
        existing = self.measures.get(target_id)
        if existing is not None and not self.target(change, target_id, field="target_id"):
            return
        if existing is None and not self.fresh_id(change, target_id, "target_id"):
            return
        if existing is None and not change.target_name.strip():
            self.note(Code.VALUE_MISSING, change, "target_name", hint="新しい施策IDに統合するときは施策名が必要です。")
            return
        absorbed = [self.measures[m] for m in sources]
        stage = change.stage or _common_stage(absorbed, self.year, self.next)
        if existing is None and stage is None:
            hint = "統合される施策の段階が異なるため、統合後の段階を選んでください。"
            self.note(Code.VALUE_MISSING, change, "stage", hint=hint)
            return
        name = change.target_name.strip() or (existing.name if existing else "")
        primary = change.primary_section.strip() or (existing or absorbed[0]).primary_section
        if existing is not None:
            changed = {"name": name != existing.name, "owner": primary != existing.primary_section}
            changed["stage"] = change.stage is not None
            if any(not self.claim(change, target_id, aspect) for aspect, yes in changed.items() if yes):
                return
        if any(not self.claim(change, m, "exists") for m in sources):
            return
        for m in sources:
            self.leaving[m] = self.where(change)
        taken_over = tuple(ms for measure in absorbed for ms in _milestones_of(target_id, measure))
        if existing is None:
            merged = Measure(
                measure_id=target_id,
                name=name,
                hierarchy=absorbed[0].hierarchy,
                primary_section=primary,
                co_sections=_others(primary, (s for a in absorbed for s in a.sections)),
                stages={self.next: stage},  # type: ignore[dict-item]
                milestones=taken_over,
                absorbed_ids=tuple(sources),
            )
            self.new_ids.add(target_id)
            self.used.add(target_id)
        else:
            merged = replace(
                existing,
                name=name,
                primary_section=primary,
                co_sections=_others(primary, (*existing.sections, *(s for a in absorbed for s in a.sections))),
                milestones=existing.milestones + taken_over,
                absorbed_ids=existing.absorbed_ids + tuple(sources),
            )
            if change.stage is not None:
                self.stage_changes[target_id] = ChangeStage(target_id, change.stage, change.reason, change.origin)
        self.measures[target_id] = merged
        for measure in absorbed:
            self.measures[measure.measure_id] = replace(measure, merged_into=target_id, retired_fy=self.next)
            self.row(ChangeKind.MERGED, measure, "施策", measure.name, f"{target_id} {name}に統合", change)
        if existing is not None and name != existing.name:
            self.row(ChangeKind.RENAMED, merged, "施策名", existing.name, name, change)
        if existing is not None and primary != existing.primary_section:
            self.row(ChangeKind.OWNER, merged, "主担当課所室", existing.primary_section, primary, change)

    def retire(self, change: RetireMeasure) -> None:
        """End a measure; it stays in the plan as history."""
        measure_id = change.measure_id
        if not self.target(change, measure_id) or not self.claim(change, measure_id, "exists"):
            return
        self.leaving[measure_id] = self.where(change)
        measure = self.measures[measure_id]
        self.measures[measure_id] = replace(measure, retired_fy=self.next)
        self.row(ChangeKind.RETIRED, measure, "施策", measure.name, "（廃止）", change)

    def fresh_id(self, change: Change, measure_id: str, field: str) -> bool:
        """True when an ID may be given to a new measure: well formed and never used."""
        if not re.match(MEASURE_ID_PATTERN, measure_id):
            self.note(Code.ID_INVALID, change, field, measure_id, example="M-069")
            return False
        if measure_id in self.used:
            holder = self.measures.get(measure_id)
            name = holder.name if holder else "統合・廃止済みの施策"
            self.note(Code.REVISION_ID_TAKEN, change, field, measure_id, name=name)
            return False
        return True

    def next_free_id(self) -> str:
        """The next measure ID after every ID the plan ever used."""
        numbers = [int(m.split("-")[1]) for m in self.used if m.startswith("M-") and m[2:].isdigit()]
        return f"M-{max(numbers, default=0) + 1:03d}"

    def add(self, change: AddMeasure) -> None:
        """Create a measure (for the new year's budget) with its stage for the new year."""
        measure_id = change.measure_id or self.next_free_id()
        if change.measure_id and not self.fresh_id(change, measure_id, "measure_id"):
            return
        measure = Measure(
            measure_id=measure_id,
            name=change.name.strip(),
            hierarchy=change.hierarchy,
            primary_section=change.primary_section.strip(),
            co_sections=change.co_sections,
            summary=change.summary,
            stages={self.next: change.stage},
        )
        self.measures[measure_id] = measure
        self.new_ids.add(measure_id)
        self.used.add(measure_id)
        self.row(ChangeKind.ADDED, measure, "施策", "", measure.name, change)

    def rename(self, change: RenameMeasure) -> None:
        """Give a measure a new name; its ID stays."""
        if not self.target(change, change.measure_id):
            return
        measure = self.measures[change.measure_id]
        name = change.name.strip()
        if name == measure.name:
            self.note(Code.REVISION_NO_CHANGE, change, "name", name)
            return
        if not self.claim(change, change.measure_id, "name"):
            return
        self.measures[change.measure_id] = renamed = replace(measure, name=name)
        self.row(ChangeKind.RENAMED, renamed, "施策名", measure.name, name, change)

    def change_owner(self, change: ChangeOwner) -> None:
        """Change the primary and/or co-owning sections."""
        if not self.target(change, change.measure_id):
            return
        measure = self.measures[change.measure_id]
        primary = change.primary_section.strip() or measure.primary_section
        co = measure.co_sections if change.co_sections is None else change.co_sections
        co = _others(primary, co)
        if (primary, co) == (measure.primary_section, measure.co_sections):
            self.note(Code.REVISION_NO_CHANGE, change, "measure_id", change.measure_id)
            return
        if not self.claim(change, change.measure_id, "owner"):
            return
        self.measures[change.measure_id] = changed = replace(measure, primary_section=primary, co_sections=co)
        if primary != measure.primary_section:
            self.row(ChangeKind.OWNER, changed, "主担当課所室", measure.primary_section, primary, change)
        if co != measure.co_sections:
            self.row(ChangeKind.OWNER, changed, "関連課所室", _names(measure.co_sections), _names(co), change)


def _milestones_of(target_id: str, measure: Measure) -> tuple[Milestone, ...]:
    """An absorbed measure's milestones, moved to the target and named after their measure."""
    return tuple(
        replace(ms, measure_id=target_id, name=f"{measure.name}：{ms.name}", source=None) for ms in measure.milestones
    )


def _common_stage(measures: Sequence[Measure], year: int, next_year: int) -> Stage | None:
    stages = {m.stages.get(next_year) or m.stage_in(year) for m in measures}
    return stages.pop() if len(stages) == 1 else None


def _others(primary: str, sections: Iterable[str]) -> tuple[str, ...]:
    """Sections other than the primary owner, once each, in order."""
    return tuple(dict.fromkeys(s for s in sections if s and s != primary))


def _names(sections: Sequence[str]) -> str:
    return "、".join(sections) if sections else NONE
