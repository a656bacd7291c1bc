"""What the audit rules look at: the plan, its thresholds, and the facts they derive (pure).

`AuditRules` holds every threshold of `xlplan lint` (the `[lint]` table of the rules file,
Akita's values by default). `AuditInput` bundles one plan, the evaluated year, the computed
grades and, for the two-year checks, last year's plan; its helpers answer the questions
several rules ask (the stage of a measure, the actual of a KPI in a year, its pro-rated
expected value, the budget of a measure), so every rule reads the same facts the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from ...errors import XlplanError
from ..enums import Grade, KpiType, Stage
from ..layout import SECTION_SHEETS
from ..model import Amounts, BudgetProject, Kpi, Measure, Plan, RowSource

__all__ = ["AuditInput", "AuditRules", "Locator", "default_locator"]

# (entity, field) → (file, sheet, cell) of the value a finding is about.
Locator = Callable[[object, str], tuple[str, str, str]]

# A share of a service's use (利用割合, 活用率, 達成率) counts use of what the city provides: an
# output by the audit's own definitions (L4524–4527; opinions 15 and 18). Outcomes name an effect.
_DEFAULT_TYPE_WORDS: tuple[tuple[KpiType, tuple[str, ...]], ...] = (
    (KpiType.OUTCOME, ("満足度", "削減", "短縮", "費用対効果", "就職", "起業", "改善")),
    (KpiType.ACTIVITY, ("開催数", "開催回数", "実施回数", "研修回数", "指導件数", "訪問件数")),
    (KpiType.OUTPUT, ("件数", "数", "箇所", "本数", "台数", "人数", "登録者", "作成", "完了", "割合", "率")),
)


@dataclass(frozen=True, slots=True)
class AuditRules:
    """Thresholds of the audit rules; the defaults are Akita's (`[lint]` in `akita.toml`)."""

    execution_rate_min: float = 0.5  # 執行率（決算÷補正後予算）がこれ未満 → 理由を確認（視点④）
    far_below_progress: float = 0.5  # 今年度の見込みに対する進み具合がこれ未満 → 目標を大きく下回る（意見21）
    stagnant_years: int = 2  # 実績値がこの年数続けて同じ → 見直し（意見16・17）
    weak_grades: frozenset[Grade] = frozenset({Grade.C, Grade.D})
    weak_years: int = 2  # weak_grades がこの年数続く → 見直し（意見16・17）
    near_duplicate_min_suffix: int = 8  # 施策名の末尾がこの文字数以上一致 → 重複候補（意見11）
    near_duplicate_min_similarity: float = 0.75  # 施策概要の一致度がこれ以上 → 同じ事業（意見11）
    study_words: tuple[str, ...] = ("検討", "情報収集", "調査", "研究")  # 取組結果が検討のみ（意見8）
    trial_name_words: tuple[str, ...] = ("検討", "実証", "試行")  # 施策名が検討・実証の段階を示す（意見14）
    kpi_type_words: tuple[tuple[KpiType, tuple[str, ...]], ...] = _DEFAULT_TYPE_WORDS

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> AuditRules:
        """Build the thresholds from the `[lint]` table of a rules file; missing keys keep Akita's.

        :raises XlplanError: on an unknown key or a value not allowed (the message says what to write).
        """
        default = cls()
        allowed = {f.name for f in fields(cls)}
        unknown = sorted(set(table) - allowed)
        if unknown:
            keys = "、".join(sorted(allowed))
            raise XlplanError(
                f"[lint] のキー「{'」「'.join(unknown)}」は使えません。使えるキー: {keys}",
                english=f"In [lint], the key(s) {', '.join(unknown)} are not allowed. "
                f"Allowed keys: {', '.join(sorted(allowed))}",
            )
        return cls(
            execution_rate_min=_ratio(table, "execution_rate_min", default.execution_rate_min),
            far_below_progress=_ratio(table, "far_below_progress", default.far_below_progress),
            stagnant_years=_years(table, "stagnant_years", default.stagnant_years),
            weak_grades=_grades(table, default.weak_grades),
            weak_years=_years(table, "weak_years", default.weak_years),
            near_duplicate_min_suffix=_count(table, "near_duplicate_min_suffix", default.near_duplicate_min_suffix),
            near_duplicate_min_similarity=_ratio(
                table, "near_duplicate_min_similarity", default.near_duplicate_min_similarity
            ),
            study_words=_words(table.get("study_words", default.study_words), "study_words"),
            trial_name_words=_words(table.get("trial_name_words", default.trial_name_words), "trial_name_words"),
            kpi_type_words=_type_words(table.get("kpi_type_words"), default.kpi_type_words),
        )


def _ratio(table: Mapping[str, Any], key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise XlplanError(
            f"[lint] の {key} は 0 以上 1 以下の数値にしてください（例: 0.5 は 50%。値: {value!r}）。",
            english=f"In [lint], {key} must be a number from 0 to 1 (e.g. 0.5 for 50%; value: {value!r}).",
        )
    return float(value)


def _count(table: Mapping[str, Any], key: str, default: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise XlplanError(
            f"[lint] の {key} は 1 以上の整数にしてください（値: {value!r}）。",
            english=f"In [lint], {key} must be a whole number of 1 or more (value: {value!r}).",
        )
    return value


def _years(table: Mapping[str, Any], key: str, default: int) -> int:
    value = _count(table, key, default)
    if value < 2:
        raise XlplanError(
            f"[lint] の {key} は 2 以上の整数（年数）にしてください（値: {value!r}）。",
            english=f"In [lint], {key} must be a whole number of years, 2 or more (value: {value!r}).",
        )
    return value


def _grades(table: Mapping[str, Any], default: frozenset[Grade]) -> frozenset[Grade]:
    value = table.get("weak_grades", sorted(default))
    try:
        if isinstance(value, str) or not value:
            raise ValueError
        return frozenset(Grade(v) for v in value)
    except (TypeError, ValueError):
        example = '["C", "D"]'
        raise XlplanError(
            f"[lint] の weak_grades は {example} のように評価の一覧で書いてください（値: {value!r}）。",
            english=f"In [lint], write weak_grades as a list of grades such as {example} (value: {value!r}).",
        ) from None


def _words(value: object, key: str) -> tuple[str, ...]:
    listed = isinstance(value, list | tuple) and all(isinstance(v, str) and v for v in value)
    if not listed:
        raise XlplanError(
            f'[lint] の {key} は ["検討", "調査"] のように語の一覧で書いてください（値: {value!r}）。',
            english=f'In [lint], write {key} as a list of words such as ["検討", "調査"] (value: {value!r}).',
        )
    return tuple(value)


def _type_words(
    value: object, default: tuple[tuple[KpiType, tuple[str, ...]], ...]
) -> tuple[tuple[KpiType, tuple[str, ...]], ...]:
    if value is None:
        return default
    if not isinstance(value, Mapping):
        raise XlplanError(
            "[lint.kpi_type_words] は「区分 = [語, …]」の表で書いてください。",
            english="Write [lint.kpi_type_words] as a table of type = [word, …] lines.",
        )
    types = {t.value: t for t in KpiType}
    unknown = sorted(set(value) - set(types))
    if unknown:
        raise XlplanError(
            f"[lint.kpi_type_words] の区分「{'」「'.join(unknown)}」は使えません。使える区分: {'、'.join(types)}",
            english=f"In [lint.kpi_type_words], the type(s) {', '.join(unknown)} are not allowed. "
            f"Allowed types: {', '.join(types)}",
        )
    return tuple((types[key], _words(words, f"kpi_type_words.{key}")) for key, words in value.items())


def default_locator(entity: object, field_name: str) -> tuple[str, str, str]:
    """Where a value of a measure, KPI, milestone or project sits: its row's cell of that field.

    The master's data sheets share the section sheets' layout, so one table serves both; an
    entity read from nowhere (a plan built in code) is located nowhere ("", "", "").
    """
    source = getattr(entity, "source", None)
    if not isinstance(source, RowSource):
        return ("", "", "")
    for layout in SECTION_SHEETS:
        if layout.name == source.sheet:
            try:
                return (source.file, source.sheet, f"{layout.letter(field_name)}{source.row}")
            except KeyError:
                return (source.file, source.sheet, f"A{source.row}")
    return (source.file, source.sheet, f"A{source.row}")


@dataclass(frozen=True, slots=True)
class AuditInput:
    """One plan as the audit rules see it.

    :param plan: the plan (a master read back, or a plan built in code).
    :param fiscal_year: the evaluated fiscal year.
    :param rules: the thresholds.
    :param grades: computed grades of `fiscal_year` by measure ID (from the grade engine).
    :param previous: last year's plan, for the checks that need two years (its own history too).
    :param previous_grades: computed grades of `fiscal_year - 1` by measure ID.
    :param locate: where a value sits (file, sheet, cell), see `default_locator`.
    :param named: the opinions of an audit report that name each measure (measure ID →
        「意見14」 …); a finding on a named measure cites that opinion, not the general one.
    """

    plan: Plan
    fiscal_year: int
    rules: AuditRules = field(default_factory=AuditRules)
    grades: Mapping[str, Grade] = field(default_factory=dict)
    previous: Plan | None = None
    previous_grades: Mapping[str, Grade] = field(default_factory=dict)
    locate: Locator = default_locator
    named: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def named_opinions(self, entity: object) -> tuple[str, ...]:
        """The opinions naming the measure(s) an entity belongs to (a measure, KPI or budget project)."""
        ids = getattr(entity, "measure_ids", None) or (getattr(entity, "measure_id", ""),)
        return tuple(o for measure_id in ids for o in self.named.get(measure_id, ()))

    def previous_measure(self, measure_id: str) -> Measure | None:
        """The same measure in last year's plan, if given."""
        return self.previous.measure(measure_id) if self.previous else None

    def stage(self, measure: Measure, fiscal_year: int) -> Stage | None:
        """The stage in a year, from the measure's history or else last year's plan."""
        stage = measure.stage_in(fiscal_year)
        if stage is None and (old := self.previous_measure(measure.measure_id)):
            stage = old.stage_in(fiscal_year)
        return stage

    def stages(self, measure: Measure) -> dict[int, Stage]:
        """Every recorded stage by year, last year's plan filling the gaps."""
        old = self.previous_measure(measure.measure_id)
        known = dict(old.stages) if old else {}
        known.update(measure.stages)
        return dict(sorted(known.items()))

    def reason(self, measure: Measure, fiscal_year: int) -> str:
        """The written reason for grading a year on another basis (this plan's, else last year's)."""
        for source in (measure, self.previous_measure(measure.measure_id)):
            override = source.basis_overrides.get(fiscal_year) if source else None
            if override and override.reason.strip():
                return override.reason.strip()
        return ""

    def grade(self, measure: Measure, fiscal_year: int) -> Grade | None:
        """The grade of a year: computed when known, else the self-grade recorded for it."""
        if fiscal_year == self.fiscal_year and measure.measure_id in self.grades:
            return self.grades[measure.measure_id]
        if fiscal_year == self.fiscal_year - 1 and measure.measure_id in self.previous_grades:
            return self.previous_grades[measure.measure_id]
        if (grade := measure.self_grades.get(fiscal_year)) is not None:
            return grade
        old = self.previous_measure(measure.measure_id)
        return old.self_grades.get(fiscal_year) if old else None

    def actual(self, kpi: Kpi, fiscal_year: int) -> float | None:
        """A KPI's actual in a year, from its history or else the same KPI in last year's plan."""
        if (value := kpi.actuals.get(fiscal_year)) is not None:
            return value
        old = self._previous_kpi(kpi)
        return old.actuals.get(fiscal_year) if old else None

    def _previous_kpi(self, kpi: Kpi) -> Kpi | None:
        old = self.previous_measure(kpi.measure_id)
        if old is None:
            return None
        return next((k for k in old.kpis if k.kpi_id == kpi.kpi_id), None) or next(
            (k for k in old.kpis if k.name == kpi.name), None
        )

    def expected(self, kpi: Kpi, fiscal_year: int) -> float | None:
        """What the KPI should read in a year: its yearly target, else the baseline→target line.

        The target is the end-of-plan value; pro-rating it linearly from the baseline year is
        the fair measure of "far below" in the plan's first years.
        """
        if (yearly := kpi.yearly_targets.get(fiscal_year)) is not None:
            return yearly
        if kpi.target is None:
            return None
        if kpi.baseline is None:
            return kpi.target
        start = kpi.baseline_fy if kpi.baseline_fy is not None else self.plan.period[0] - 1
        end = kpi.target_fy if kpi.target_fy is not None else self.plan.period[1]
        if end <= start:
            return kpi.target
        share = min(1.0, max(0.0, (fiscal_year - start) / (end - start)))
        return kpi.baseline + (kpi.target - kpi.baseline) * share

    def progress(self, kpi: Kpi, fiscal_year: int) -> float | None:
        """How far the actual went from the baseline toward the expected value (1.0 = on track).

        Direction-aware; None when the actual or the expected value is unknown. Without a
        baseline, the actual is compared with the expected value as a ratio.
        """
        actual = self.actual(kpi, fiscal_year)
        expected = self.expected(kpi, fiscal_year)
        if actual is None or expected is None:
            return None
        sign = -1.0 if kpi.lower_is_better else 1.0
        if kpi.baseline is None:
            if expected == 0 or actual == 0:
                return 1.0 if sign * (actual - expected) >= 0 else 0.0
            return (actual / expected) if sign > 0 else (expected / actual)
        gap = sign * (expected - kpi.baseline)
        moved = sign * (actual - kpi.baseline)
        if gap <= 0:  # nothing more than the baseline is expected: holding it is on track
            return 1.0 if moved >= 0 else 0.0
        return moved / gap

    def reached(self, kpi: Kpi, fiscal_year: int) -> bool:
        """True when the year's actual meets the end-of-plan target (direction-aware)."""
        actual = self.actual(kpi, fiscal_year)
        if actual is None or kpi.target is None:
            return False
        return (actual <= kpi.target) if kpi.lower_is_better else (actual >= kpi.target)

    def projects(self) -> tuple[BudgetProject, ...]:
        """The budget projects of the evaluated year, each once."""
        seen: set[str] = set()
        found = []
        for project in self.plan.projects:
            if project.fiscal_year == self.fiscal_year and project.project_id not in seen:
                seen.add(project.project_id)
                found.append(project)
        return tuple(found)

    def budget_of(self, measure: Measure) -> Amounts:
        """Budget and settlement of the projects funding a measure in the evaluated year."""
        total = Amounts()
        for project in self.projects():
            if measure.measure_id in project.measure_ids:
                total = total + project.total
        return total

    def where(self, entity: object, field_name: str) -> dict[str, str]:
        """The file, sheet and cell keywords of a finding about `entity.field_name`."""
        file, sheet, cell = self.locate(entity, field_name)
        return {"file": file, "sheet": sheet, "cell": cell}
