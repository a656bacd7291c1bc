"""Print a `CommandResult` as the user asked: tables (default), the JSON envelope, or a findings CSV.

Every command ends with `emit`, which returns the exit code `main` exits with.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ..app.result import CommandResult, envelope
from ..core.enums import Severity
from ..core.findings import code_info, sorted_findings
from ..errors import shown_text
from ..io.csv_export import Table as CsvTable
from ..io.csv_export import write_csv_rows
from .i18n import words
from .render import SEVERITY_LABEL

__all__ = ["emit", "print_by_code", "print_csv", "print_json"]

Human = Callable[[Console], None]


def print_json(document: dict[str, Any]) -> None:
    """One JSON document on stdout (file names that are not UTF-8 show �), printed as it is
    encoded: `json.dumps` with an indent joins a list of every token, about 90 MB for the
    findings of 10,000 files."""
    pending: list[str] = []
    size = 0
    for chunk in json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(document):
        pending.append(chunk)
        size += len(chunk)
        if size >= _JSON_PIECE:
            click.echo(shown_text("".join(pending)), nl=False)
            pending.clear()
            size = 0
    click.echo(shown_text("".join(pending)))


_JSON_PIECE = 1 << 16  # characters printed at a time


def emit(result: CommandResult, *, fmt: str, lang: str, human: Human | None = None) -> int:
    """Print `result` in `fmt` (table, json or csv) and return its exit code.

    :param human: draws the tables for people; without it the findings table is drawn.
    """
    if fmt == "json":
        print_json(envelope(result, lang=lang))
    elif fmt == "csv":
        _print_csv(result, lang)
    else:
        console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 200)
        (human or (lambda c: None))(console)
    return result.exit_code


def _print_csv(result: CommandResult, lang: str) -> None:
    """Every finding, one row each, as CSV in UTF-8 with a BOM (Excel opens it as Japanese)."""
    headers = (
        ("file", "sheet", "cell", "column", "value", "severity", "code", "message")
        if lang == "en"
        else ("ファイル", "シート", "セル", "列", "値", "区分", "コード", "内容")
    )
    labels = SEVERITY_LABEL[lang]
    print_csv(
        headers,
        [
            (
                shown_text(file.path),
                f.sheet,
                f.cell,
                f.column,
                f.value,
                labels[f.severity],
                str(f.code),
                shown_text(f.message(lang)),
            )
            for file in result.files
            for f in sorted_findings(file.findings)
        ],
    )


def print_csv(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table as CSV on stdout: UTF-8 with a BOM, CRLF, cells a spreadsheet would run made text."""
    text = io.StringIO()
    write_csv_rows(text, CsvTable("stdout.csv", "", tuple(headers), [tuple(row) for row in rows]))
    stream = click.get_binary_stream("stdout")
    stream.write(text.getvalue().encode("utf-8-sig"))
    stream.flush()


def print_by_code(result: CommandResult, console: Console, lang: str) -> None:
    """The summary by code after the per-file tables: code, severity, count, files, what it means."""
    counts = result.by_code()
    if not counts:
        return
    files: dict[str, set[str]] = {}
    for file in result.files:
        for finding in file.findings:
            files.setdefault(str(finding.code), set()).add(file.path)
    labels = SEVERITY_LABEL[lang]
    table = Table(
        title=words("コード別の件数", "Findings by code"), show_header=True, header_style="bold", expand=False
    )
    for title in words("コード|区分|件数|ファイル|内容", "code|severity|count|files|meaning").split("|"):
        table.add_column(title, overflow="fold", justify="right" if title in ("件数", "count") else "left")
    order = sorted(counts, key=lambda c: (_RANK[code_info(c).severity], -counts[c], c))
    for code in order:
        meaning = code_info(code).meaning(lang)
        table.add_row(
            str(code), labels[code_info(code).severity], str(counts[code]), str(len(files[str(code)])), meaning
        )
    console.print(table)


_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
