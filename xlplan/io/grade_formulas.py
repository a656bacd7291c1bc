"""Excel formulas that compute the grade live in the section workbook, from `GradeRules`.

The formulas follow `xlplan.core.grading` step by step, so the grade a section lead sees while
typing is the grade HQ computes. Only functions that Excel 2010 and LibreOffice 7.x both have:
IF, IFERROR, AND, OR, NOT, ABS, ROUND, ISNUMBER, COUNTIF(S), INDEX, MATCH, DATE. No XLOOKUP, LET, dynamic
arrays or macros. Thresholds, letters and the stage → basis table come from the rules.

Per row:
- ライフサイクル: 適用する評価方法 (stage → basis, or the chosen basis) and a hidden helper that
  holds the 施策ID only on the evaluated year's row (a plain key for MATCH/COUNTIFS).
- KPI: 評価の根拠 (an outcome or a gap label, exactly `KpiAssessment.label`) and 算定評価, on
  the rows of measures graded by KPI in the evaluated year (empty on the others).
- 施策: 算定評価, 評価の根拠 (exactly `MeasureGrade.summary`) and 自己評価との差異 (「要確認」).

Known limit: a formula reads cells as typed. Values that `xlplan check` normalises (a number
typed as text, 「済」 for 完了, a percent-formatted 22.6%) show no grade or another one until
they are typed the canonical way; `xlplan grade` always uses the normalised values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..core.enums import Basis, Direction, Grade, MilestoneStatus, Stage
from ..core.fiscal import fiscal_year_end, fy_label
from ..core.grading import ROUNDING, KpiGap
from ..core.grading.rules import GradeRules, KpiOutcome, KpiTarget
from ..core.layout import FIRST_DATA_ROW, KPI, LIFECYCLE, MEASURES, SCHEDULE, SheetLayout

__all__ = ["MISMATCH_MARK", "FormulaContext", "computed_formulas", "fiscal_year_spellings"]

MISMATCH_MARK = "要確認"
_FULLWIDTH = str.maketrans("0123456789R", "０１２３４５６７８９Ｒ")


@dataclass(frozen=True)
class FormulaContext:
    """What the formulas of one workbook depend on."""

    rules: GradeRules
    fiscal_year: int
    last_rows: Mapping[str, int]  # sheet key → last formatted data row
    evaluation_date: dt.date | None = None

    @property
    def day(self) -> dt.date:
        """The evaluation date (default: 31 March closing the fiscal year)."""
        return self.evaluation_date or fiscal_year_end(self.fiscal_year)


def computed_formulas(layout: SheetLayout, row: int, ctx: FormulaContext) -> dict[str, str]:
    """The formula of every computed column of a sheet for one row (field → "=…").

    :param layout: the sheet (施策, ライフサイクル or KPI; others have no computed columns).
    :param row: the Excel row.
    :param ctx: rules, fiscal year and the extent of the other sheets.
    """
    builders: dict[str, Callable[[int, FormulaContext], dict[str, str]]] = {
        MEASURES.key: _measure_row,
        LIFECYCLE.key: _lifecycle_row,
        KPI.key: _kpi_row,
    }
    builder = builders.get(layout.key)
    return builder(row, ctx) if builder else {}


def fiscal_year_spellings(fiscal_year: int) -> tuple[str | int, ...]:
    """How people write a fiscal year in a cell (the dropdown's 令和6年度, R6, 2024 …)."""
    label = fy_label(fiscal_year)  # 令和6年度
    era = label.removesuffix("年度")  # 令和6
    number = era.removeprefix("令和")
    texts = [
        label,
        era,
        f"{era}年",
        f"R{number}",
        f"R{number}年度",
        f"R{number}年",
        str(fiscal_year),
        f"{fiscal_year}年度",
    ]
    texts += [t.translate(_FULLWIDTH) for t in texts]
    unique = list(dict.fromkeys(texts))
    return (fiscal_year, *unique)


# helpers -----------------------------------------------------------------------------------------


def _q(text: str) -> str:
    """An Excel string literal."""
    return '"' + text.replace('"', '""') + '"'


def _range(layout: SheetLayout, field_name: str, ctx: FormulaContext) -> str:
    letter = layout.letter(field_name)
    last = ctx.last_rows[layout.key]
    return f"'{layout.name}'!${letter}${FIRST_DATA_ROW}:${letter}${last}"


def _cell(layout: SheetLayout, field_name: str, row: int) -> str:
    return f"${layout.letter(field_name)}{row}"


def _any_equal(cell: str, values: tuple[str | int, ...]) -> str:
    parts = [f"{cell}={v}" if isinstance(v, int) else f"{cell}={_q(v)}" for v in values]
    return f"OR({','.join(parts)})"


def _number(value: float) -> str:
    return repr(float(value)).removesuffix(".0")


# ライフサイクル -------------------------------------------------------------------------------------


def _stage_to_basis(cell: str, rules: GradeRules) -> str:
    """Nested IF: the basis of the stage in `cell` (typed as text "2" or as the number 2), else ""."""
    formula = '""'
    for stage in reversed(list(Stage)):
        spellings: tuple[str | int, ...] = (stage.value,)
        if stage.value.isdigit():
            spellings += (int(stage.value),)
        formula = f"IF({_any_equal(cell, spellings)},{_q(rules.basis_for(stage).value)},{formula})"
    return formula


def _lifecycle_row(row: int, ctx: FormulaContext) -> dict[str, str]:
    lc = LIFECYCLE
    measure, year = _cell(lc, "measure_id", row), _cell(lc, "fiscal_year", row)
    stage_basis = _stage_to_basis(_cell(lc, "stage", row), ctx.rules)
    chosen = _cell(lc, "basis", row)
    applied = (
        f'=IF({measure}="","",IF({stage_basis}="","",'
        f"IF({_any_equal(chosen, tuple(b.value for b in Basis))},{chosen},{stage_basis})))"
    )
    key = f'=IF({measure}="","",IF({_any_equal(year, fiscal_year_spellings(ctx.fiscal_year))},{measure},""))'
    return {"applied_basis": applied, "evaluated_measure_id": key}


# KPI -------------------------------------------------------------------------------------------


def _kpi_row(row: int, ctx: FormulaContext) -> dict[str, str]:
    k = KPI
    kr = ctx.rules.kpi
    measure, kpi_id = _cell(k, "measure_id", row), _cell(k, "kpi_id", row)
    actual, baseline = _cell(k, "actual", row), _cell(k, "baseline", row)
    target = _cell(k, "target", row)
    if kr.target is KpiTarget.YEARLY:
        yearly = _cell(k, "yearly_target", row)
        target = f"IF(ISNUMBER({yearly}),{yearly},{target})"
    sign = f"IF({_cell(k, 'direction', row)}={_q(Direction.LOWER.value)},-1,1)"
    reach = f"{sign}*({actual}-{target})"
    if kr.reached_band:
        reach += f"+{_number(kr.reached_band)}*ABS({target})"
    flat = f"ABS({actual}-{baseline})"
    if kr.flat_band:
        flat += f"-{_number(kr.flat_band)}*ABS({baseline})"
    key = _range(LIFECYCLE, "evaluated_measure_id", ctx)
    basis = f'IFERROR(INDEX({_range(LIFECYCLE, "applied_basis", ctx)},MATCH({measure},{key},0)),"")'
    reason = (
        f'=IF(OR({measure}="",{kpi_id}=""),"",IF({basis}<>{_q(Basis.KPI.value)},"",'
        f"IF(NOT(ISNUMBER({actual})),{_q(KpiGap.NO_ACTUAL)},"
        f"IF(NOT(ISNUMBER({target})),{_q(KpiGap.NO_TARGET)},"
        f"IF(ROUND({reach},{ROUNDING})>=0,{_q(KpiOutcome.REACHED)},"
        f"IF(NOT(ISNUMBER({baseline})),{_q(KpiGap.NO_BASELINE)},"
        f"IF(ROUND({flat},{ROUNDING})<=0,{_q(KpiOutcome.FLAT)},"
        f"IF({sign}*({actual}-{baseline})>0,{_q(KpiOutcome.IMPROVED)},{_q(KpiOutcome.WORSENED)}))))))))"
    )
    label = _cell(k, "kpi_reason", row)
    grade = '""'
    for outcome in reversed(list(KpiOutcome)):
        grade = f"IF({label}={_q(outcome)},{_q(kr.grade_of(outcome))},{grade})"
    return {"kpi_reason": reason, "kpi_grade": f"={grade}"}


# 施策 ------------------------------------------------------------------------------------------


def _measure_row(row: int, ctx: FormulaContext) -> dict[str, str]:
    m = MEASURES
    rules = ctx.rules
    measure = _cell(m, "measure_id", row)
    key = _range(LIFECYCLE, "evaluated_measure_id", ctx)
    has_stage = f"COUNTIF({key},{measure})>0"
    basis = f"INDEX({_range(LIFECYCLE, 'applied_basis', ctx)},MATCH({measure},{key},0))"
    stage = f"INDEX({_range(LIFECYCLE, 'stage', ctx)},MATCH({measure},{key},0))"

    kpi_of = f"{_range(KPI, 'measure_id', ctx)},{measure}"
    n_kpi = f'COUNTIFS({kpi_of},{_range(KPI, "kpi_id", ctx)},"<>")'
    labels = _range(KPI, "kpi_reason", ctx)
    count = {o: f"COUNTIFS({kpi_of},{labels},{_q(o)})" for o in KpiOutcome}
    graded = "+".join(count.values())
    reached, improved, flat, worsened = (count[o] for o in KpiOutcome)
    kr = rules.kpi
    kpi_grade = (
        f'IF({n_kpi}=0,"",IF({graded}<{n_kpi},"",'
        f"IF({reached}={n_kpi},{_q(kr.reached)},IF({reached}>0,{_q(kr.partly_reached)},"
        f"IF({improved}>0,{_q(kr.improved)},IF({flat}>0,{_q(kr.flat)},{_q(kr.worsened)}))))))"
    )
    kpi_reason = (
        f'IF({n_kpi}=0,"評価指標が未入力","評価指標"&{n_kpi}&"件: 達成"&{reached}&"・改善"&{improved}'
        f'&"・横ばい"&{flat}&"・悪化"&{worsened}&IF({n_kpi}-({graded})>0,"・判定不可"&({n_kpi}-({graded})),""))'
    )

    ms_of = f"{_range(SCHEDULE, 'measure_id', ctx)},{measure}"
    status = _range(SCHEDULE, "status", ctx)
    n_ms = f"COUNTIF({ms_of})"
    done = f"COUNTIFS({ms_of},{status},{_q(MilestoneStatus.DONE)})"
    started = "+".join(
        f"COUNTIFS({ms_of},{status},{_q(s)})"
        for s in (MilestoneStatus.PREPARING, MilestoneStatus.IN_PROGRESS, MilestoneStatus.DONE)
    )
    day = ctx.day
    # planned month ended before the evaluation date ⇔ it is before the first day of that date's month
    late = (
        f"COUNTIFS({ms_of},{status},{_q('<>' + MilestoneStatus.DONE)},"
        f'{_range(SCHEDULE, "planned_to", ctx)},"<"&DATE({day.year},{day.month},1))'
    )
    sr = rules.schedule
    schedule_grade = (
        f'IF({n_ms}=0,"",IF({done}={n_ms},{_q(sr.all_done)},IF(({started})=0,{_q(sr.not_started)},'
        f"IF({late}>0,{_q(sr.overdue)},{_q(sr.on_plan)}))))"
    )
    schedule_reason = (
        f'IF({n_ms}=0,"工程が未入力","工程"&{n_ms}&"件: 完了"&{done}&"・遅れ"&{late}&"・未着手"&({n_ms}-({started})))'
    )

    kpi_basis, schedule_basis, no_basis = (_q(b.value) for b in (Basis.KPI, Basis.SCHEDULE, Basis.NONE))
    grade = (
        f'=IF({measure}="","",IF(NOT({has_stage}),"",'
        f'IF({basis}={kpi_basis},{kpi_grade},IF({basis}={schedule_basis},{schedule_grade},""))))'
    )
    reason = (
        f'=IF({measure}="","",IF(NOT({has_stage}),"段階が未入力",'
        f"IF({basis}={kpi_basis},{kpi_reason},IF({basis}={schedule_basis},{schedule_reason},"
        f'IF({basis}={no_basis},"評価対象外（段階"&{stage}&"）","段階が未入力")))))'
    )
    self_grade, computed = _cell(m, "self_grade", row), _cell(m, "grade", row)
    check = (
        f'=IF(AND({measure}<>"",{_any_equal(self_grade, tuple(g.value for g in Grade))},{self_grade}<>{computed}),'
        f'{_q(MISMATCH_MARK)},"")'
    )
    return {"grade": grade, "grade_reason": reason, "grade_check": check}
