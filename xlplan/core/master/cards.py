"""The printable card of a measure, laid out like the audit report's measure tables (pure).

L1896–1930 of the seed: 施策名, 施策概要, 関連課所室, 関連事業名, ライフサイクル, 評価指標,
目標値・基準値, 目標値の考え方, 見込まれる効果, 進捗評価, 取組結果, then the year's 事業費内訳
per budget project (科目別 beside 財源別, budget and settlement). Here the texts are built;
`xlplan.io.master_cards` puts them on an A4 page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..enums import Aggregation, Basis, FundingSource, MilestoneStatus
from ..fiscal import fy_label
from ..grading import MeasureGrade
from ..model import Amounts, BudgetProject, Kpi, Measure

__all__ = ["BudgetBlock", "BudgetLine", "Card", "measure_card"]

_BASIS_TEXT = {Basis.SCHEDULE: "スケジュール管理対象", Basis.KPI: "評価指標管理対象", Basis.NONE: "管理対象外"}
_SPECIFIC = (FundingSource.NATIONAL, FundingSource.PREFECTURAL, FundingSource.MUNICIPAL_BOND, FundingSource.OTHER)
NOTHING = "該当なし"


@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One row of the 事業費内訳: an expense item on the left, a funding row on the right."""

    item: str = ""
    item_budget: int | None = None
    item_settlement: int | None = None
    funding: str = ""
    funding_budget: int | None = None
    funding_settlement: int | None = None


@dataclass(frozen=True, slots=True)
class BudgetBlock:
    """The 事業費内訳 of one budget project (budget = 補正後予算, else 当初予算)."""

    title: str
    lines: tuple[BudgetLine, ...]
    budget: int | None
    settlement: int | None
    main_contents: str
    specific_funding_note: str


@dataclass(frozen=True, slots=True)
class Card:
    """A measure's card: its hierarchy, labelled texts and its budget blocks."""

    measure_id: str
    heading: str
    fields: tuple[tuple[str, str], ...]
    budget_title: str
    budgets: tuple[BudgetBlock, ...]


def measure_card(
    measure: Measure,
    projects: Sequence[BudgetProject],
    marks: Mapping[str, str],
    grade: MeasureGrade | None,
    fiscal_year: int,
) -> Card:
    """Build the card of one measure for one evaluated fiscal year.

    :param measure: the measure.
    :param projects: its budget projects of that year.
    :param marks: shared project marks (`*1` …).
    :param grade: its computed grade, if any.
    :param fiscal_year: the evaluated fiscal year.
    """
    year = fy_label(fiscal_year)
    project_names = "、".join(_marked(p, marks) for p in projects) or NOTHING
    fields = (
        ("施策名", measure.name),
        ("施策概要", measure.summary),
        ("関連課所室", "、".join(measure.sections)),
        ("関連事業名", project_names),
        ("ライフサイクル", _lifecycle(measure, fiscal_year)),
        ("評価指標（KPI）", _joined(measure.kpis, lambda k: k.name) or NOTHING),
        ("目標値・基準値", _joined(measure.kpis, _targets) or NOTHING),
        ("目標値の考え方", measure.target_rationale),
        ("見込まれる効果", measure.expected_effect),
        (f"{year} 進捗評価", _grade_text(measure, grade, fiscal_year)),
        (f"{year} 取組結果", _results(measure, fiscal_year)),
    )
    return Card(
        measure_id=measure.measure_id,
        heading=" > ".join(measure.hierarchy),
        fields=fields,
        budget_title=f"{year}の事業費内訳（単位：千円）",
        budgets=tuple(_budget(p, marks) for p in projects),
    )


def _marked(project: BudgetProject, marks: Mapping[str, str]) -> str:
    mark = marks.get(project.project_id)
    return f"({mark}){project.name}" if mark else project.name


def _joined(kpis: Sequence[Kpi], text) -> str:  # type: ignore[no-untyped-def]
    parts = [text(k) for k in kpis]
    if len(parts) <= 1:
        return "".join(parts)
    return "\n".join(f"・{part}" for part in parts)


def _lifecycle(measure: Measure, fiscal_year: int) -> str:
    stage = measure.stage_in(fiscal_year)
    if stage is None:
        return f"{fy_label(fiscal_year)}の段階が未入力"
    text = f"{stage.label}／{_BASIS_TEXT[stage.basis]}"
    if override := measure.basis_overrides.get(fiscal_year):
        reason = override.reason or "記載なし"
        text += f"（{fy_label(fiscal_year)}は{_BASIS_TEXT[override.basis]}として評価。理由: {reason}）"
    later = [(y, s) for y, s in sorted(measure.stages.items()) if y > fiscal_year and s is not stage]
    for year, next_stage in later[:1]:
        text += f"\n{fy_label(year)}から {next_stage.label}"
    return text


def number(value: float | None) -> str:
    """A KPI figure as printed: thousands grouped, no trailing .0 on whole numbers (except %)."""
    if value is None:
        return "―"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.10g}" if abs(value) >= 1000 else f"{value:.10g}"


def _unit(kpi: Kpi) -> str:
    if kpi.aggregation is Aggregation.ANNUAL and kpi.unit:
        return f"{kpi.unit}/年"
    return kpi.unit


def _figure(kpi: Kpi, value: float | None) -> str:
    if value is None:
        return "未入力"
    text = f"{number(value)}{_unit(kpi)}"
    return f"累計{text}" if kpi.aggregation is Aggregation.CUMULATIVE else text


def _targets(kpi: Kpi) -> str:
    target = f"【目標値】{_figure(kpi, kpi.target)}"
    if kpi.target_fy:
        target += f"（{fy_label(kpi.target_fy)}）"
    baseline = f"【基準値】{_figure(kpi, kpi.baseline)}"
    if kpi.baseline_fy:
        baseline += f"（{fy_label(kpi.baseline_fy)}）"
    return f"{target} {baseline}"


def _grade_text(measure: Measure, grade: MeasureGrade | None, fiscal_year: int) -> str:
    letter = grade.grade.value if grade and grade.grade else "―"
    basis = grade.basis if grade else measure.basis_in(fiscal_year)
    if basis is Basis.KPI and measure.kpis:
        actuals = []
        for kpi in measure.kpis:
            text = _figure(kpi, kpi.actuals.get(fiscal_year))
            if (reference := kpi.reference.get(fiscal_year)) is not None:
                text += f"（参考値{_figure(kpi, reference)}）"
            actuals.append(text)
        head = f"{letter}【実績値】{'／'.join(actuals)}"
    elif basis is Basis.SCHEDULE and measure.milestones:
        done = sum(1 for m in measure.milestones if m.status is MilestoneStatus.DONE)
        head = f"{letter}【工程】{len(measure.milestones)}件中{done}件完了"
    else:
        head = letter
    lines = [head]
    if grade and grade.mismatch and grade.self_grade:
        lines.append(f"自己評価 {grade.self_grade.value}（算定評価 {letter} と異なります）")
    elif grade is None and (self_grade := measure.self_grades.get(fiscal_year)):
        lines.append(f"自己評価 {self_grade.value}")
    if grade and grade.trace:
        lines.append(f"（根拠）{grade.trace}")
    return "\n".join(lines)


def _results(measure: Measure, fiscal_year: int) -> str:
    lines = [measure.results.get(fiscal_year, "")]
    if cause := measure.causes.get(fiscal_year):
        lines.append(f"【原因】{cause}")
    if response := measure.responses.get(fiscal_year):
        lines.append(f"【今後の対応】{response}")
    return "\n".join(line for line in lines if line)


def _budget(project: BudgetProject, marks: Mapping[str, str]) -> BudgetBlock:
    by_source: dict[FundingSource, Amounts] = {}
    for line in project.funding:
        by_source[line.funding_source] = by_source.get(line.funding_source, Amounts()) + line.amounts
    specific = Amounts()
    for source in _SPECIFIC:
        specific = specific + by_source.get(source, Amounts())
    if specific.final_budget is None:
        specific = Amounts(0, 0, 0 if project.total.settlement is not None else None)
    right: list[tuple[str, Amounts]] = [("特定財源", specific)]
    right += [
        (f"　{'（内訳）' if i == 0 else ''}{s.value}", by_source.get(s, Amounts())) for i, s in enumerate(_SPECIFIC)
    ]
    right.append(("一般財源", by_source.get(FundingSource.GENERAL, Amounts())))
    left = [(line.item, line.amounts) for line in project.lines]
    lines = []
    for i in range(max(len(left), len(right))):
        item, item_amounts = left[i] if i < len(left) else ("", None)
        funding, funding_amounts = right[i] if i < len(right) else ("", None)
        lines.append(
            BudgetLine(
                item,
                item_amounts.final_budget if item_amounts else None,
                item_amounts.settlement if item_amounts else None,
                funding,
                funding_amounts.final_budget if funding_amounts else None,
                funding_amounts.settlement if funding_amounts else None,
            )
        )
    return BudgetBlock(
        title=f"{_marked(project, marks)}（{project.project_id}）",
        lines=tuple(lines),
        budget=project.total.final_budget,
        settlement=project.total.settlement,
        main_contents=project.main_contents or "なし",
        specific_funding_note=project.specific_funding_note or "なし",
    )
