"""Audit checks on how each measure is managed: KPI types, stages, schedules (pure).

Opinions 5, 6, 8, 9, 11, 14 and 22 of the audit, and the lifecycle model (L1560–1614): a
KPI-managed measure needs an outcome KPI and a target; a measure still being studied belongs
to stage 1; a schedule-managed measure shows its progress by milestones; a stage move
outside the model, or a grading basis other than the stage's, needs a written reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..enums import Basis, KpiType, Stage
from ..findings import Code, Finding
from ..fiscal import fy_label
from ..lifecycle import is_usual_move
from ..model import Measure
from .catalog import audit_finding
from .context import AuditInput
from .kpi_types import kpi_type_of

__all__ = [
    "basis_without_reason",
    "kpi_output_only",
    "kpi_type_guessed",
    "kpi_type_missing",
    "looks_stage_one",
    "schedule_kpi_without_target",
    "schedule_without_milestones",
    "stage_move_unusual",
    "stage_without_target",
    "study_only",
    "study_stage_reason",
]

_KPI_STAGES = (Stage.EXPAND, Stage.ADAPT)
_SENTENCES = re.compile(r"[。\n]")
_GUESS_NOTE = (
    "（指標区分が空欄の指標は指標名からの推定です。区分を入力すると推定は使われません）",
    " (types left blank were guessed from the KPI names; enter them to replace the guess)",
)


def _kpi_managed(a: AuditInput) -> Iterator[Measure]:
    for measure in a.plan.measures:
        if measure.basis_in(a.fiscal_year) is Basis.KPI:
            yield measure


def _schedule_managed(a: AuditInput) -> Iterator[Measure]:
    for measure in a.plan.measures:
        if measure.basis_in(a.fiscal_year) is Basis.SCHEDULE:
            yield measure


def _stage_params(a: AuditInput, measure: Measure) -> dict[str, str]:
    """The measure's stage this year for the message, in Japanese and in English."""
    stage = a.stage(measure, a.fiscal_year)
    if stage is None:
        return {"stage": "段階未入力", "stage_en": "no stage entered"}
    return {"stage": stage.label, "stage_en": stage.label_en}


def _measure_params(measure: Measure) -> dict[str, str]:
    return {"measure": measure.measure_id, "name": measure.name}


def kpi_output_only(a: AuditInput) -> Iterator[Finding]:
    """KPI-managed measures whose KPIs are all activity or output KPIs (opinions 5, 6, 10, 12, 15)."""
    for measure in _kpi_managed(a):
        if not measure.kpis:
            continue
        views = [kpi_type_of(k, a.rules) for k in measure.kpis]
        if any(v.kpi_type in (None, KpiType.OUTCOME) for v in views):
            continue
        kpis = "、".join(f"「{k.name}」{v.label}" for k, v in zip(measure.kpis, views, strict=True))
        kpis_en = ", ".join(f"「{k.name}」 {v.label_en}" for k, v in zip(measure.kpis, views, strict=True))
        guessed = any(v.guessed for v in views)
        yield audit_finding(
            Code.AUDIT_KPI_OUTPUT_ONLY,
            a,
            measure.kpis[0],
            "kpi_type",
            "指標区分",
            measure.measure_id,
            kpis=kpis,
            kpis_en=kpis_en,
            guess_note=_GUESS_NOTE[0] if guessed else "",
            guess_note_en=_GUESS_NOTE[1] if guessed else "",
            **_measure_params(measure),
        )


def kpi_type_guessed(a: AuditInput) -> Iterator[Finding]:
    """KPIs of KPI-managed measures without a type, whose type was guessed from the name."""
    for measure in _kpi_managed(a):
        for kpi in measure.kpis:
            view = kpi_type_of(kpi, a.rules)
            if view.guessed:
                yield audit_finding(
                    Code.AUDIT_KPI_TYPE_GUESSED,
                    a,
                    kpi,
                    "kpi_type",
                    "指標区分",
                    measure.measure_id,
                    measure=measure.measure_id,
                    kpi=kpi.name,
                    guess=view.kpi_type,
                    guess_en=view.kpi_type.english if view.kpi_type else "",
                    keyword=view.keyword,
                )


def kpi_type_missing(a: AuditInput) -> Iterator[Finding]:
    """KPIs of KPI-managed measures without a type that the name does not reveal either."""
    for measure in _kpi_managed(a):
        for kpi in measure.kpis:
            if kpi_type_of(kpi, a.rules).kpi_type is None:
                yield audit_finding(
                    Code.AUDIT_KPI_TYPE_MISSING,
                    a,
                    kpi,
                    "kpi_type",
                    "指標区分",
                    measure.measure_id,
                    measure=measure.measure_id,
                    kpi=kpi.name,
                )


def _already_stage_one(a: AuditInput, measure: Measure) -> bool:
    """Moved to stage 1 next year, or graded by schedule this year with a written reason (M-012)."""
    override = measure.basis_overrides.get(a.fiscal_year)
    return a.stage(measure, a.fiscal_year + 1) is Stage.BUILD or bool(
        override and override.basis is Basis.SCHEDULE and override.reason.strip()
    )


def _kpi_stage_not_yet_moved(a: AuditInput, measure: Measure) -> Stage | None:
    """The measure's stage when it is 2 or 4 and not already on its way back to stage 1."""
    stage = a.stage(measure, a.fiscal_year)
    return stage if stage in _KPI_STAGES and not _already_stage_one(a, measure) else None


def _without_target(measure: Measure) -> bool:
    return not any(k.target is not None for k in measure.kpis)


def stage_without_target(a: AuditInput) -> Iterator[Finding]:
    """Stage 2/4 measures with no KPI target: they look like stage 1 (opinions 8, 14)."""
    for measure in a.plan.measures:
        stage = _kpi_stage_not_yet_moved(a, measure)
        if stage is not None and _without_target(measure):
            entity, field = (measure.kpis[0], "target") if measure.kpis else (measure, "measure_id")
            yield audit_finding(
                Code.AUDIT_STAGE_WITHOUT_TARGET,
                a,
                entity,
                field,
                "目標値" if measure.kpis else "施策ID",
                measure.measure_id,
                stage=stage.label,  # type: ignore[union-attr]
                stage_en=stage.label_en,  # type: ignore[union-attr]
                **_measure_params(measure),
            )


def is_study_only(results: str, words: tuple[str, ...]) -> bool:
    """True when every sentence of a results text speaks of study (検討, 情報収集 …) only."""
    sentences = [s.strip().lstrip("・･").strip() for s in _SENTENCES.split(results)]
    sentences = [s for s in sentences if s]
    return bool(sentences) and all(any(w in s for w in words) for s in sentences)


def study_stage_reason(a: AuditInput, measure: Measure) -> tuple[str, str] | None:
    """Why a stage 2/4 measure is in fact at stage 1 (ja, en), or None (opinions 8, 14).

    Either its name says it is a trial or study (「…導入検討のための実証実験」) and its results
    speak of that trial, or its results are study only and it has no budget. Measures already
    moved to stage 1 (next year, or graded by schedule with a reason) are not asked again.
    """
    if _kpi_stage_not_yet_moved(a, measure) is None:
        return None
    results = measure.results.get(a.fiscal_year, "")
    shown = results if len(results) <= 60 else results[:59] + "…"
    rules = a.rules
    name_words = [w for w in rules.trial_name_words if w in measure.name]
    if name_words and any(w in results for w in (*rules.trial_name_words, *rules.study_words)):
        return (
            f"施策名が「{name_words[0]}」の段階を示し、取組結果も「{shown}」とその段階を述べています",
            f"its name says '{name_words[0]}' and its results speak of that ('{shown}')",
        )
    if is_study_only(results, rules.study_words) and not a.budget_of(measure).final_budget:
        return (
            f"取組結果が検討・情報収集のみ（「{shown}」）で予算もありません",
            f"its results are only study ('{shown}') and it has no budget",
        )
    return None


def looks_stage_one(a: AuditInput, measure: Measure) -> bool:
    """True when a stage-1 finding applies (no KPI target, or study only): no stage-3 advice then."""
    if _kpi_stage_not_yet_moved(a, measure) is None:
        return False
    return _without_target(measure) or study_stage_reason(a, measure) is not None


def study_only(a: AuditInput) -> Iterator[Finding]:
    """Stage 2/4 measures that are in fact studies or trials: they belong in stage 1 (opinions 8, 14)."""
    for measure in a.plan.measures:
        reason = study_stage_reason(a, measure)
        if reason is None:
            continue
        yield audit_finding(
            Code.AUDIT_STUDY_ONLY,
            a,
            measure,
            "results",
            "取組結果",
            measure.measure_id,
            **_stage_params(a, measure),
            why=reason[0],
            why_en=reason[1],
            **_measure_params(measure),
        )


def schedule_without_milestones(a: AuditInput) -> Iterator[Finding]:
    """Schedule-managed measures without milestones (opinions 9, 11, 22)."""
    for measure in _schedule_managed(a):
        if not measure.milestones:
            yield audit_finding(
                Code.AUDIT_SCHEDULE_WITHOUT_MILESTONES,
                a,
                measure,
                "measure_id",
                "施策ID",
                measure.measure_id,
                **_stage_params(a, measure),
                **_measure_params(measure),
            )


def schedule_kpi_without_target(a: AuditInput) -> Iterator[Finding]:
    """Schedule-managed measures carrying KPIs without a target (opinions 9, 11)."""
    for measure in _schedule_managed(a):
        open_kpis = [k for k in measure.kpis if k.target is None]
        if open_kpis:
            yield audit_finding(
                Code.AUDIT_SCHEDULE_KPI_WITHOUT_TARGET,
                a,
                open_kpis[0],
                "target",
                "目標値",
                measure.measure_id,
                **_stage_params(a, measure),
                kpis="、".join(f"「{k.name}」" for k in open_kpis),
                kpis_en=", ".join(f"「{k.name}」" for k in open_kpis),
                **_measure_params(measure),
            )


def basis_without_reason(a: AuditInput) -> Iterator[Finding]:
    """Measures graded on another basis than their stage's without a written reason."""
    for measure in a.plan.measures:
        override = measure.basis_overrides.get(a.fiscal_year)
        if override is None or override.reason.strip():
            continue
        yield audit_finding(
            Code.AUDIT_BASIS_WITHOUT_REASON,
            a,
            measure,
            "measure_id",
            "施策ID",
            measure.measure_id,
            fiscal_year=fy_label(a.fiscal_year),
            fiscal_year_en=fy_label(a.fiscal_year, lang="en"),
            **_stage_params(a, measure),
            basis=override.basis,
            basis_en=override.basis.english,
            **_measure_params(measure),
        )


def stage_move_unusual(a: AuditInput) -> Iterator[Finding]:
    """Stage moves into or out of the evaluated year that the lifecycle model does not know.

    A move counts as explained when either year records a grading-basis change with a reason
    (the model's only written reason; M-012 moved 2 → 1 that way).
    """
    for measure in a.plan.measures:
        stages = a.stages(measure)
        for old_year, new_year in ((a.fiscal_year - 1, a.fiscal_year), (a.fiscal_year, a.fiscal_year + 1)):
            old, new = stages.get(old_year), stages.get(new_year)
            if old is None or new is None or is_usual_move(old, new):
                continue
            if a.reason(measure, old_year) or a.reason(measure, new_year):
                continue
            yield audit_finding(
                Code.AUDIT_STAGE_MOVE_UNUSUAL,
                a,
                measure,
                "measure_id",
                "施策ID",
                measure.measure_id,
                old=old.label,
                old_en=old.label_en,
                new=new.label,
                new_en=new.label_en,
                from_fy=fy_label(old_year),
                from_fy_en=fy_label(old_year, lang="en"),
                to_fy=fy_label(new_year),
                to_fy_en=fy_label(new_year, lang="en"),
                **_measure_params(measure),
            )
