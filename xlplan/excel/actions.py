"""The HQ actions behind the control workbook's 実行 button, over a `BookLike`.

`run_control` reads the action and its parameters from the control sheet, runs the same
library functions as the CLI, and writes the results back: findings and grades as sheets
with hyperlinks to the files, the state in the status cell, the path of what was written.
Errors the user can fix (`XlplanError`) end up in the status cell; anything else is written
there too and then raised, so that the xlwings VBA shows the traceback.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

from ..app.check import check_paths
from ..app.inputs import collect_inputs
from ..core.cells import column_letter
from ..core.enums import Severity
from ..core.findings import Code, Finding, sorted_findings
from ..core.fiscal import fy_label, parse_fiscal_year
from ..core.layout import META_SHEET
from ..core.self_check import SELF_CHECK_SHEET
from ..errors import XlplanError
from ..io.self_check_sheet import self_check_link
from . import features
from .booklike import BookLike, SheetLike
from .control import (
    CONTROL_SHEET,
    FINDINGS_COLUMNS,
    FINDINGS_SHEET,
    GRADES_COLUMNS,
    GRADES_SHEET,
    RAN_AT_CELL,
    STATUS_CELL,
    WRITTEN_CELL,
    Action,
    State,
    parameter,
)
from .features import FeatureUnavailable, GradeRow
from .markup import SEVERITY_LABEL, mark_section_book

__all__ = [
    "Outcome",
    "Parameters",
    "read_parameters",
    "run_control",
    "typed_path",
    "write_findings",
    "write_grades_sheet",
]

# How this OS spells paths; the tests set PureWindowsPath to run the HQ PC's rules anywhere.
PATH_FLAVOUR: type[PurePath] = PureWindowsPath if os.name == "nt" else PurePosixPath


def typed_path(text: str, base: PurePath | None, flavour: type[PurePath] | None = None) -> PurePath:
    """A path as someone typed or pasted it into a parameter cell, relative ones taken from `base`.

    Surrounding spaces and double quotes go (Explorer's 「パスのコピー」 adds the quotes);
    `C:\\…`, `\\\\server\\share\\…` and `/`-or-`\\` separators are read as Windows reads them.
    Elsewhere a backslash separates folders too: nobody names a file with one in a parameter cell.
    """
    flavour = flavour or PATH_FLAVOUR
    text = text.strip().strip('"').strip()
    if flavour is PurePosixPath:
        if PureWindowsPath(text).drive and not text.startswith("/"):
            raise XlplanError(
                f"「{text}」は Windows のパスです。このPCのパス（例: /home/本部/提出）で入力してください。",
                english=f"{text} is a Windows path. Type a path of this PC (e.g. /home/hq/returned).",
            )
        text = text.replace("\\", "/")
    path = flavour(text)
    if base is None or path.is_absolute() or path.drive:  # C:folder stays on its drive
        return path
    return flavour(base) / path


@dataclass(frozen=True, slots=True)
class Parameters:
    """The control sheet's parameters, read and checked."""

    action: Action
    input: str = ""
    output: str = ""
    version: str = ""
    fiscal_year: int | None = None
    changes: str = ""
    base: PurePath | None = None  # the control workbook's folder: relative paths start here

    def path(self, text: str) -> Path:
        """A path typed on the control sheet, relative ones taken from the workbook's folder."""
        return Path(typed_path(text, self.base))

    def input_path(self) -> Path:
        """The input folder or file, which must exist."""
        if not self.input:
            raise XlplanError(
                f"「{parameter('input').label}」を入力してください（{parameter('input').cell}）。",
                english=f"Fill in {parameter('input').label} ({parameter('input').cell}).",
            )
        path = self.path(self.input)
        if not path.exists():
            raise XlplanError(f"入力が見つかりません: {path}", english=f"The input is not there: {path}")
        return path

    def master_path(self) -> Path:
        """The input as a master workbook: a file, not the folder of returned workbooks."""
        path = self.input_path()
        if not path.is_file():
            label = parameter("input").label
            raise XlplanError(
                f"「{label}」に集約したマスターのファイル（例: 計画_第2.1版.xlsx）を入力してください。",
                english=f"Type the consolidated master's file in {label} (e.g. 計画_第2.1版.xlsx).",
            )
        return path

    def changes_path(self) -> Path | None:
        """HQ's changes workbook for the revision, when one is given (it must exist)."""
        if not self.changes:
            return None
        path = self.path(self.changes)
        if not path.is_file():
            raise XlplanError(
                f"変更ワークブックが見つかりません: {path}", english=f"The changes workbook is not there: {path}"
            )
        return path

    def output_path(self) -> Path:
        """The output file, which must be given."""
        if not self.output:
            raise XlplanError(
                f"「{parameter('output').label}」を入力してください（{parameter('output').cell}）。",
                english=f"Fill in {parameter('output').label} ({parameter('output').cell}).",
            )
        return self.path(self.output)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How an action ended, as the control sheet shows it."""

    state: State
    message: str
    written: str = ""

    @property
    def status(self) -> str:
        """The status cell's text: 「完了: …」."""
        return f"{self.state}: {self.message}"


Handler = Callable[[BookLike, Parameters], Outcome]


def run_control(book: BookLike, *, now: Callable[[], dt.datetime] = dt.datetime.now) -> Outcome:
    """Run the action chosen on the control sheet and write its results into the workbook.

    :param book: the HQ control workbook (`xlplan_hq.xlsm`).
    :param now: the clock, for the 実行日時 cell.
    """
    control = book.sheet(CONTROL_SHEET)
    control.set_value(STATUS_CELL, "実行中…")
    try:
        params = read_parameters(book)
        outcome = _HANDLERS[params.action](book, params)
    except FeatureUnavailable as error:
        outcome = Outcome(State.UNAVAILABLE, str(error))
    except XlplanError as error:
        outcome = Outcome(State.FAILED, str(error))
    except Exception as error:
        text = f"予期しないエラーです（{type(error).__name__}: {error}）。表示された詳細を管理者に知らせてください。"
        write_outcome(control, Outcome(State.FAILED, text), now())
        raise
    write_outcome(control, outcome, now())
    return outcome


def read_parameters(book: BookLike) -> Parameters:
    """Read and check the parameter cells of the control sheet."""
    control = book.sheet(CONTROL_SHEET)
    values = {
        key: control.value(parameter(key).cell)
        for key in ("action", "input", "output", "version", "fiscal_year", "changes")
    }
    action_text = _text(values["action"])
    action = Action.named(action_text)
    if action is None:
        choices = "・".join(a.value for a in Action)
        raise XlplanError(
            f"「処理」を▼から選んでください（{choices}）。",
            english=f"Pick 「処理」 (the action) from the ▼ list ({choices}).",
        )
    fiscal_year = None
    if _text(values["fiscal_year"]):
        fiscal_year = parse_fiscal_year(values["fiscal_year"])
        if fiscal_year is None:
            raise XlplanError(
                f"年度として読めません: {_text(values['fiscal_year'])}（例: 令和6年度、R6、2024）",
                english=f"Not a fiscal year: {_text(values['fiscal_year'])} (e.g. 令和6年度, R6, 2024)",
            )
    return Parameters(
        action=action,
        input=_text(values["input"]),
        output=_text(values["output"]),
        version=_text(values["version"]),
        fiscal_year=fiscal_year,
        changes=_text(values["changes"]),
        base=typed_path(book.fullname, None).parent if book.fullname else None,
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}" if value.is_integer() else str(value)
    return str(value).strip()


def write_outcome(control: SheetLike, outcome: Outcome, when: dt.datetime) -> None:
    """Write the state, the file written (as a link) and the time into the control sheet."""
    control.set_value(STATUS_CELL, outcome.status)
    control.set_fill(STATUS_CELL, outcome.state.fill)
    control.clear(WRITTEN_CELL)
    if outcome.written:
        control.set_value(WRITTEN_CELL, outcome.written)
        control.add_hyperlink(WRITTEN_CELL, outcome.written, outcome.written)
    control.set_value(RAN_AT_CELL, when.strftime("%Y-%m-%d %H:%M"))


# --- the actions ------------------------------------------------------------------------------


def _check(book: BookLike, params: Parameters) -> Outcome:
    source = params.input_path()
    checked = check_paths([source], fiscal_year=params.fiscal_year)
    if not checked:
        raise XlplanError(
            f"様式ファイル（.xlsx）が見つかりません: {source}", english=f"No section workbook (.xlsx) found: {source}"
        )
    findings = [f for c in checked for f in c.report.findings if f.severity is not Severity.INFO]
    write_findings(book, findings)
    failed = sum(1 for c in checked if not c.report.ok)
    message = (
        f"{len(checked)} 件のファイルを確認し、{failed} 件にエラーがあります"
        f"（{_counts(findings)}）。詳細は「{FINDINGS_SHEET}」シートにあります。"
    )
    return Outcome(State.DONE if failed == 0 else State.NEEDS_FIX, message)


def _grade(book: BookLike, params: Parameters) -> Outcome:
    source = params.input_path()
    files = [p for p in collect_inputs([source]) if not p.name.startswith("~$")]
    if not files:
        raise XlplanError(
            f"様式ファイル（.xlsx）が見つかりません: {source}", english=f"No section workbook (.xlsx) found: {source}"
        )
    grades: list[GradeRow] = []
    findings: list[Finding] = []
    not_graded: list[str] = []
    for path in files:
        try:
            graded = features.grade_file(path, params.fiscal_year)
        except FeatureUnavailable:
            raise
        except XlplanError as error:
            not_graded.append(path.name)
            findings.append(Finding.of(Code.FILE_UNREADABLE, file=str(path), reason=str(error)[:200]))
            continue
        grades.extend(graded.grades)
        findings.extend(f for f in [*graded.report.findings, *graded.mismatches] if f.severity is not Severity.INFO)
    write_grades_sheet(book, grades)
    write_findings(book, findings)
    mismatches = sum(1 for g in grades if g.mismatch)
    message = (
        f"{len(files)} 件のファイルの {len(grades)} 件の施策の評価を再計算しました"
        f"（自己評価と異なる施策 {mismatches} 件）。"
        f"詳細は「{GRADES_SHEET}」シート、指摘は「{FINDINGS_SHEET}」シートにあります。"
    )
    if not_graded:
        message += f"評価できなかったファイル: {'、'.join(not_graded)}。"
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    return Outcome(State.DONE if errors == 0 and mismatches == 0 else State.NEEDS_FIX, message)


def _consolidate(book: BookLike, params: Parameters) -> Outcome:
    source = params.input_path()
    output = params.output_path()
    result = features.consolidate_inputs([source], output, version=params.version, fiscal_year=params.fiscal_year)
    findings = [f for f in result.findings if f.severity is not Severity.INFO]
    write_findings(book, findings)
    message = (
        f"第{result.version}版（{fy_label(result.fiscal_year)}）を保存しました: {result.output.name}。"
        f"提出 {result.files} 件（統合 {result.merged} 件）、{_counts(findings)}、競合 {result.conflicts} 件。"
        f"指摘は「{FINDINGS_SHEET}」シートとマスターの「検証結果」シートにあります。"
    )
    return Outcome(State.DONE if result.ok else State.NEEDS_FIX, message, written=str(result.output))


def _lint(book: BookLike, params: Parameters) -> Outcome:
    result = features.lint_master(params.master_path(), fiscal_year=params.fiscal_year)
    write_findings(book, result.findings)
    infos = sum(1 for f in result.findings if f.severity is Severity.INFO)
    message = (
        f"「{result.master.name}」（{fy_label(result.fiscal_year)}）を監査の観点で点検しました"
        f"（{_counts(result.findings)} / 情報 {infos}）。詳細は「{FINDINGS_SHEET}」シートにあります。"
    )
    needs_look = any(f.severity is not Severity.INFO for f in result.findings)
    return Outcome(State.NEEDS_FIX if needs_look else State.DONE, message)


def _revise(book: BookLike, params: Parameters) -> Outcome:
    master = params.master_path()
    result = features.revise_master(master, params.output_path(), version=params.version, changes=params.changes_path())
    write_findings(book, [f for f in result.findings if f.severity is not Severity.INFO])
    if not result.ok:
        message = (
            f"受け付けられない変更があるため、何も書き出していません（{_counts(result.findings)}）。"
            f"「{FINDINGS_SHEET}」シートを確認し、変更ワークブックを直してください。"
        )
        return Outcome(State.NEEDS_FIX, message)
    written = result.outputs["master"]
    names = "、".join(result.outputs[key].name for key in ("master", "book", "csv"))
    message = (
        f"第{result.old_version}版から第{result.new_version}版を作成しました: {names}、"
        f"次年度の様式 {result.sections} 件（{result.outputs['sections'].name} フォルダ）。"
    )
    return Outcome(State.DONE, message, written=str(written))


def _report(book: BookLike, params: Parameters) -> Outcome:
    result = features.report_master(params.master_path(), params.output_path(), fiscal_year=params.fiscal_year)
    written = [result.html.name, *([result.pdf.name] if result.pdf else []), f"CSV {len(result.csv)} 件"]
    message = (
        f"報告資料を {result.html.parent} に作成しました: {'、'.join(written)}"
        f"（監査観点の警告 {result.warnings} 件）。{''.join(result.notes)}"
    )
    return Outcome(State.DONE, message, written=str(result.html))


def _templates(book: BookLike, params: Parameters) -> Outcome:
    folder = params.output_path()
    files = features.prefill_sections(
        params.master_path(), folder, fiscal_year=params.fiscal_year, version=params.version
    )
    year = f"{fy_label(params.fiscal_year)}の" if params.fiscal_year else ""
    message = (
        f"{year}記入済みの様式を {len(files)} 件作成しました（{folder.name} フォルダ）。各課所室に送ってください。"
    )
    return Outcome(State.DONE, message, written=str(folder))


def _mark(book: BookLike, params: Parameters) -> Outcome:
    target = _section_book(book, params)
    result = mark_section_book(target, fiscal_year=params.fiscal_year)
    has_sheet = SELF_CHECK_SHEET in target.sheet_names()
    write_findings(book, result.findings, self_check=has_sheet)
    parts = [
        f"「{target.name}」の {len(result.marked)} 個のセルに色とコメントを付けました（{_counts(result.findings)}）。"
    ]
    if has_sheet and (seen := sum(1 for f in result.findings if f.in_self_check)):
        parts.append(
            f"うち {seen} 件は様式の「{SELF_CHECK_SHEET}」シートにも出ています"
            f"（「{FINDINGS_SHEET}」のコードから開けます。提出前に確認するよう伝えてください）。"
        )
    if result.unplaced:
        parts.append(f"ファイル全体への指摘 {len(result.unplaced)} 件は「{FINDINGS_SHEET}」シートにあります。")
    if result.grades_unavailable:
        parts.append(result.grades_unavailable)
    else:
        write_grades_sheet(book, result.grades)
        mismatches = sum(1 for g in result.grades if g.mismatch)
        parts.append(
            f"{len(result.grades)} 件の施策の評価を再計算し、{len(result.graded_cells)} 個の「算定評価」セルに"
            f"コメントで記入しました（自己評価と異なる施策 {mismatches} 件）。"
        )
    parts.append("ブックは保存していません。確認して保存してください。")
    return Outcome(State.DONE if result.errors == 0 else State.NEEDS_FIX, "".join(parts))


def _section_book(book: BookLike, params: Parameters) -> BookLike:
    """The section workbook to mark: named in 入力 (open or on disk), else the only one open."""
    others = book.other_books()
    if params.input and not params.path(params.input).is_dir():  # a folder is for the other actions
        wanted = params.input
        for other in others:
            if wanted in (other.name, other.fullname) or Path(wanted).name == other.name:
                return other
        path = params.path(wanted)
        if path.is_file():
            return book.open_book(path)
        raise XlplanError(
            f"様式ブックが開かれておらず、ファイルも見つかりません: {wanted}",
            english=f"The section workbook is neither open nor found as a file: {wanted}",
        )
    sections = [other for other in others if META_SHEET in other.sheet_names()]
    if len(sections) == 1:
        return sections[0]
    if not sections:
        raise XlplanError(
            "様式ブックを開くか、「入力」にファイル名を入力してください。",
            english="Open the section workbook, or type its file name in 「入力」 (input).",
        )
    names = "、".join(other.name for other in sections)
    raise XlplanError(
        f"様式ブックが複数開いています（{names}）。「入力」にファイル名を入力してください。",
        english=f"Several section workbooks are open ({names}). Type the file name in 「入力」 (input).",
    )


_HANDLERS: dict[Action, Handler] = {
    Action.CHECK: _check,
    Action.GRADE: _grade,
    Action.CONSOLIDATE: _consolidate,
    Action.LINT: _lint,
    Action.REVISE: _revise,
    Action.REPORT: _report,
    Action.TEMPLATES: _templates,
    Action.MARK: _mark,
}


# --- result sheets ----------------------------------------------------------------------------


def _counts(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = sum(1 for f in findings if f.severity is Severity.WARNING)
    return f"エラー {errors} / 警告 {warnings}"


def _result_sheet(book: BookLike, name: str, columns: Sequence[tuple[str, int]]) -> SheetLike:
    """A result sheet emptied below its header (created when someone deleted it)."""
    if name in book.sheet_names():
        sheet = book.sheet(name)
    else:
        sheet = book.add_sheet(name)
        sheet.write_rows("A1", [[title for title, _ in columns]])
    last = sheet.last_row()
    if last >= 2:
        sheet.clear(f"A2:{column_letter(len(columns))}{last}")
    return sheet


def write_findings(book: BookLike, findings: Sequence[Finding], *, self_check: bool = False) -> None:
    """List findings on the findings sheet, each file and cell a hyperlink into the workbook.

    :param self_check: the workbooks have the 入力チェック sheet: each code that sheet counts links
        to its line there (the section could have seen the error before sending).
    """
    sheet = _result_sheet(book, FINDINGS_SHEET, FINDINGS_COLUMNS)
    ordered = sorted_findings(findings)
    rows = [
        [
            Path(f.file).name,
            f.address or "（ファイル全体）",
            SEVERITY_LABEL[f.severity],
            str(f.code),
            f.column,
            f.value,
            f.message(),
        ]
        for f in ordered
    ]
    if not rows:
        return
    sheet.write_rows("A2", rows)
    for row, finding in enumerate(ordered, start=2):
        if not finding.file:
            continue
        sheet.add_hyperlink(f"A{row}", finding.file, Path(finding.file).name)
        if finding.sheet and finding.cell:
            sheet.add_hyperlink(f"B{row}", f"{finding.file}#'{finding.sheet}'!{finding.cell}", finding.address)
        if self_check and (line := self_check_link(finding)):
            sheet.add_hyperlink(f"D{row}", f"{finding.file}#{line}", str(finding.code))


def write_grades_sheet(book: BookLike, grades: Sequence[GradeRow]) -> None:
    """List recomputed grades, one row per measure, each linked to its row in the section workbook."""
    sheet = _result_sheet(book, GRADES_SHEET, GRADES_COLUMNS)
    rows = [
        [
            g.measure_id,
            g.label,
            g.self_grade,
            "×" if g.mismatch else "○" if g.grade and g.self_grade else "－",
            g.trace,
            Path(g.file).name,
        ]
        for g in grades
    ]
    if not rows:
        return
    sheet.write_rows("A2", rows)
    for row, grade in enumerate(grades, start=2):
        if grade.mismatch:
            sheet.set_fill(f"D{row}", State.NEEDS_FIX.fill)
        if grade.file:
            target = f"{grade.file}#'{grade.sheet}'!A{grade.row}" if grade.sheet and grade.row else grade.file
            sheet.add_hyperlink(f"F{row}", target, Path(grade.file).name)
