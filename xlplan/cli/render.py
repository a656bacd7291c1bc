"""Render findings for people (rich tables on the terminal) and for programs (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from rich.console import Console
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
    """The JSON document of `xlplan check --json`."""
    return json.dumps({"files": [r.to_dict(lang) for r in reports]}, ensure_ascii=False, indent=2)


def print_reports(
    reports: Sequence[FileReport], console: Console, *, lang: str = "ja", show_info: bool = False
) -> None:
    """One table per file with findings, then a summary line."""
    labels = _SEVERITY_LABEL[lang]
    for report in reports:
        shown = [f for f in sorted_findings(report.findings) if show_info or f.severity is not Severity.INFO]
        errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        status = "OK" if report.ok else ("NG" if lang == "en" else "要修正")
        if report.skipped:
            status = "skipped" if lang == "en" else "読み飛ばし"
        console.print(
            f"[bold]{report.path}[/bold]  {status}  "
            f"({labels[Severity.ERROR]} {errors} / {labels[Severity.WARNING]} {warnings} / "
            f"{labels[Severity.INFO]} {infos})"
        )
        if not shown:
            continue
        table = Table(show_header=True, header_style="bold", expand=False)
        for title in (
            ("場所", "列", "値", "区分", "コード", "内容")
            if lang == "ja"
            else ("cell", "column", "value", "severity", "code", "message")
        ):
            table.add_column(title, overflow="fold")
        for f in shown:
            table.add_row(
                f.address or "（ファイル）",
                f.column,
                f.value[:30],
                f"[{_SEVERITY_STYLE[f.severity]}]{labels[f.severity]}[/]",
                str(f.code),
                f.message(lang),
            )
        console.print(table)
    failed = sum(1 for r in reports if not r.ok)
    if lang == "en":
        console.print(f"{len(reports)} file(s) checked, {failed} with errors.")
    else:
        console.print(f"{len(reports)} 件のファイルを確認し、{failed} 件にエラーがあります。")
