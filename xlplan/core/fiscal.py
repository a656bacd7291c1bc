"""Japanese fiscal years (April–March) and their 和暦 labels, and year-month values.

令和N年度 = FY(2018 + N). Parsing accepts what people type: 2024, "2024年度", "R6",
"令和6年度", "令和６", "Ｒ６". Everything here is pure.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["YearMonth", "fiscal_year_of", "fy_label", "parse_fiscal_year", "parse_year_month"]

_ERAS = {"令和": 2018, "R": 2018, "平成": 1988, "H": 1988}
_ERA_PATTERN = re.compile(r"^(令和|平成|R|H)\s*(\d{1,2}|元)\s*(年度|年)?$", re.IGNORECASE)
_WESTERN_PATTERN = re.compile(r"^(\d{4})\s*(年度|年)?$")
_FY_MIN, _FY_MAX = 1990, 2100


def fy_label(fiscal_year: int, *, lang: str = "ja") -> str:
    """Label a fiscal year for people: 2024 → 「令和6年度」 (or "FY2024" in English)."""
    if lang == "en":
        return f"FY{fiscal_year}"
    if fiscal_year >= 2019:
        n = fiscal_year - 2018
        return f"令和{'元' if n == 1 else n}年度"
    n = fiscal_year - 1988
    return f"平成{'元' if n == 1 else n}年度"


def parse_fiscal_year(value: object) -> int | None:
    """Read a fiscal year as typed; return None when it is not one.

    :param value: 2024, 2024.0, "2024", "2024年度", "R6", "令和6年度", "令和元年度" …
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        year = int(value)
        return year if year == value and _FY_MIN <= year <= _FY_MAX else None
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if match := _WESTERN_PATTERN.match(text):
        year = int(match.group(1))
        return year if _FY_MIN <= year <= _FY_MAX else None
    if match := _ERA_PATTERN.match(text):
        era = match.group(1)
        era = era.upper() if len(era) == 1 else era
        n = 1 if match.group(2) == "元" else int(match.group(2))
        return _ERAS[era] + n
    return None


@dataclass(frozen=True, slots=True, order=True)
class YearMonth:
    """A calendar month, e.g. the due month of a milestone."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month out of range: {self.month}")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def fiscal_year(self) -> int:
        """The fiscal year this month belongs to (January–March belong to the year before)."""
        return fiscal_year_of(dt.date(self.year, self.month, 1))

    def label(self, *, lang: str = "ja") -> str:
        """令和6年10月 (or 2024-10 in English)."""
        if lang == "en":
            return str(self)
        return f"令和{self.year - 2018}年{self.month}月" if self.year >= 2019 else f"{self.year}年{self.month}月"

    def last_day(self) -> dt.date:
        """The last calendar day of the month."""
        nxt = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)

    @classmethod
    def parse(cls, text: str) -> YearMonth:
        """Parse "2024-10"; raise ValueError otherwise (for data files, not for people)."""
        found = parse_year_month(text)
        if found is None:
            raise ValueError(f"not a year-month: {text!r}")
        return found


_YM_WESTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(月|[-/.]\s*\d{1,2}\s*日?)?$")
_YM_ERA = re.compile(r"^(令和|平成|R|H)\s*(\d{1,2}|元)\s*[年.\-/]\s*(\d{1,2})\s*(月)?$", re.IGNORECASE)


def parse_year_month(value: object) -> YearMonth | None:
    """Read a month as typed: a date cell, "2024/10", "2024-10", "令和6年10月", "R6.10"."""
    if isinstance(value, dt.date):
        return YearMonth(value.year, value.month)
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    try:
        if match := _YM_WESTERN.match(text):
            return YearMonth(int(match.group(1)), int(match.group(2)))
        if match := _YM_ERA.match(text):
            era = match.group(1)
            era = era.upper() if len(era) == 1 else era
            n = 1 if match.group(2) == "元" else int(match.group(2))
            return YearMonth(_ERAS[era] + n, int(match.group(3)))
    except ValueError:
        return None
    return None


def fiscal_year_of(day: dt.date) -> int:
    """The fiscal year a day belongs to: 2025-03-31 → 2024, 2025-04-01 → 2025."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_end(fiscal_year: int) -> dt.date:
    """31 March that closes the fiscal year."""
    return dt.date(fiscal_year + 1, 3, 31)
