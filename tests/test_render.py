"""The findings table on the terminal: thousands of findings cost no layout pass per row."""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from xlplan.cli import render
from xlplan.cli.render import TABLE_ROWS, print_reports
from xlplan.core.findings import Code, FileReport, Finding


def _report(count: int) -> FileReport:
    findings = [
        Finding.of(
            Code.NUMBER_INVALID, file="x.xlsx", sheet="KPI", cell=f"J{row}", column="実績値", value=f"約[b]{row}[/]"
        )
        for row in range(3, 3 + count)
    ]
    return FileReport("x.xlsx", findings)


def _printed(report: FileReport, monkeypatch) -> tuple[str, int]:
    rows = {"n": 0}
    original = Table.add_row

    def counting(self, *args, **kwargs):
        rows["n"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Table, "add_row", counting)
    out = io.StringIO()
    print_reports([report], Console(file=out, width=100, color_system=None), show_info=True)
    return out.getvalue(), rows["n"]


def test_thousands_of_findings_print_as_lines_without_a_table(monkeypatch):
    text, table_rows = _printed(_report(5000), monkeypatch)
    assert table_rows == 0  # no rich table: no measuring and wrapping of 5,000 rows
    lines = text.splitlines()
    assert sum(1 for line in lines if line.startswith("KPI!J")) == 5000
    first = next(line for line in lines if line.startswith("KPI!J3 "))
    assert "約[b]3[/]" in first  # text from a file is shown as typed, never read as markup
    header = next(line for line in lines if line.startswith("場所"))
    assert cell_len(first[: first.index("エラー")]) == cell_len(header[: header.index("区分")])  # aligned


def test_a_few_findings_keep_the_table(monkeypatch):
    text, table_rows = _printed(_report(TABLE_ROWS), monkeypatch)
    assert table_rows == TABLE_ROWS
    assert "約[b]3[/]" in text
    assert render.TABLE_ROWS == TABLE_ROWS


def test_an_escape_sequence_typed_in_a_cell_never_reaches_the_terminal(monkeypatch):
    report = _report(TABLE_ROWS + 1)
    report.findings[0] = Finding.of(Code.NUMBER_INVALID, sheet="KPI", cell="J3", column="実績値", value="\x1b[2J約30")
    out = io.StringIO()
    print_reports([report], Console(file=out, width=100, force_terminal=True), show_info=True)
    text = out.getvalue()
    assert "[2J約30" in text and "\x1b[2J" not in text
    assert "\x1b[1;31m" in text  # the severity is still coloured on a terminal
