"""Audit checks on what measures achieved: stagnation, weak grades, stage 3, causes (pure).

Opinions 16, 17, 18 and 21 of the audit, and the check of self-grades against the grades
recomputed by the rules (L216, L1882–1886).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..enums import Basis, Grade, Stage
from ..findings import Code, Finding
from ..fiscal import fy_label
from ..model import Kpi, Measure
from .catalog import audit_finding
from .context import AuditInput
from .management import looks_stage_one

__all__ = ["cause_response_missing", "no_change", "self_grade_mismatch", "suggest_stage_3", "weak_two_years"]


def number(value: float) -> str:
    """22.6 → 「22.6」, 24000.0 → 「24,000」, 2.3333 → 「2.33」 for messages."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _kpi_managed(a: AuditInput) -> Iterator[Measure]:
    for measure in a.plan.measures:
        if measure.basis_in(a.fiscal_year) is Basis.KPI:
            yield measure


def _params(measure: Measure) -> dict[str, str]:
    return {"measure": measure.measure_id, "name": measure.name}


def _stagnant(a: AuditInput, kpi: Kpi) -> list[tuple[int, float]] | None:
    years = range(a.fiscal_year - a.rules.stagnant_years + 1, a.fiscal_year + 1)
    values = [(y, a.actual(kpi, y)) for y in years]
    if any(v is None for _, v in values) or len({v for _, v in values}) != 1 or a.reached(kpi, a.fiscal_year):
        return None
    return values  # type: ignore[return-value]


def no_change(a: AuditInput) -> Iterator[Finding]:
    """KPI-managed measures whose actual has not moved for `stagnant_years` and misses the target (16, 17)."""
    for measure in _kpi_managed(a):
        stuck = [(k, v) for k in measure.kpis if (v := _stagnant(a, k))]
        if not stuck:
            continue
        detail = "、".join(
            f"「{k.name}」"
            + " → ".join(f"{fy_label(y)} {number(x)}" for y, x in values)
            + (f"（目標値 {number(k.target)}）" if k.target is not None else "")
            for k, values in stuck
        )
        detail_en = "; ".join(
            f"「{k.name}」 "
            + " → ".join(f"{fy_label(y, lang='en')} {number(x)}" for y, x in values)
            + (f" (target {number(k.target)})" if k.target is not None else "")
            for k, values in stuck
        )
        yield audit_finding(
            Code.AUDIT_NO_CHANGE,
            a,
            stuck[0][0],
            "actual",
            "実績値",
            measure.measure_id,
            detail=detail,
            detail_en=detail_en,
            **_params(measure),
        )


def weak_two_years(a: AuditInput) -> Iterator[Finding]:
    """Measures graded C or D (`weak_grades`) for `weak_years` in a row (opinions 16, 17)."""
    years = range(a.fiscal_year - a.rules.weak_years + 1, a.fiscal_year + 1)
    for measure in a.plan.measures:
        grades = [(y, a.grade(measure, y)) for y in years]
        if all(g in a.rules.weak_grades for _, g in grades):
            detail = " → ".join(f"{fy_label(y)} {g}" for y, g in grades)
            detail_en = " → ".join(f"{g} ({fy_label(y, lang='en')})" for y, g in grades)
            yield audit_finding(
                Code.AUDIT_WEAK_TWO_YEARS,
                a,
                measure,
                "self_grade",
                "自己評価",
                measure.measure_id,
                detail=detail,
                detail_en=detail_en,
                **_params(measure),
            )


def suggest_stage_3(a: AuditInput) -> Iterator[Finding]:
    """KPI-managed measures where baseline = target = actual for every KPI (opinion 18).

    Not for a measure that a stage-1 check flags (opinion 14 asks the trial behind such a flat
    KPI to go back to stage 1): findings never pull one measure both ways.
    """
    for measure in _kpi_managed(a):
        if not measure.kpis or a.stage(measure, a.fiscal_year + 1) is Stage.STABLE or looks_stage_one(a, measure):
            continue  # a measure asked to go back to stage 1 is not also told to go on to stage 3
        flat = [(k, a.actual(k, a.fiscal_year)) for k in measure.kpis]
        if all(v is not None and k.baseline == k.target == v for k, v in flat):
            detail = "、".join(f"「{k.name}」{number(v)}{k.unit}" for k, v in flat)  # type: ignore[arg-type]
            detail_en = ", ".join(f"「{k.name}」 {number(v)}{k.unit}" for k, v in flat)  # type: ignore[arg-type]
            yield audit_finding(
                Code.AUDIT_SUGGEST_STAGE_3,
                a,
                measure.kpis[0],
                "actual",
                "実績値",
                measure.measure_id,
                fiscal_year=fy_label(a.fiscal_year),
                fiscal_year_en=fy_label(a.fiscal_year, lang="en"),
                detail=detail,
                detail_en=detail_en,
                **_params(measure),
            )


def _far_below(a: AuditInput, measure: Measure) -> list[tuple[str, str]]:
    """Why the measure's KPIs are far below their path to the target, one (Japanese, English) per KPI."""
    if measure.basis_in(a.fiscal_year) is not Basis.KPI:
        return []
    reasons = []
    for kpi in measure.kpis:
        progress = a.progress(kpi, a.fiscal_year)
        if progress is None or progress >= a.rules.far_below_progress or a.reached(kpi, a.fiscal_year):
            continue
        actual, expected = a.actual(kpi, a.fiscal_year), a.expected(kpi, a.fiscal_year)
        shown = (number(actual), number(expected), f"{max(progress, -9.99):.0%}")  # type: ignore[arg-type]
        reasons.append(
            (
                f"指標「{kpi.name}」の実績値 {shown[0]} が今年度の見込み {shown[1]} を大きく下回っています"
                f"（進み具合 {shown[2]}）",
                f"the KPI 「{kpi.name}」 is at {shown[0]}, far below this year's expected {shown[1]} "
                f"(progress {shown[2]})",
            )
        )
    return reasons


def cause_response_missing(a: AuditInput) -> Iterator[Finding]:
    """Grade D, or an actual far below its path to the target, without cause and response (21)."""
    for measure in a.plan.measures:
        cause = measure.causes.get(a.fiscal_year, "").strip()
        response = measure.responses.get(a.fiscal_year, "").strip()
        if cause and response:
            continue
        why = []
        if a.grade(measure, a.fiscal_year) is Grade.D:
            why.append(("評価Dです", "it is graded D"))
        why += _far_below(a, measure)
        if not why:
            continue
        missing = "原因・今後の対応" if not cause and not response else ("原因" if not cause else "今後の対応")
        missing_en = "原因 and 今後の対応 are" if not cause and not response else f"{missing} is"
        field, column = ("cause", "原因") if not cause else ("response", "今後の対応")
        yield audit_finding(
            Code.AUDIT_CAUSE_RESPONSE_MISSING,
            a,
            measure,
            field,
            column,
            measure.measure_id,
            why="。".join(ja for ja, _ in why),
            why_en="; ".join(en for _, en in why),
            missing=missing,
            missing_en=missing_en,
            **_params(measure),
        )


def self_grade_mismatch(a: AuditInput) -> Iterator[Finding]:
    """Self-grades that differ from the grade the rules compute (needs the computed grades)."""
    for measure in a.plan.measures:
        computed = a.grades.get(measure.measure_id)
        own = measure.self_grades.get(a.fiscal_year)
        if computed is not None and own is not None and own != computed:
            yield audit_finding(
                Code.SELF_GRADE_MISMATCH,
                a,
                measure,
                "self_grade",
                "自己評価",
                own,
                computed=computed,
                **_params(measure),
            )
