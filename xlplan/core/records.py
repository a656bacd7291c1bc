"""Typed getters for normalised rows: a value of the wrong type reads as missing (pure).

Rows come from the readers with each cell already normalised; a value that failed validation is
still there as typed, and has been reported at its cell, so here it simply reads as None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from .fiscal import YearMonth, parse_year_month

__all__ = ["Record", "amount", "member", "month", "names", "number", "text", "whole_number"]

E = TypeVar("E", bound=StrEnum)
Record = Mapping[str, object]
_NAME_SEPARATORS = re.compile(r"[、,，\n]+")


def text(record: Record, key: str) -> str:
    """The text in a field, or "" when it holds no text."""
    value = record.get(key)
    return value if isinstance(value, str) else ""


def number(record: Record, key: str) -> float | None:
    """The number in a field (int or float, never bool), or None."""
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def whole_number(record: Record, key: str) -> int | None:
    """The whole number in a field, or None."""
    value = number(record, key)
    return int(value) if value is not None and value.is_integer() else None


def amount(record: Record, key: str) -> int | None:
    """An amount in thousand yen: a non-negative number rounded to an integer, or None."""
    value = number(record, key)
    return round(value) if value is not None and value >= 0 else None


def month(record: Record, key: str) -> YearMonth | None:
    """The month (\"2024-10\") in a field, or None."""
    value = record.get(key)
    return parse_year_month(value) if isinstance(value, str) else None


def member(enum: type[E], value: object) -> E | None:
    """The member of a vocabulary a value names, or None."""
    try:
        return enum(value)
    except ValueError:
        return None


def names(text: str) -> list[str]:
    """Names typed in one cell, separated by 、 , or new lines."""
    return [p.strip() for p in _NAME_SEPARATORS.split(text) if p.strip()]
