"""Options shared by several commands, declared once."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core.fiscal import fy_label, parse_fiscal_year
from ..io.xlsx.limits import DEFAULT_LIMITS, MIB, ReadLimits

__all__ = [
    "FiscalYear",
    "jobs_option",
    "json_option",
    "lang_option",
    "limit_options",
    "pdf_options",
    "rules_option",
]

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


# (option, ReadLimits field, unit the option counts in, help): one table, one decorator.
_LIMITS: tuple[tuple[str, str, int, str], ...] = (
    ("--max-file-mb", "max_file_bytes", MIB, "1ファイルの大きさの上限（MB）。"),
    ("--max-uncompressed-mb", "max_uncompressed_bytes", MIB, "zipを展開した後の大きさの上限（MB）。"),
    ("--max-ratio", "max_compression_ratio", 1, "1つの部品の圧縮率の上限（倍）。超えるとzip爆弾とみなします。"),
    ("--max-rows", "max_rows", 1, "1シートで値を置ける最後の行番号。"),
    ("--max-filled-cells", "max_filled_cells", 1, "値の入ったセルの数の上限（ブック全体）。"),
    ("--max-cell-chars", "max_cell_chars", 1, "この文字数を超えるセルに警告します（内容は読みます）。"),
)


def limit_options(function: F) -> F:
    """--max-file-mb ... --max-cell-chars: what one input may cost, passed on as `limits`."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {}
        for option, field, unit, _ in _LIMITS:
            value = kwargs.pop(_param(option))
            as_float = isinstance(getattr(DEFAULT_LIMITS, field), float)
            values[field] = value * unit if as_float else max(1, int(value * unit))
        kwargs["limits"] = ReadLimits(**values)
        return function(*args, **kwargs)

    for option, field, unit, text in reversed(_LIMITS):
        default = getattr(DEFAULT_LIMITS, field)
        if unit == 1 and isinstance(default, int):
            kind: click.ParamType = click.IntRange(min=1)
        else:
            kind, default = click.FloatRange(min=0, min_open=True), default / unit
        wrapper = click.option(option, _param(option), type=kind, default=default, show_default=True, help=text)(
            wrapper
        )
    return wrapper  # type: ignore[return-value]


def _param(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def rules_option(function: F) -> F:
    """--rules FILE: the rules file (grade rules and [lint] thresholds), passed as `rules_path`."""
    return click.option(
        "--rules",
        "rules_path",
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        default=None,
        help="評価基準ファイル（TOML: 評価の基準と [lint] の点検基準）。省略時は秋田市の基準。",
    )(function)


def jobs_option(function: F) -> F:
    """--jobs N: processes reading the workbooks, passed as `jobs` (None: one per CPU from 40 files)."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="読み込みに使うプロセス数。省略時は40件以上でCPUの数（最大8）、それ未満は1。1で並列読み込みをしません。",
    )(function)


def pdf_options(function: F) -> F:
    """--pdf-engine auto|libreoffice|excel|none and --no-pdf, decided now and passed as `pdf` (a PdfChoice).

    The engine is looked for when the command line is read, before any work: a missing one is
    a note at the end, and the PDF is skipped; it never fails the command.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from ..report.pdf_engine import choose_pdf_engine

        no_pdf, engine = kwargs.pop("no_pdf"), kwargs.pop("pdf_engine")
        kwargs["pdf"] = choose_pdf_engine("none" if no_pdf else engine)
        return function(*args, **kwargs)

    wrapper = click.option("--no-pdf", is_flag=True, help="施策カードのPDFを作りません（--pdf-engine none と同じ）。")(
        wrapper
    )
    wrapper = click.option(
        "--pdf-engine",
        type=click.Choice(["auto", "libreoffice", "excel", "none"]),
        default="auto",
        show_default=True,
        help="施策カードのPDFを作るソフト。auto: LibreOffice（PATHか既定のインストール先）、なければ Windows の Excel"
        "（xlwings）。見つからなければPDFだけを作らずに続けます。",
    )(wrapper)
    return wrapper  # type: ignore[return-value]
