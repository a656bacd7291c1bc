"""`xlplan report`: the council pack (HTML report, card PDF, open-data CSV) from a master plan."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..app.report import report_master
from ..app.result import note_text
from ..core.enums import Severity
from ..report.pdf_engine import PdfChoice
from .i18n import current, tr, words
from .options import master_year_option, output_options, pdf_options, rules_option
from .output import emit

__all__ = ["report"]


@click.command(
    help=tr(
        "マスターから議会への報告資料（report.html、施策カードのPDF、オープンデータのCSV）を書き出します。"
        "LibreOffice も Excel もなければ cards.pdf だけを作らずに注意を表示します（終了コード0）。",
        "Write the council pack of a master plan: report.html, cards.pdf and open data (CSV). Without "
        "LibreOffice or Excel the pack is written without cards.pdf, with a note (exit 0).",
    )
)
@click.argument("master", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help=tr(
        "出力先フォルダ（report.html、cards.pdf、CSVを書き出します）。",
        "Output folder (report.html, cards.pdf, CSV files).",
    ),
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr("前年度のマスター（2年度にわたる点検に使います）。", "Last year's master (for the two-year checks)."),
)
@rules_option
@master_year_option
@pdf_options
@output_options
def report(
    master: Path,
    directory: Path,
    previous: Path | None,
    rules_path: Path | None,
    fiscal_year: int | None,
    pdf: PdfChoice,
    fmt: str,
    lang: str,
) -> int:
    """Write the council pack of a master plan: report.html, cards.pdf and open data (CSV)."""
    pack, lint = report_master(master, directory, previous=previous, rules=rules_path, fiscal_year=fiscal_year, pdf=pdf)
    result = pack.command_result(lint)

    def lines(console: Console) -> None:
        warnings, infos = result.count(Severity.WARNING), result.count(Severity.INFO)
        say = click.echo
        say(words("報告書: ", "Report: ") + str(pack.html))
        if pack.pdf:
            say(words("施策カード（PDF）: ", "Measure cards (PDF): ") + str(pack.pdf))
        for name, path in pack.csv.items():
            say(words(f"オープンデータ（{name}）: {path}", f"Open data ({name}): {path}"))
        say(
            words(
                f'監査観点の指摘: 警告 {warnings} 件、情報 {infos} 件（xlplan lint "{master}" で詳細を表示）',
                f'Audit findings: {warnings} warning(s), {infos} info(s) (details: xlplan lint "{master}")',
            )
        )
        for note in pack.notes:
            say(words("注意: ", "Note: ") + note_text(note, current()))

    return emit(result, fmt=fmt, lang=lang, human=lines)
