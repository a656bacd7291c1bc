"""`xlplan template`: write a blank (or pre-filled) section workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ..app.prefill import prefill_all_from_master, prefill_from_master
from ..app.result import CommandResult, Output
from ..errors import UsageError
from ..io.input_guard import refuse_overwriting_inputs
from ..io.section_writer import TemplateOptions, write_section_workbook
from .i18n import tr, words
from .options import FiscalYear, describe_year, output_options
from .output import emit

DEFAULT_FISCAL_YEAR = 2024


@click.command(
    help=tr(
        "課所室が記入する様式（マクロなしの .xlsx）を書き出します。--from MASTER --section 課所室 で、"
        "マスターにあるその課所室の内容を記入済みにします。"
        "--from MASTER --all ではすべての課所室の様式を -o のフォルダに書き出します。",
        "Write a section workbook (plain .xlsx, no macros) for a section to fill in. With --from MASTER --section S, "
        "pre-filled with what the master says about S; with --from MASTER --all, every section's workbook goes "
        "into the folder -o.",
    )
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help=tr("書き出す .xlsx ファイル（--all では書き出すフォルダ）。", "The .xlsx to write (with --all, the folder)."),
)
@click.option(
    "--section",
    default="",
    help=tr("課所室名（例: 企画財政部情報統計課）。", "The section's name (e.g. 企画財政部情報統計課)."),
)
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=tr(
        f"報告する年度。例: 2024、R6、令和6年度（省略時は --from のマスターの年度、なければ {DEFAULT_FISCAL_YEAR}）",
        "The fiscal year reported. E.g. 2024, R6, 令和6年度 "
        f"(default: the --from master's, else {DEFAULT_FISCAL_YEAR})",
    ),
)
@click.option("--plan-version", default="", help=tr("計画の版（例: 2.1）。", "The plan's version (e.g. 2.1)."))
@click.option(
    "--from",
    "master",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "このマスター（xlplan consolidate の出力）から --section の課所室（--all ではすべての課所室）の内容を"
        "記入済みにします。",
        "Pre-fill from this master (xlplan consolidate's output) for the --section (with --all, every section).",
    ),
)
@click.option(
    "--all",
    "all_sections",
    is_flag=True,
    help=tr(
        "--from のマスターにあるすべての課所室の様式を、-o のフォルダ（新しいフォルダか空のフォルダ）に書き出します。",
        "Write the workbook of every section of the --from master into the folder -o (new or empty).",
    ),
)
@output_options
def template(
    output: Path,
    section: str,
    fiscal_year: int | None,
    plan_version: str,
    master: Path | None,
    all_sections: bool,
    fmt: str,
    lang: str,
) -> int:
    """Write a section workbook (plain .xlsx, no macros) for a section to fill in.

    With --from MASTER --section S, the workbook is pre-filled with everything the master
    says about section S (its measures, the ones it co-owns, its budget projects); with
    --from MASTER --all, every section's workbook goes into the folder -o.
    """
    if all_sections:
        if master is None or section:
            raise UsageError(
                '--all は --from と使い、--section は付けません（例: xlplan template --from "計画_第2.1版.xlsx" '
                '--all -o "様式"）。',
                english="--all goes with --from and without --section "
                "(e.g. xlplan template --from plan.xlsx --all -o forms).",
            )
        refuse_overwriting_inputs([master], folders=[output])
        files = prefill_all_from_master(master, output, fiscal_year=fiscal_year, plan_version=plan_version or None)
        return _written(
            [Output("section-workbook", str(f)) for f in files],
            words(
                f"様式を {len(files)} 件書き出しました: {output}（{master.name} から記入済み）",
                f"{len(files)} workbooks written: {output} (pre-filled from {master.name})",
            ),
            fmt,
            lang,
        )
    if output.is_dir():
        raise UsageError(
            f"-o {output} はフォルダです。書き出す .xlsx ファイルを指定してください（すべての課所室なら --all）。",
            english=f"-o {output} is a folder. Give the .xlsx file to write (for every section, --all).",
        )
    if master is not None:
        if not section:
            raise UsageError(
                "--from には --section で課所室名を指定するか、すべての課所室なら --all を付けてください"
                '（例: --section "企画財政部情報統計課"）。',
                english="--from needs the section's name with --section, or --all for every section.",
            )
        refuse_overwriting_inputs([master], files=[output])
        prefill_from_master(master, section, output, fiscal_year=fiscal_year, plan_version=plan_version or None)
        return _written(
            [Output("section-workbook", str(output))],
            words(
                f"様式を書き出しました: {output}（{section}、{master.name} から記入済み）",
                f"Workbook written: {output} ({section}, pre-filled from {master.name})",
            ),
            fmt,
            lang,
        )
    year = fiscal_year or DEFAULT_FISCAL_YEAR
    options = TemplateOptions(fiscal_year=year, section=section, plan_version=plan_version)
    write_section_workbook(output, options)
    return _written(
        [Output("section-workbook", str(output))],
        words("様式を書き出しました: ", "Workbook written: ")
        + f"{output}（{describe_year(year)}"
        + (f"、{section}" if section else "")
        + "）",
        fmt,
        lang,
    )


def _written(outputs: list[Output], line: str, fmt: str, lang: str) -> int:
    """Say what was written: a line for people, or the envelope with the files under `outputs`."""
    return emit(CommandResult("template", outputs=outputs), fmt=fmt, lang=lang, human=lambda _: click.echo(line))
