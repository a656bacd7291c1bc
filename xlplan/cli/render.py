"""Render findings for people (rich tables on the terminal) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ..core.enums import Severity
from ..core.findings import FileReport, sorted_findings

__all__ = ["print_reports", "reports_json"]

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
_SEVERITY_LABEL = {
    "ja": {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}


def reports_json(reports: Sequence[FileReport], *, lang: str = "ja") -> str:
    """The JSON document of `xlplan check --json` (file names that are not UTF-8 show �)."""
    return shown_path(json.dumps({"files": [r.to_dict(lang) for r in reports]}, ensure_ascii=False, indent=2))


def print_reports(
    reports: Sequence[FileReport], console: Console, *, lang: str = "ja", show_info: bool = False
) -> None:
    """One table per file with findings, then a summary line.

    Everything that comes from a file (paths, values, messages quoting them) is escaped: a cell
    holding ``[/]`` is shown as typed, never read as terminal markup.
    """
    labels = _SEVERITY_LABEL[lang]
    for report in reports:
        shown = [f for f in sorted_findings(report.findings) if show_info or f.severity is not Severity.INFO]
        errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        status = "OK" if report.ok else ("NG" if lang == "en" else "要修正")
        if report.skipped:
            status = "skipped" if lang == "en" else "読み飛ばし"
        console.print(
            f"[bold]{escape(shown_path(report.path))}[/bold]  {status}  "
            f"({labels[Severity.ERROR]} {errors} / {labels[Severity.WARNING]} {warnings} / "
            f"{labels[Severity.INFO]} {infos})"
        )
        if not shown:
            continue
        table = Table(show_header=True, header_style="bold", expand=False)
        titles = ("場所", "区分", "コード", "内容") if lang == "ja" else ("cell", "severity", "code", "message")
        for title in titles:
            table.add_column(title, overflow="fold", no_wrap=title in ("場所", "cell"))
        for f in shown:
            table.add_row(
                escape(f.address) or ("（ファイル全体）" if lang == "ja" else "(file)"),
                f"[{_SEVERITY_STYLE[f.severity]}]{labels[f.severity]}[/]",
                str(f.code),
                escape(shown_path(f.message(lang))),
            )
        console.print(table)
    failed = sum(1 for r in reports if not r.ok)
    if lang == "en":
        console.print(f"{len(reports)} file(s) checked, {failed} with errors.")
    else:
        console.print(f"{len(reports)} 件のファイルを確認し、{failed} 件にエラーがあります。")


def shown_path(text: str) -> str:
    """Text safe to print: a file name that is not UTF-8 (surrogate escapes) shows � instead."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
