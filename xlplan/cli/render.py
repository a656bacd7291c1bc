"""Render findings for people: a rich table per file (JSON and CSV: `output.py`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.style import Style
from rich.table import Table

from ..core.enums import Severity
from ..core.findings import FileReport, sorted_findings
from ..errors import shown_text

__all__ = ["SEVERITY_LABEL", "TABLE_ROWS", "print_reports"]

# Up to this many findings a file gets a table; beyond, one aligned line per finding: a rich
# table measures and wraps every cell of every row, seconds for thousands of findings.
TABLE_ROWS = 200
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 and C1 controls but tab and line feed

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "dim"}
SEVERITY_LABEL = {
    "ja": {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"},
    "en": {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"},
}

# said when a section could have seen findings in its workbook's 入力チェック sheet before sending
_SELF_CHECK_NOTE = {
    "ja": "  うち {count} 件は、ブックの「入力チェック」シートに出るエラーです（提出前に確認するよう伝えてください）。",
    "en": "  {count} of them show on the workbook's 入力チェック (self-check) sheet: ask the section to look at it.",
}


def print_reports(
    reports: Sequence[FileReport], console: Console, *, lang: str = "ja", show_info: bool = False
) -> None:
    """One table per file with findings, then a summary line.

    Everything that comes from a file (paths, values, messages quoting them) is escaped: a cell
    holding ``[/]`` is shown as typed, never read as terminal markup.
    """
    labels = SEVERITY_LABEL[lang]
    for report in reports:
        shown = [f for f in sorted_findings(report.findings) if show_info or f.severity is not Severity.INFO]
        errors, warnings, infos = (report.count(s) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO))
        status = "OK" if report.ok else ("NG" if lang == "en" else "要修正")
        if report.skipped:
            status = "skipped" if lang == "en" else "読み飛ばし"
        elif report.status in _STATUS[lang]:
            status = f"{_STATUS[lang][report.status]} {status}"
        console.print(
            f"[bold]{escape(shown_text(report.path))}[/bold]  {status}  "
            f"({labels[Severity.ERROR]} {errors} / {labels[Severity.WARNING]} {warnings} / "
            f"{labels[Severity.INFO]} {infos})"
        )
        if seen := sum(1 for f in report.findings if f.in_self_check and f.severity is not Severity.INFO):
            console.print(_SELF_CHECK_NOTE[lang].format(count=seen), soft_wrap=True)
        if not shown:
            continue
        titles = ("場所", "区分", "コード", "内容") if lang == "ja" else ("cell", "severity", "code", "message")
        whole_file = "（ファイル全体）" if lang == "ja" else "(file)"
        rows = [(f.address or whole_file, f.severity, str(f.code), shown_text(f.message(lang))) for f in shown]
        if len(rows) <= TABLE_ROWS:
            console.print(_table(rows, titles, labels))
        else:
            _print_lines(rows, titles, labels, console)
    failed = sum(1 for r in reports if not r.ok)
    if lang == "en":
        console.print(f"{len(reports)} file(s) checked, {failed} with errors.")
    else:
        console.print(f"{len(reports)} 件のファイルを確認し、{failed} 件にエラーがあります。")


# what became of a file besides being checked (consolidate, grade, revise)
_STATUS = {
    "ja": {"merged": "統合", "other-year": "他年度", "master": "マスター", "related": "関連", "graded": "評価済み"},
    "en": {
        "merged": "merged",
        "other-year": "other year",
        "master": "master",
        "related": "related",
        "graded": "graded",
    },
}

Row = tuple[str, Severity, str, str]  # place, severity, code, message


def _table(rows: Sequence[Row], titles: Sequence[str], labels: dict[Severity, str]) -> Table:
    """A table that folds long messages to the terminal's width."""
    table = Table(show_header=True, header_style="bold", expand=False)
    for title in titles:
        table.add_column(title, overflow="fold", no_wrap=title in ("場所", "cell"))
    for place, severity, code, message in rows:
        table.add_row(escape(place), f"[{_SEVERITY_STYLE[severity]}]{labels[severity]}[/]", code, escape(message))
    return table


def _print_lines(rows: Sequence[Row], titles: Sequence[str], labels: dict[Severity, str], console: Console) -> None:
    """The same columns, a line per finding, written straight to the console's file: widths
    measured once per column, no layout, wrapping or markup pass per row (the terminal wraps a
    long message). Colour only on a terminal that takes ANSI codes; control characters from a
    file (an escape sequence typed into a cell) are dropped, never sent to the terminal."""
    widths = [
        max(cell_len(titles[0]), *(cell_len(place) for place, *_ in rows)),
        max(cell_len(titles[1]), *(cell_len(label) for label in labels.values())),
        max(cell_len(titles[2]), *(cell_len(code) for _, _, code, _ in rows)),
    ]
    colour = console.is_terminal and console.color_system is not None and not console.legacy_windows

    def cell(text: str, width: int, style: str = "") -> str:
        padded = text + " " * (width - cell_len(text) + 2)
        return Style.parse(style).render(padded, color_system=console.color_system) if colour and style else padded

    severities = {severity: cell(label, widths[1], _SEVERITY_STYLE[severity]) for severity, label in labels.items()}
    header = "".join(cell(title, width, "bold") for title, width in zip(titles, widths, strict=False))
    lines = [header + cell(titles[3], 0, "bold").rstrip()]
    for place, severity, code, message in rows:
        place, code, message = (_CONTROL.sub("", text) for text in (place, code, message))
        lines.append(f"{cell(place, widths[0])}{severities[severity]}{cell(code, widths[2])}{message}")
    console.file.write("\n".join(lines) + "\n")
