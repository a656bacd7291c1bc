"""`xlplan template`: write a blank (or pre-filled) section workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.prefill import prefill_all_from_master, prefill_from_master
from ..errors import UsageError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.section_writer import TemplateOptions, write_section_workbook
from .options import FiscalYear, describe_year

DEFAULT_FISCAL_YEAR = 2024


@click.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="書き出す .xlsx ファイル（--all では書き出すフォルダ）。",
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
    help="このマスター（xlplan consolidate の出力）から --section の課所室（--all ではすべての課所室）の内容を"
    "記入済みにします。",
)
@click.option(
    "--all",
    "all_sections",
    is_flag=True,
    help="--from のマスターにあるすべての課所室の様式を、-o のフォルダ（新しいフォルダか空のフォルダ）に書き出します。",
)
def template(
    output: Path, section: str, fiscal_year: int | None, plan_version: str, master: Path | None, all_sections: bool
) -> None:
    """Write a section workbook (plain .xlsx, no macros) for a section to fill in.

    With --from MASTER --section S, the workbook is pre-filled with everything the master
    says about section S (its measures, the ones it co-owns, its budget projects); with
    --from MASTER --all, every section's workbook goes into the folder -o.
    """
    if all_sections:
        if master is None or section:
            raise UsageError(
                '--all は --from と使い、--section は付けません（例: xlplan template --from "計画_第2.1版.xlsx" '
                '--all -o "様式"）。'
            )
        refuse_overwriting_inputs([master], folders=[output])
        files = prefill_all_from_master(master, output, fiscal_year=fiscal_year, plan_version=plan_version or None)
        click.echo(f"様式を {len(files)} 件書き出しました: {output}（{master.name} から記入済み）")
        return
    if output.is_dir():
        raise UsageError(
            f"-o {output} はフォルダです。書き出す .xlsx ファイルを指定してください（すべての課所室なら --all）。"
        )
    if master is not None:
        if not section:
            raise UsageError(
                "--from には --section で課所室名を指定するか、すべての課所室なら --all を付けてください"
                '（例: --section "企画財政部情報統計課"）。'
            )
        refuse_overwriting_inputs([master], files=[output])
        prefill_from_master(master, section, output, fiscal_year=fiscal_year, plan_version=plan_version or None)
        click.echo(f"様式を書き出しました: {output}（{section}、{master.name} から記入済み）")
        return
    year = fiscal_year or DEFAULT_FISCAL_YEAR
    options = TemplateOptions(fiscal_year=year, section=section, plan_version=plan_version)
    write_section_workbook(output, options)
    click.echo(f"様式を書き出しました: {output}（{describe_year(year)}" + (f"、{section}" if section else "") + "）")
