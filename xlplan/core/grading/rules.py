"""Grade rules as data: which basis a stage is graded on, and the cut-offs of each basis.

`GradeRules.from_dict` builds the rules from the dict of a rules file (`xlplan/rules/*.toml`,
read by `xlplan.io.rules_file`). The defaults of every field are Akita City's rules (audit
report L1560–1614, L1882–1886); `xlplan/rules/akita.toml` spells them out for a city to copy.
Pure: no file is read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from ...errors import XlplanError
from ..enums import Basis, Grade, Stage

__all__ = ["GradeRules", "KpiOutcome", "KpiRules", "KpiTarget", "ScheduleOutcome", "ScheduleRules"]


class KpiTarget(StrEnum):
    """Which target a KPI's actual is compared with."""

    PLAN = "plan"  # the end-of-plan target (目標値, FY2026)
    YEARLY = "yearly"  # the year's own target (年度目標値) when given, else the end-of-plan target


class KpiOutcome(StrEnum):
    """What one KPI's actual did; the value is the short label shown in the workbook."""

    REACHED = "目標達成"
    IMPROVED = "基準値より改善"
    FLAT = "横ばい"
    WORSENED = "基準値より悪化"


class ScheduleOutcome(StrEnum):
    """Where a schedule-managed measure stands at the evaluation date."""

    ALL_DONE = "完了"
    ON_PLAN = "おおむね計画どおり"
    OVERDUE = "計画より遅れ"
    NOT_STARTED = "未着手"


_BASIS_ALIASES: Mapping[str, Basis] = {
    "schedule": Basis.SCHEDULE,
    "kpi": Basis.KPI,
    "none": Basis.NONE,
    **{b.value: b for b in Basis},
}


def _stage_basis_default() -> Mapping[Stage, Basis]:
    return MappingProxyType({stage: stage.basis for stage in Stage})


@dataclass(frozen=True)
class KpiRules:
    """How a KPI is graded against its target and its baseline."""

    target: KpiTarget = KpiTarget.PLAN
    reached_band: float = 0.0  # an actual within band × |target| short of the target counts as reached
    flat_band: float = 0.0  # |actual − baseline| ≤ band × |baseline| counts as flat
    reached: Grade = Grade.A
    improved: Grade = Grade.B
    flat: Grade = Grade.C
    worsened: Grade = Grade.D
    partly_reached: Grade = Grade.B  # several KPIs, some (not all) reached

    def grade_of(self, outcome: KpiOutcome) -> Grade:
        """The grade one KPI outcome earns."""
        return {
            KpiOutcome.REACHED: self.reached,
            KpiOutcome.IMPROVED: self.improved,
            KpiOutcome.FLAT: self.flat,
            KpiOutcome.WORSENED: self.worsened,
        }[outcome]


@dataclass(frozen=True)
class ScheduleRules:
    """How the milestones of a schedule-managed measure map to a grade."""

    all_done: Grade = Grade.A  # every milestone 完了
    on_plan: Grade = Grade.B  # under way, nothing past due
    overdue: Grade = Grade.C  # a milestone past its 予定時期（終了） and not 完了
    not_started: Grade = Grade.D  # every milestone 未着手

    def grade_of(self, outcome: ScheduleOutcome) -> Grade:
        """The grade a schedule outcome earns."""
        return {
            ScheduleOutcome.ALL_DONE: self.all_done,
            ScheduleOutcome.ON_PLAN: self.on_plan,
            ScheduleOutcome.OVERDUE: self.overdue,
            ScheduleOutcome.NOT_STARTED: self.not_started,
        }[outcome]


@dataclass(frozen=True)
class GradeRules:
    """A city's grade rules. The defaults are Akita City's (`xlplan/rules/akita.toml`)."""

    name: str = "秋田市デジタル化推進計画2.0"
    stage_basis: Mapping[Stage, Basis] = field(default_factory=_stage_basis_default)
    kpi: KpiRules = field(default_factory=KpiRules)
    schedule: ScheduleRules = field(default_factory=ScheduleRules)

    def __post_init__(self) -> None:
        object.__setattr__(self, "stage_basis", MappingProxyType(dict(self.stage_basis)))

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.stage_basis.items())), self.kpi, self.schedule))

    def basis_for(self, stage: Stage) -> Basis:
        """The basis a stage is graded on under these rules."""
        return self.stage_basis.get(stage, stage.basis)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GradeRules:
        """Build rules from the dict of a rules file; missing keys keep Akita's values.

        :param data: the parsed TOML (``name``, ``[stages]``, ``[kpi]``, ``[schedule]``).
        :raises XlplanError: on an unknown key or a value that is not allowed (Japanese message).
        """
        # [lint] holds the thresholds of `xlplan lint` (AuditRules), [open_data] the publisher of
        # the open data (団体コード); grading uses neither
        _no_unknown_keys(data, {"name", "stages", "kpi", "schedule", "lint", "open_data"}, "")
        name = data.get("name", cls.name)
        if not isinstance(name, str) or not name.strip():
            raise XlplanError(
                "name には評価基準の名前を文字列で書いてください。",
                english="Write the rules' name as a string in name.",
            )
        return cls(
            name=name.strip(),
            stage_basis=_stage_basis(_table(data, "stages")),
            kpi=_kpi_rules(_table(data, "kpi")),
            schedule=_schedule_rules(_table(data, "schedule")),
        )


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, Mapping):
        raise XlplanError(
            f"[{key}] は表（[{key}] の見出しの下に「キー = 値」）で書いてください。",
            english=f"Write [{key}] as a table (key = value lines under the heading [{key}]).",
        )
    return value


def _no_unknown_keys(table: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        place = f"[{where}] の" if where else ""
        raise XlplanError(
            f"{place}キー「{'」「'.join(unknown)}」は使えません。使えるキー: {'、'.join(sorted(allowed))}",
            english=f"{f'In [{where}], the' if where else 'The'} key(s) {', '.join(unknown)} are not allowed. "
            f"Allowed keys: {', '.join(sorted(allowed))}",
        )


def _stage_basis(table: Mapping[str, Any]) -> Mapping[Stage, Basis]:
    mapping = dict(_stage_basis_default())
    stages = {s.value: s for s in Stage}
    _no_unknown_keys(table, set(stages), "stages")
    for key, value in table.items():
        basis = _BASIS_ALIASES.get(value) if isinstance(value, str) else None
        if basis is None:
            raise XlplanError(
                f"[stages] の段階「{key}」の評価方法「{value}」は使えません。"
                "「スケジュール」「評価指標」「評価対象外」のいずれかを書いてください。",
                english=f"In [stages], the grading basis {value!r} of stage {key!r} is not allowed. "
                "Write one of 「スケジュール」 (schedule), 「評価指標」 (KPI) or 「評価対象外」 (not graded).",
            )
        mapping[stages[key]] = basis
    return MappingProxyType(mapping)


def _grade(table: Mapping[str, Any], key: str, where: str, default: Grade) -> Grade:
    value = table.get(key, default.value)
    try:
        return Grade(value)
    except ValueError:
        raise XlplanError(
            f"[{where}] の {key} は A・B・C・D のいずれかにしてください（値: {value!r}）。",
            english=f"In [{where}], {key} must be one of A, B, C, D (value: {value!r}).",
        ) from None


def _band(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 1:
        raise XlplanError(
            f"[kpi] の {key} は 0 以上 1 未満の数値にしてください（例: 0.05 は ±5%。値: {value!r}）。",
            english=f"In [kpi], {key} must be a number from 0 up to (not including) 1 "
            f"(e.g. 0.05 for ±5%; value: {value!r}).",
        )
    return float(value)


def _kpi_rules(table: Mapping[str, Any]) -> KpiRules:
    defaults = KpiRules()
    _no_unknown_keys(table, {f.name for f in fields(KpiRules)}, "kpi")
    target = table.get("target", defaults.target.value)
    try:
        target_choice = KpiTarget(target)
    except ValueError:
        raise XlplanError(
            f'[kpi] の target は "plan"（計画終了時点の目標値）か "yearly"（年度目標値）'
            f"にしてください（値: {target!r}）。",
            english=f'In [kpi], target must be "plan" (the target at the end of the plan) or "yearly" '
            f"(the year's target) (value: {target!r}).",
        ) from None
    grades = {
        name: _grade(table, name, "kpi", getattr(defaults, name))
        for name in ("reached", "improved", "flat", "worsened", "partly_reached")
    }
    return KpiRules(
        target=target_choice,
        reached_band=_band(table, "reached_band", defaults.reached_band),
        flat_band=_band(table, "flat_band", defaults.flat_band),
        **grades,
    )


def _schedule_rules(table: Mapping[str, Any]) -> ScheduleRules:
    defaults = ScheduleRules()
    names = [f.name for f in fields(ScheduleRules)]
    _no_unknown_keys(table, set(names), "schedule")
    return ScheduleRules(**{name: _grade(table, name, "schedule", getattr(defaults, name)) for name in names})
