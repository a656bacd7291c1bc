"""`xlplan lint`: the auditor's checks on a master plan, each finding citing its audit opinion."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from ..app.lint import lint_master
from ..core.audit.catalog import AUDIT_CATALOG
from ..core.enums import Severity
from ..core.findings import Code
from ..errors import UsageError
from .options import FiscalYear, json_option, lang_option, rules_option
from .render import print_reports, reports_json

__all__ = ["lint"]

_SEVERITY = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}


@click.command()
@click.argument("master", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="前年度のマスター。2年度続けての評価C・D、実績値の横ばい、段階の移行を確かめます。",
)
@rules_option
@click.option("--fiscal-year", type=FiscalYear(), default=None, help="評価する年度（省略時はマスターの年度）。")
@json_option
@lang_option
@click.option("--skip", "skip_codes", multiple=True, metavar="CODE", help="このコードの点検を行いません（複数可）。")
@click.option("--catalog", is_flag=True, help="点検項目の一覧（コード・区分・監査意見・内容）を表示して終了します。")
@click.pass_context
def lint(
    ctx: click.Context,
    master: Path | None,
    previous: Path | None,
    rules_path: Path | None,
    fiscal_year: int | None,
    as_json: bool,
    lang: str,
    skip_codes: tuple[str, ...],
    catalog: bool,
) -> None:
    """Run the auditor's checks (audit opinions 5–22) on a master plan.

    Exit 0 when nothing needs a look, 1 when any warning or error was found, 2 for a wrong
    command line. --json prints the shape of `xlplan check --json`.
    """
    if catalog:
        _print_catalog(as_json=as_json)
        ctx.exit(0)
    if master is None:
        raise UsageError("点検するマスター（xlplan consolidate の出力）を指定してください。例: xlplan lint master.xlsx")
    known = {str(c.code) for c in AUDIT_CATALOG}
    unknown = sorted(set(skip_codes) - known)
    if unknown:
        raise UsageError(
            f"--skip のコード {'、'.join(unknown)} はありません。xlplan lint --catalog で一覧を確認してください。"
        )
    result = lint_master(master, previous=previous, rules=rules_path, fiscal_year=fiscal_year, skip=skip_codes)
    report = result.report
    if as_json:
        click.echo(reports_json([report], lang=lang))
    else:
        console = Console()
        print_reports([report], console, lang=lang, show_info=True)
        _print_counts(console, Counter(f.code for f in report.findings))
    needs_look = any(f.severity is not Severity.INFO for f in report.findings)
    ctx.exit(1 if needs_look else 0)


def _print_counts(console: Console, counts: Counter[Code]) -> None:
    if not counts:
        console.print("監査観点の指摘はありません。")
        return
    table = Table(title="監査観点ごとの件数", show_header=True, header_style="bold", expand=False)
    for title in ("コード", "観点", "監査意見", "件数"):
        table.add_column(title, overflow="fold")
    for check in AUDIT_CATALOG:
        if counts.get(check.code):
            table.add_row(str(check.code), check.title, check.opinion_label, str(counts[check.code]))
    console.print(table)


def _print_catalog(*, as_json: bool) -> None:
    """One line per check (tab-separated, greppable), or a JSON list."""
    rows = [
        {
            "code": str(check.code),
            "severity": str(check.severity),
            "opinions": list(check.opinions),
            "title": check.title,
            "seed_lines": check.seed_lines,
            "threshold": check.threshold,
        }
        for check in AUDIT_CATALOG
    ]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    click.echo("コード\t区分\t監査意見\t観点\t基準値（[lint]）")
    for check in AUDIT_CATALOG:
        fields = (str(check.code), _SEVERITY[check.severity], check.opinion_label, check.title, check.threshold)
        click.echo("\t".join(fields))
