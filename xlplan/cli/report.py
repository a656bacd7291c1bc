"""`xlplan report`: the council pack (HTML report, card PDF, open-data CSV) from a master plan."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.report import report_master
from ..core.enums import Severity
from ..report.pdf_engine import PdfChoice
from .options import FiscalYear, pdf_options, rules_option

__all__ = ["report"]


@click.command()
@click.argument("master", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="出力先フォルダ（report.html、cards.pdf、CSVを書き出します）。",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="前年度のマスター（2年度にわたる点検に使います）。",
)
@rules_option
@click.option("--fiscal-year", type=FiscalYear(), default=None, help="評価する年度（省略時はマスターの年度）。")
@pdf_options
def report(
    master: Path,
    directory: Path,
    previous: Path | None,
    rules_path: Path | None,
    fiscal_year: int | None,
    pdf: PdfChoice,
) -> None:
    """Write the council pack of a master plan: report.html, cards.pdf and open data (CSV).

    Without LibreOffice or Excel the pack is written without cards.pdf, with a note (exit 0).
    """
    result, lint = report_master(
        master, directory, previous=previous, rules=rules_path, fiscal_year=fiscal_year, pdf=pdf
    )
    warnings = sum(1 for f in lint.findings if f.severity is Severity.WARNING)
    infos = sum(1 for f in lint.findings if f.severity is Severity.INFO)
    click.echo(f"報告書: {result.html}")
    if result.pdf:
        click.echo(f"施策カード（PDF）: {result.pdf}")
    for name, path in result.csv.items():
        click.echo(f"オープンデータ（{name}）: {path}")
    click.echo(f'監査観点の指摘: 警告 {warnings} 件、情報 {infos} 件（xlplan lint "{master}" で詳細を表示）')
    for note in result.notes:
        click.echo(f"注意: {note}")
