"""`xlplan check`: list every problem of returned section workbooks, by cell."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..app.check import check_paths
from ..io.xlsx.limits import ReadLimits
from .options import FiscalYear, jobs_option, json_option, lang_option, limit_options
from .render import print_reports, reports_json


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@json_option
@lang_option
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help="評価する年度（省略時は各ブックに記録された年度）。例: 2024、R6、令和6年度",
)
@click.option("--skip", "skip_codes", multiple=True, metavar="CODE", help="このコードの指摘を表示しません（複数可）。")
@click.option("-v", "--verbose", is_flag=True, help="情報（読み替えた値など）も表示します。")
@limit_options
@jobs_option
@click.pass_context
def check(
    ctx: click.Context,
    paths: tuple[Path, ...],
    as_json: bool,
    lang: str,
    fiscal_year: int | None,
    skip_codes: tuple[str, ...],
    verbose: bool,
    limits: ReadLimits,
    jobs: int | None,
) -> None:
    """Check section workbooks (files or folders); list every problem by cell.

    Exit 0 when no file has an error, 1 when any has, 2 for a wrong command line.
    """
    checked = check_paths(paths, fiscal_year=fiscal_year, limits=limits, jobs=jobs)
    reports = [c.report for c in checked]
    if skip_codes:
        for report in reports:
            report.findings = [f for f in report.findings if str(f.code) not in skip_codes]
    if as_json:
        click.echo(reports_json(reports, lang=lang))
    else:
        print_reports(reports, Console(), lang=lang, show_info=verbose)
    ctx.exit(0 if all(r.ok for r in reports) else 1)
