"""`xlplan consolidate`: merge returned section workbooks into the master plan (第2.x版)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import TracebackType

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..app.consolidate import ConsolidationResult, consolidate
from ..core.fiscal import fy_label
from ..errors import shown_text
from .options import FiscalYear, jobs_option, json_option, rules_option

__all__ = ["consolidate_command"]

LONG_RUN = 200  # files: above this a progress bar is drawn even when stderr is not a terminal


class _Bar:
    """A rich progress bar on stderr, started only for a terminal or a long run."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def phase(self, label: str, total: int | None = None) -> None:
        if self.progress is None:
            if not (self.console.is_terminal or (total or 0) >= LONG_RUN):
                return
            self.progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=self.console,
                transient=self.console.is_terminal,
            )
            self.progress.start()
        if self.task is not None:
            self.progress.update(self.task, completed=self.progress.tasks[self.task].total or 1, total=None)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, steps: int = 1) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.advance(self.task, steps)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        if self.progress is not None:
            if self.task is not None:
                self.progress.update(self.task, total=1, completed=1)
            self.progress.stop()


@click.command("consolidate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="書き出すマスター（.xlsx）。一時ファイルに書いてから置き換えます。",
)
@click.option("--plan-version", default=None, help="マスターの版（例: 2.1 → 第2.1版）。省略時は様式に記録された版。")
@click.option("--fiscal-year", type=FiscalYear(), default=None, help="評価する年度（省略時は提出ブックの年度）。例: R6")
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="提出を求める課所室の名簿（1行1課所室のテキスト・CSV、またはA列に並べた .xlsx）。未提出を一覧にします。",
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="前回のマスター。施策の並びを引き継ぎ、どの課所室も提出しなかった施策を一覧にします。",
)
@rules_option
@click.option("--no-cards", is_flag=True, help="施策カード（印刷用）を作りません（大量の施策で時間を節約）。")
@jobs_option
@json_option
@click.pass_context
def consolidate_command(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    plan_version: str | None,
    fiscal_year: int | None,
    roster: Path | None,
    previous: Path | None,
    rules_path: Path | None,
    no_cards: bool,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Merge section workbooks (files or folders) into the master plan.

    Exit 0 when no input has an error and nothing conflicts, 1 otherwise (the master is
    written either way; 検証結果 lists every finding), 2 for a wrong command line.
    """
    with _Bar(Console(stderr=True)) as bar:
        result = consolidate(
            paths,
            output,
            plan_version=plan_version,
            fiscal_year=fiscal_year,
            roster=roster,
            previous=previous,
            rules=rules_path,
            cards=not no_cards,
            jobs=jobs,
            progress=bar,
        )
    if as_json:
        click.echo(json.dumps(result.summary(), ensure_ascii=False, indent=2))
    else:
        # Piped or captured output is not cut at 80 columns: file names and cells stay on one line.
        print_summary(result, Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200))
    ctx.exit(0 if result.ok else 1)


def print_summary(result: ConsolidationResult, console: Console) -> None:
    """What a person reads after consolidating: counts, conflicts, who is missing, where the master is."""
    summary = result.summary()
    plan = result.plan
    inputs = summary["inputs"]
    console.print(f"[bold]{escape(plan.name)} 第{escape(plan.version)}版[/bold]（{fy_label(plan.evaluated_fy)}）")
    console.print(
        f"提出ファイル {inputs['files']} 件（統合 {inputs['merged']}・読み飛ばし {inputs['skipped']}・"
        f"エラーあり {inputs['with_errors']}）、施策 {summary['measures']}、予算事業 {summary['projects']}"
    )
    console.print(f"エラー {summary['errors']} 件・警告 {summary['warnings']} 件（一覧はマスターの「検証結果」シート）")
    if result.conflicts:
        table = Table(title=f"競合 {len(result.conflicts)} 件（同じ施策・事業で値が異なる）", show_header=True)
        for title in ("場所", "列", "値", "もう一方", "その値"):
            table.add_column(title, overflow="fold")
        for row in summary["conflicts"][:30]:
            other_file, _, other_cell = row["other"].partition("!")
            table.add_row(
                *(
                    escape(shown_text(text))
                    for text in (
                        f"{Path(row['file']).name}!{row['sheet']}!{row['cell']}",
                        row["column"],
                        row["value"],
                        f"{Path(other_file).name}!{other_cell}",
                        row["other_value"],
                    )
                )
            )
        console.print(table)
    if result.missing_sections:
        console.print(f"未提出の課所室 {len(result.missing_sections)}: " + escape("、".join(result.missing_sections)))
    if result.not_returned:
        gone = escape("、".join(result.not_returned))
        console.print(f"前回マスターにあり今回提出のない施策 {len(result.not_returned)}: {gone}")
    console.print(f"マスターを書き出しました: {escape(shown_text(str(result.output)))}")
