"""`xlplan template`: write a blank (or pre-filled) section workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ..io.section_writer import TemplateOptions, write_section_workbook
from .options import FiscalYear, describe_year


@click.command()
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="書き出す .xlsx ファイル。"
)
@click.option("--section", default="", help="課所室名（例: 企画財政部情報統計課）。")
@click.option(
    "--fiscal-year", type=FiscalYear(), default=2024, show_default=True, help="報告する年度。例: 2024、R6、令和6年度"
)
@click.option("--plan-version", default="", help="計画の版（例: 2.1）。")
def template(output: Path, section: str, fiscal_year: int, plan_version: str) -> None:
    """Write a section workbook (plain .xlsx, no macros) for a section to fill in."""
    options = TemplateOptions(fiscal_year=fiscal_year, section=section, plan_version=plan_version)
    write_section_workbook(output, options)
    click.echo(
        f"様式を書き出しました: {output}（{describe_year(fiscal_year)}" + (f"、{section}" if section else "") + "）"
    )
