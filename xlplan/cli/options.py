"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from ..core.fiscal import fy_label, parse_fiscal_year

__all__ = ["FiscalYear", "json_option", "lang_option"]

F = TypeVar("F", bound=Callable[..., Any])


class FiscalYear(click.ParamType):
    """A fiscal year as people write it: 2024, R6, 令和6, 令和6年度."""

    name = "年度"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        year = parse_fiscal_year(value)
        if year is None:
            self.fail(f"年度として読めません: {value!r}（例: 2024、R6、令和6年度）", param, ctx)
        return year


def lang_option(function: F) -> F:
    """--lang ja|en: the language of messages."""
    return click.option(
        "--lang",
        type=click.Choice(["ja", "en"]),
        default="ja",
        show_default=True,
        help="メッセージの言語 / language of messages.",
    )(function)


def json_option(function: F) -> F:
    """--json: print machine-readable JSON on stdout instead of tables."""
    return click.option("--json", "as_json", is_flag=True, help="結果をJSONで出力します。")(function)


def describe_year(year: int) -> str:
    """令和6年度（2024）."""
    return f"{fy_label(year)}（{year}）"
