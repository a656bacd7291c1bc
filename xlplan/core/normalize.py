"""Normalise what people really type into a cell, and say what was changed.

Pure functions: a raw cell value (as a spreadsheet reader returns it) and the column kind in,
a `Normalized` out. A value that cannot be read is passed through unchanged so that the
pandera schema reports it at its cell with the column's own message.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass

from .fiscal import fy_label, parse_fiscal_year, parse_year_month
from .layout import Column, Kind

__all__ = ["EMPTY_MARKERS", "Normalized", "normalize_cell", "percent_to_points"]

# What people type for "nothing here".
EMPTY_MARKERS = frozenset({"該当なし", "なし", "-", "－", "―", "‐", "ー", "—", "–", "−", "無し", "N/A", "n/a"})
_DASHES = str.maketrans({"‐": "-", "‑": "-", "–": "-", "—": "-", "―": "-", "−": "-", "ー": "-", "－": "-"})
_NEGATIVE_MARKS = ("▲", "△")
_LIST_SEPARATORS = re.compile(r"[、,，;；/／\s・]+")
_UNIT_SUFFIXES = ("千円", "%")

# Synonyms for closed vocabularies, after NFKC. Keys are what people type.
_CHOICE_SYNONYMS: dict[str, str] = {
    "3-4": "3・4",
    "3･4": "3・4",
    "3.4": "3・4",
    "34": "3・4",
    "3,4": "3・4",
    "3/4": "3・4",
    "3(4)": "3・4",
    "(3)(4)": "3・4",
    "年度": "年",
    "単年": "年",
    "単年度": "年",
    "毎年": "年",
    "高い方が良い": "高いほど良い",
    "増加": "高いほど良い",
    "上昇": "高いほど良い",
    "↑": "高いほど良い",
    "低い方が良い": "低いほど良い",
    "減少": "低いほど良い",
    "低下": "低いほど良い",
    "↓": "低いほど良い",
    "実施済": "完了",
    "完了済": "完了",
    "済": "完了",
    "着手": "実施中",
    "実施": "実施中",
    "準備": "準備中",
    "アウトプット指標": "アウトプット",
    "アウトカム指標": "アウトカム",
    "活動指標": "活動",
    "スケジュール管理": "スケジュール",
    "評価指標管理": "評価指標",
    "対象外": "評価対象外",
}
_STAGE_PREFIX = re.compile(r"^(段階|ステージ)?\(?(1|2|3・4|3|4|5)\)?(\(.*\))?$")


@dataclass(frozen=True, slots=True)
class Normalized:
    """A cell's value after normalisation; `how` says what changed (None: nothing did)."""

    value: object
    how: str | None = None

    @property
    def changed(self) -> bool:
        """True when the value read differs from what was typed."""
        return self.how is not None


def normalize_cell(column: Column, raw: object) -> Normalized:
    """Normalise one raw cell value for its column."""
    if raw is None or raw == "":
        return Normalized(None)
    if isinstance(raw, str):
        stripped = raw.strip(" \t\r\n\u3000")
        if stripped == "":
            return Normalized(None, "空白のみのため空欄として読みました")
        if stripped in EMPTY_MARKERS and column.kind not in (Kind.TEXT, Kind.LONG_TEXT):
            return Normalized(None, f"「{stripped}」を空欄として読みました")
        how = "前後の空白を削除" if stripped != raw else None
        raw = stripped
    else:
        how = None
    result = _BY_KIND[column.kind](column, raw)
    if how and not result.how:
        return Normalized(result.value, how)
    return result


def _text(column: Column, raw: object) -> Normalized:
    if isinstance(raw, float) and raw.is_integer():
        return Normalized(str(int(raw)))
    if isinstance(raw, dt.datetime | dt.date):
        return Normalized(raw.isoformat())
    return Normalized(str(raw))


def _identifier(column: Column, raw: object) -> Normalized:
    text = str(raw)
    fixed = unicodedata.normalize("NFKC", text).translate(_DASHES).upper().replace(" ", "")
    return Normalized(fixed, "全角・記号を半角に統一" if fixed != text else None)


def _identifier_list(column: Column, raw: object) -> Normalized:
    text = str(raw)
    nfkc = unicodedata.normalize("NFKC", text).translate(_DASHES).upper()
    parts = [p for p in _LIST_SEPARATORS.split(nfkc.replace("・", " ")) if p]
    fixed = ",".join(parts)
    typed = [p for p in _LIST_SEPARATORS.split(text.replace("・", " ")) if p]
    return Normalized(fixed, None if typed == parts else "全角・記号を半角に統一")


def _number(column: Column, raw: object) -> Normalized:
    if isinstance(raw, bool):
        # TRUE/FALSE is not a number; as text it fails the schema and is reported at its cell
        return Normalized("TRUE" if raw else "FALSE")
    if isinstance(raw, int | float):
        return Normalized(float(raw)) if math.isfinite(raw) else Normalized(str(raw))
    if not isinstance(raw, str):
        return Normalized(raw)
    text = unicodedata.normalize("NFKC", raw).replace(" ", "")
    notes: list[str] = []
    if text != raw:
        notes.append("全角を半角に変換")
    negative = False
    if text.startswith(_NEGATIVE_MARKS) or raw.startswith(("▲", "△")):
        text = text.lstrip("▲△")
        negative = True
        notes.append("▲/△を負の数として読みました")
    if "," in text:
        text = text.replace(",", "")
        notes.append("桁区切りのカンマを削除")
    for suffix in _UNIT_SUFFIXES:
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            notes.append(f"単位「{suffix}」を除いて数値として読みました")
    text = text.translate(_DASHES)
    try:
        number = float(text)
    except ValueError:
        return Normalized(raw)
    if not math.isfinite(number):  # "1e400", "inf", "nan" are text that Python would accept
        return Normalized(raw)
    if negative:
        number = -number
    return Normalized(number, "、".join(notes) or "文字列の数値を数値として読みました")


def _fiscal_year(column: Column, raw: object) -> Normalized:
    year = parse_fiscal_year(raw)
    if year is None:
        return Normalized(raw if isinstance(raw, str) else str(raw))
    if (isinstance(raw, int | float) and not isinstance(raw, bool)) or raw == fy_label(year):
        return Normalized(year)  # the dropdown's own labels are not a change worth telling
    return Normalized(year, f"{fy_label(year)}（{year}年度）として読みました")


def _month(column: Column, raw: object) -> Normalized:
    month = parse_year_month(raw)
    if month is None:
        return Normalized(raw if isinstance(raw, str) else str(raw))
    if isinstance(raw, dt.date):
        return Normalized(str(month))
    return Normalized(str(month), f"{month.year}年{month.month}月として読みました")


def _choice(column: Column, raw: object) -> Normalized:
    if isinstance(raw, float) and raw.is_integer():
        raw = str(int(raw))
    text = str(raw)
    if text in column.choices:
        return Normalized(text)
    nfkc = unicodedata.normalize("NFKC", text).replace(" ", "").replace("（", "(").replace("）", ")")
    candidates = [nfkc, nfkc.upper(), _CHOICE_SYNONYMS.get(nfkc, nfkc)]
    if match := _STAGE_PREFIX.match(nfkc.replace("･", "・").replace("-", "・")):
        candidates.append(match.group(2))
    for candidate in candidates:
        candidate = _CHOICE_SYNONYMS.get(candidate, candidate)
        if candidate in column.choices:
            return Normalized(candidate, "選択肢の表記に統一")
    return Normalized(text)


_BY_KIND = {
    Kind.TEXT: _text,
    Kind.LONG_TEXT: _text,
    Kind.MEASURE_ID: _identifier,
    Kind.KPI_ID: _identifier,
    Kind.PROJECT_ID: _identifier,
    Kind.MEASURE_ID_LIST: _identifier_list,
    Kind.NUMBER: _number,
    Kind.AMOUNT: _number,
    Kind.FISCAL_YEAR: _fiscal_year,
    Kind.MONTH: _month,
    Kind.CHOICE: _choice,
}


def percent_to_points(value: float) -> Normalized:
    """A number stored by Excel as a fraction under a % format (0.226) → percentage points (22.6)."""
    points = round(value * 100, 10)
    return Normalized(points, f"％書式のセル（{value}）を {points:g} として読みました")
