"""`xlplan consolidate`: merge returned section workbooks into the master plan (第2.x版)."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from ..app.consolidate import ConsolidationResult, consolidate
from ..core.enums import Severity
from ..core.fiscal import fy_label
from ..errors import shown_text
from .i18n import tr, words
from .options import FiscalYear, jobs_option, output_options, rules_option
from .output import emit, print_by_code
from .render import print_reports

__all__ = ["consolidate_command"]

LONG_RUN = 200  # files: above this a progress bar is drawn even when stderr is not a terminal


# the phases `consolidate` reports, in English
_PHASES = {"読み込み": "reading", "検証": "checking", "統合": "merging", "書き出し": "writing"}


class _Bar:
    """A rich progress bar on stderr, started only for a terminal or a long run."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def phase(self, label: str, total: int | None = None) -> None:
        label = words(label, _PHASES.get(label, label))
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


@click.command(
    "consolidate",
    help=tr(
        "課所室の様式（ファイルかフォルダ）を統合して計画のマスター（第2.x版）を書き出します。"
        "入力にエラーがあっても書き出し、指摘はマスターの「検証結果」シートと、ファイルごとの一覧・コード別の件数に示します。",
        "Merge section workbooks (files or folders) into the master plan (第2.x版). The master is written even "
        "when an input has errors; its 検証結果 sheet, the per-file tables and the count by code list the findings.",
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=tr(
        "書き出すマスター（.xlsx）。一時ファイルに書いてから置き換えます。",
        "The master to write (.xlsx), written to a temporary file first, then put in place.",
    ),
)
@click.option(
    "--plan-version",
    default=None,
    help=tr(
        "マスターの版（例: 2.1 → 第2.1版）。省略時は様式に記録された版。",
        "The master's version (2.1 → 第2.1版). Default: the one the workbooks record.",
    ),
)
@click.option(
    "--fiscal-year",
    type=FiscalYear(),
    default=None,
    help=tr(
        "評価する年度（省略時は提出ブックの年度）。例: R6",
        "The evaluated fiscal year (default: the workbooks'). E.g. R6",
    ),
)
@click.option(
    "--roster",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "提出を求める課所室の名簿（1行1課所室のテキスト・CSV、またはA列に並べた .xlsx）。未提出を一覧にします。",
        "Roster of the sections expected to reply (text or CSV, one a line, or .xlsx column A); lists who is missing.",
    ),
)
@click.option(
    "--previous",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help=tr(
        "前回のマスター。施策の並びを引き継ぎ、どの課所室も提出しなかった施策を一覧にします。",
        "The previous master: its order of measures is kept; measures no section returned are listed.",
    ),
)
@rules_option
@click.option(
    "--no-cards",
    is_flag=True,
    help=tr(
        "施策カード（印刷用）を作りません（大量の施策で時間を節約）。",
        "Do not write the printable measure cards (saves time with many measures).",
    ),
)
@jobs_option
@output_options
def consolidate_command(
    paths: tuple[Path, ...],
    output: Path,
    plan_version: str | None,
    fiscal_year: int | None,
    roster: Path | None,
    previous: Path | None,
    rules_path: Path | None,
    no_cards: bool,
    jobs: int | None,
    fmt: str,
    lang: str,
) -> int:
    """Merge section workbooks (files or folders) into the master plan."""
    with _Bar(Console(stderr=True)) as bar:
        consolidated = consolidate(
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
    result = consolidated.command_result()

    def tables(console: Console) -> None:
        with_findings = [f for f in result.files if f.findings]
        if with_findings:
            print_reports(with_findings, console, lang=lang)
        print_by_code(result, console, lang)
        print_summary(consolidated, console, lang)

    return emit(result, fmt=fmt, lang=lang, human=tables)


def print_summary(result: ConsolidationResult, console: Console, lang: str = "ja") -> None:
    """What a person reads after consolidating: counts, conflicts, who is missing, where the master is."""
    plan = result.plan
    skipped = len(result.inputs) - result.merged
    with_errors = sum(1 for i in result.inputs if not i.ok)
    warnings = sum(1 for f in result.findings if f.severity is Severity.WARNING)
    console.print(
        words(
            f"[bold]{escape(plan.name)} 第{escape(plan.version)}版[/bold]（{fy_label(plan.evaluated_fy)}）",
            f"[bold]{escape(plan.name)} version {escape(plan.version)}[/bold] "
            f"({fy_label(plan.evaluated_fy, lang='en')})",
        )
    )
    console.print(
        words(
            f"提出ファイル {len(result.inputs)} 件（統合 {result.merged}・読み飛ばし {skipped}・"
            f"エラーあり {with_errors}）、施策 {len(plan.measures)}、予算事業 {len(plan.projects)}",
            f"{len(result.inputs)} file(s) ({result.merged} merged, {skipped} skipped, {with_errors} with errors), "
            f"{len(plan.measures)} measures, {len(plan.projects)} budget projects",
        )
    )
    console.print(
        words(
            f"エラー {result.errors} 件・警告 {warnings} 件（一覧はマスターの「検証結果」シート）",
            f"{result.errors} error(s), {warnings} warning(s) (listed on the master's 検証結果 sheet)",
        )
    )
    if result.conflicts:
        table = Table(
            title=words(
                f"競合 {len(result.conflicts)} 件（同じ施策・事業で値が異なる）",
                f"{len(result.conflicts)} conflict(s) (one measure or project, different values)",
            ),
            show_header=True,
        )
        for title in words("場所|列|値|もう一方|その値", "cell|column|value|other|its value").split("|"):
            table.add_column(title, overflow="fold")
        for finding in result.conflicts[:30]:
            params = dict(finding.params)
            table.add_row(
                *(
                    escape(shown_text(text))
                    for text in (
                        f"{Path(finding.file).name}!{finding.address}",
                        finding.column,
                        finding.value,
                        params.get("other", ""),
                        params.get("other_value", ""),
                    )
                )
            )
        console.print(table)
    if result.missing_sections:
        console.print(
            words("未提出の課所室", "Sections that did not reply")
            + f" {len(result.missing_sections)}: "
            + escape("、".join(result.missing_sections))
        )
    if result.not_returned:
        gone = escape("、".join(result.not_returned))
        console.print(
            words("前回マスターにあり今回提出のない施策", "Measures of the previous master nobody returned")
            + f" {len(result.not_returned)}: {gone}"
        )
    console.print(words("マスターを書き出しました: ", "Master written: ") + escape(shown_text(str(result.output))))
