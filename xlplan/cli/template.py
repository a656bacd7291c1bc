"""`xlplan template`: write a blank (or pre-filled) section workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.prefill import prefill_from_master
from ..errors import UsageError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.section_writer import TemplateOptions, write_section_workbook
from .options import FiscalYear, describe_year

DEFAULT_FISCAL_YEAR = 2024


@click.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="書き出す .xlsx ファイル。"
)
@click.option("--section", default="", help="課所室名（例: 企画財政部情報統計課）。")
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=f"報告する年度。例: 2024、R6、令和6年度（省略時は --from のマスターの年度、なければ {DEFAULT_FISCAL_YEAR}）",
)
@click.option("--plan-version", default="", help="計画の版（例: 2.1）。")
@click.option(
    "--from",
    "master",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="このマスター（xlplan consolidate の出力）から --section の課所室の内容を記入済みにします。",
)
def template(output: Path, section: str, fiscal_year: int | None, plan_version: str, master: Path | None) -> None:
    """Write a section workbook (plain .xlsx, no macros) for a section to fill in.

    With --from MASTER --section S, the workbook is pre-filled with everything the master
    says about section S (its measures, the ones it co-owns, its budget projects).
    """
    if master is not None:
        if not section:
            raise UsageError("--from には --section で課所室名を指定してください（例: --section 情報統計課の正式名）。")
        refuse_overwriting_inputs([master], files=[output])
        prefill_from_master(master, section, output, fiscal_year=fiscal_year, plan_version=plan_version or None)
        click.echo(f"様式を書き出しました: {output}（{section}、{master.name} から記入済み）")
        return
    year = fiscal_year or DEFAULT_FISCAL_YEAR
    options = TemplateOptions(fiscal_year=year, section=section, plan_version=plan_version)
    write_section_workbook(output, options)
    click.echo(f"様式を書き出しました: {output}（{describe_year(year)}" + (f"、{section}" if section else "") + "）")
