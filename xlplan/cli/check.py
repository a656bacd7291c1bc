"""`xlplan check`: list every problem of returned section workbooks, by cell."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..app.check import check_result
from ..core.findings import Code
from ..io.xlsx.limits import ReadLimits
from .i18n import tr
from .options import FiscalYear, jobs_option, limit_options, output_options, skip_option
from .output import emit, print_by_code
from .render import print_reports


@click.command(
    help=tr(
        "課所室から戻った様式（ファイルかフォルダ）を確かめ、問題をセルごとに一覧にします。"
        "一覧のあとにコード別の件数を表示します。",
        "Check returned section workbooks (files or folders); list every problem by cell, then a count by code.",
    )
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@output_options
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=tr(
        "評価する年度（省略時は各ブックに記録された年度）。例: 2024、R6、令和6年度",
        "The evaluated fiscal year (default: each workbook's own). E.g. 2024, R6, 令和6年度",
    ),
)
@skip_option()
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help=tr("情報（読み替えた値など）も表示します。", "Show infos too (values read as something else...)."),
)
@limit_options
@jobs_option
def check(
    paths: tuple[Path, ...],
    fmt: str,
    lang: str,
    fiscal_year: int | None,
    skip: set[Code],
    verbose: bool,
    limits: ReadLimits,
    jobs: int | None,
) -> int:
    """Check section workbooks (files or folders); list every problem by cell."""
    result = check_result(paths, fiscal_year=fiscal_year, skip=skip, limits=limits, jobs=jobs)

    def tables(console: Console) -> None:
        print_reports(result.files, console, lang=lang, show_info=verbose)
        print_by_code(result, console, lang)

    return emit(result, fmt=fmt, lang=lang, human=tables)
