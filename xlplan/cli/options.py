"""Options shared by several commands, declared once."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..core.findings import Code, parse_codes
from ..core.fiscal import fy_label, parse_fiscal_year
from ..errors import UnknownCodeError
from ..io.xlsx.limits import DEFAULT_LIMITS, MIB, ReadLimits
from .i18n import ENV, LANGS, tr, words

__all__ = [
    "FiscalYear",
    "jobs_option",
    "lang_option",
    "limit_options",
    "master_year_option",
    "output_options",
    "pdf_options",
    "rules_option",
    "skip_option",
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
            self.fail(
                words(
                    f"年度として読めません: {value!r}（例: 2024、R6、令和6年度）",
                    f"not a fiscal year: {value!r} (e.g. 2024, R6, 令和6年度)",
                ),
                param,
                ctx,
            )
        return year


def master_year_option(function: F) -> F:
    """--fiscal-year for the commands that read a master: the evaluated year, by default the master's."""
    return click.option(
        "--fiscal-year",
        type=FiscalYear(),
        default=None,
        help=tr("評価する年度（省略時はマスターの年度）。", "The evaluated fiscal year (default: the master's)."),
    )(function)


def lang_option(function: F) -> F:
    """--lang ja|en (or XLPLAN_LANG): the language of messages, help and usage errors, passed as `lang`."""
    return click.option(
        "--lang",
        type=click.Choice(LANGS, case_sensitive=False),
        default="ja",
        envvar=ENV,
        show_default=True,
        help=tr(
            "メッセージ・ヘルプ・使い方の誤りの言語（環境変数 XLPLAN_LANG でも指定できます）。",
            "Language of messages, help and usage errors (or set XLPLAN_LANG).",
        ),
    )(function)


def output_options(function: F) -> F:
    """--format table|json|csv, --json (= --format json) and --lang, passed as `fmt` and `lang`."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json, fmt = kwargs.pop("as_json"), kwargs.pop("fmt")
        kwargs["fmt"] = "json" if as_json else fmt
        return function(*args, **kwargs)

    wrapper = click.option(
        "--json",
        "as_json",
        is_flag=True,
        help=tr(
            "結果をJSONで出力します（--format json と同じ。形は xlplan/schemas/result.schema.json）。",
            "Print the result as JSON (same as --format json; shape: xlplan/schemas/result.schema.json).",
        ),
    )(wrapper)
    wrapper = click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
        help=tr(
            "出力の形式。csv: 指摘を1行1件のCSV（UTF-8 BOM付き、Excelで開けます）で標準出力へ。",
            "Output format. csv: the findings, one per row, as CSV (UTF-8 with BOM, opens in Excel) on stdout.",
        ),
    )(wrapper)
    return lang_option(wrapper)  # type: ignore[return-value]


def describe_year(year: int) -> str:
    """令和6年度（2024）."""
    return f"{fy_label(year)}（{year}）"


# (option, ReadLimits field, unit the option counts in, help): one table, one decorator.
_LIMITS: tuple[tuple[str, str, int, str], ...] = (
    ("--max-file-mb", "max_file_bytes", MIB, tr("1ファイルの大きさの上限（MB）。", "Largest file read (MB).")),
    (
        "--max-uncompressed-mb",
        "max_uncompressed_bytes",
        MIB,
        tr("zipを展開した後の大きさの上限（MB）。", "Largest size once unzipped (MB)."),
    ),
    (
        "--max-ratio",
        "max_compression_ratio",
        1,
        tr(
            "1つの部品の圧縮率の上限（倍）。超えるとzip爆弾とみなします。",
            "Highest compression ratio of one part; above it the file is taken for a zip bomb.",
        ),
    ),
    ("--max-rows", "max_rows", 1, tr("1シートで値を置ける最後の行番号。", "Last row a sheet may hold a value in.")),
    (
        "--max-filled-cells",
        "max_filled_cells",
        1,
        tr("値の入ったセルの数の上限（ブック全体）。", "Most filled cells in a workbook."),
    ),
    (
        "--max-cell-chars",
        "max_cell_chars",
        1,
        tr(
            "この文字数を超えるセルに警告します（内容は読みます）。",
            "Warn on a cell longer than this (its text is still read).",
        ),
    ),
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
        help=tr(
            "評価基準ファイル（TOML: 評価の基準と [lint] の点検基準）。省略時は秋田市の基準。",
            "Rules file (TOML: grade rules and [lint] thresholds). Default: Akita's.",
        ),
    )(function)


def jobs_option(function: F) -> F:
    """--jobs N: processes reading the workbooks, passed as `jobs` (None: one per CPU from 40 files)."""
    return click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help=tr(
            "読み込みに使うプロセス数。省略時は40件以上でCPUの数（最大8）、それ未満は1。1で並列読み込みをしません。",
            "Processes reading the workbooks. Default: one per CPU (up to 8) from 40 files, else 1 (no parallel "
            "reading).",
        ),
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

    wrapper = click.option(
        "--no-pdf",
        is_flag=True,
        help=tr(
            "施策カードのPDFを作りません（--pdf-engine none と同じ）。",
            "Do not print the measure cards to PDF (same as --pdf-engine none).",
        ),
    )(wrapper)
    wrapper = click.option(
        "--pdf-engine",
        type=click.Choice(["auto", "libreoffice", "excel", "none"]),
        default="auto",
        show_default=True,
        help=tr(
            "施策カードのPDFを作るソフト。auto: LibreOffice（PATHか既定のインストール先）、なければ Windows の Excel"
            "（xlwings）。見つからなければPDFだけを作らずに続けます。",
            "What prints the measure cards to PDF. auto: LibreOffice (on PATH or where it installs by default), else "
            "Excel on Windows (xlwings). Without either, everything but the PDF is written.",
        ),
    )(wrapper)
    return wrapper  # type: ignore[return-value]


def skip_option(known: Callable[[], Iterable[Code]] | None = None) -> Callable[[F], F]:
    """--skip CODE (repeatable), checked against the catalog and passed as `skip` (a set of Code).

    :param known: the codes this command may skip (default: every code of `xlplan codes`).
    """

    def check(ctx: click.Context, _: click.Parameter, values: tuple[str, ...]) -> set[Code]:
        codes, unknown = parse_codes(values)
        allowed = set(known()) if known else set(Code)
        unknown += sorted(str(c) for c in codes - allowed)
        if unknown:
            listed = "、".join(unknown)
            raise UnknownCodeError(
                f"--skip のコード {listed} はこのコマンドの指摘にありません。xlplan codes で一覧を確認してください。",
                english=f"--skip: {', '.join(unknown)} is not a code of this command. See `xlplan codes` for the list.",
            )
        return codes

    return click.option(
        "--skip",
        "skip",
        multiple=True,
        metavar="CODE",
        callback=check,
        help=tr(
            "このコードの指摘を除きます（複数可。コードは xlplan codes で一覧）。",
            "Leave out findings of this code (repeatable; list them with xlplan codes).",
        ),
    )
