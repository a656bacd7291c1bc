"""`xlplan lint`: the auditor's checks on a master plan, each finding citing its audit opinion."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..app.lint import lint_master
from ..app.result import CommandResult
from ..core.audit.catalog import AUDIT_CATALOG
from ..core.findings import Code
from ..errors import UsageError
from .i18n import tr, words
from .options import master_year_option, output_options, rules_option, skip_option
from .output import emit, print_csv
from .render import SEVERITY_LABEL, print_reports

__all__ = ["lint"]


@click.command(
    help=tr(
        "マスターに監査の観点（監査意見5〜22）の点検を行います。終了コード1は警告以上の指摘があることを示します。",
        "Run the auditor's checks (audit opinions 5–22) on a master plan. Exit 1 means a warning or error was found.",
    )
)
@click.argument("master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "前年度のマスター。2年度続けての評価C・D、実績値の横ばい、段階の移行を確かめます。",
        "Last year's master: checks two years of C/D grades, flat actuals and stage moves.",
    ),
)
@rules_option
@master_year_option
@output_options
@skip_option(lambda: (check.code for check in AUDIT_CATALOG))
@click.option(
    "--catalog",
    is_flag=True,
    help=tr(
        "点検項目の一覧（コード・区分・監査意見・内容）を表示して終了します。",
        "List the checks (code, severity, audit opinion, what it looks for) and exit.",
    ),
)
def lint(
    master: Path | None,
    previous: Path | None,
    rules_path: Path | None,
    fiscal_year: int | None,
    fmt: str,
    lang: str,
    skip: set[Code],
    catalog: bool,
) -> int:
    """Run the auditor's checks (audit opinions 5–22) on a master plan."""
    if catalog:
        return _print_catalog(fmt, lang)
    if master is None:
        raise UsageError(
            "点検するマスター（xlplan consolidate の出力）を指定してください。例: xlplan lint master.xlsx",
            english="Give the master to check (the output of xlplan consolidate). E.g. xlplan lint master.xlsx",
        )
    result = lint_master(master, previous=previous, rules=rules_path, fiscal_year=fiscal_year, skip=skip)
    command = result.command_result()

    def tables(console: Console) -> None:
        print_reports(command.files, console, lang=lang, show_info=True)
        _print_counts(console, Counter(f.code for f in result.findings), lang)

    return emit(command, fmt=fmt, lang=lang, human=tables)


def _print_counts(console: Console, counts: Counter[Code], lang: str) -> None:
    if not counts:
        console.print(words("監査観点の指摘はありません。", "No audit finding."))
        return
    table = Table(
        title=words("監査観点ごとの件数", "Findings by audit check"),
        show_header=True,
        header_style="bold",
        expand=False,
    )
    for title in words("コード|観点|監査意見|件数", "code|check|audit opinion|count").split("|"):
        table.add_column(title, overflow="fold")
    for check in AUDIT_CATALOG:
        if counts.get(check.code):
            table.add_row(str(check.code), check.title_in(lang), check.opinions_in(lang), str(counts[check.code]))
    console.print(table)


def _print_catalog(fmt: str, lang: str) -> int:
    """One line per check (tab-separated, greppable), a CSV, or the envelope with the checks under `checks`."""
    rows = [
        {
            "code": str(check.code),
            "severity": str(check.severity),
            "opinions": list(check.opinions),
            "title": check.title,
            "title_en": check.title_en,
            "seed_lines": check.seed_lines,
            "threshold": check.threshold,
        }
        for check in AUDIT_CATALOG
    ]
    headers = words(
        "コード|区分|監査意見|観点|基準値（[lint]）", "code|severity|audit opinion|check|threshold ([lint])"
    )
    lines = [
        (str(c.code), SEVERITY_LABEL[lang][c.severity], c.opinions_in(lang), c.title_in(lang), c.threshold)
        for c in AUDIT_CATALOG
    ]
    if fmt == "csv":
        print_csv(headers.split("|"), lines)
        return 0

    def tab_separated(_: Console) -> None:
        click.echo(headers.replace("|", "\t"))
        for line in lines:
            click.echo("\t".join(line))

    return emit(CommandResult("lint", payload_key="checks", payload=rows), fmt=fmt, lang=lang, human=tab_separated)
