"""Message catalog: one Japanese and one English template per finding code.

Each message says what is wrong *and what to type instead*. Placeholders: {column} (the
header), {value} (what was found) and the finding's own params.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["render"]

# code → (Japanese, English)
CATALOG: Mapping[str, tuple[str, str]] = {
    "file-lock-skipped": (
        "Excelの一時ファイル（~$で始まるファイル）なので読み飛ばしました。",
        "Excel lock file (~$…): skipped.",
    ),
    "file-unreadable": (
        "ファイルを読み込めません（{reason}）。Excelで開けるか確認し、保存し直して提出してください。",
        "The file cannot be read ({reason}). Check it opens in Excel, save it again and resend it.",
    ),
    "file-not-workbook": (
        "Excelブック（.xlsx）ではありません。配布した様式に入力し、「Excel ブック (*.xlsx)」で保存してください。",
        "Not an Excel workbook (.xlsx). Fill in the template we sent and save it as 'Excel Workbook (*.xlsx)'.",
    ),
    "file-xls": (
        "古い形式（.xls）のファイルです。Excelで開き「名前を付けて保存」→「Excel ブック (*.xlsx)」で保存し直してください。",
        "Old .xls format. Open it in Excel and 'Save As' → 'Excel Workbook (*.xlsx)'.",
    ),
    "file-csv": (
        "CSV（テキスト）ファイルのようです。配布した様式（.xlsx）に入力して提出してください。",
        "This looks like a CSV text file. Fill in the .xlsx template we sent instead.",
    ),
    "file-ods": (
        "OpenDocument形式（.ods）のファイルです。Excelで開き「Excel ブック (*.xlsx)」で保存し直してください。",
        "OpenDocument (.ods) file. Save it as 'Excel Workbook (*.xlsx)'.",
    ),
    "file-encrypted": (
        "パスワードで保護（暗号化）されています。「ファイル」→「情報」→「ブックの保護」でパスワードを解除して保存し直してください。",
        "The file is password-encrypted. Remove the password (File → Info → Protect Workbook) and save again.",
    ),
    "file-has-macros": (
        "マクロを含むブック（.xlsm）です。入力内容は読み込みましたが、マクロは実行しません。"
        "次回は配布した .xlsx 様式で提出してください。",
        "The workbook contains macros (.xlsm). Its data was read; macros are never run. Please use the .xlsx template.",
    ),
    "template-not-xlplan": (
        "xlplanの様式ではありません（管理用シート「_meta」がありません）。本部が配布した様式に入力してください。",
        "Not an xlplan template (no '_meta' sheet). Use the template sent by HQ.",
    ),
    "template-version": (
        "様式のバージョンが違います（このファイル: {value}、現在: {expected}）。本部から最新の様式を受け取り、入力し直してください。",
        "Template version {value} does not match the current {expected}. Ask HQ for the current template.",
    ),
    "sheet-missing": (
        "シート「{sheet_name}」がありません。削除した場合は、配布した様式からシートを戻してください。",
        "Sheet '{sheet_name}' is missing. Restore it from the template.",
    ),
    "sheet-renamed": (
        "シート名が「{value}」に変わっています。元の名前「{sheet_name}」に戻してください（内容はそのシートから読みました）。",
        "Sheet renamed to '{value}'. Rename it back to '{sheet_name}' (its data was read from there).",
    ),
    "header-missing": (
        "見出し「{column}」が見つかりません。{expected_cell} に見出し「{column}」を戻してください（列を削除・変更しないでください）。",
        "Header '{column}' not found. Put '{column}' back in {expected_cell}; do not delete or rename columns.",
    ),
    "header-moved": (
        "見出し「{column}」が {value} に移動しています。{expected_cell} に戻してください（列や行を挿入・削除しないでください）。",
        "Header '{column}' moved to {value}. Move it back to {expected_cell}; do not insert or delete columns or rows.",
    ),
    "formula-no-value": (
        "「{column}」の数式に計算結果が保存されていません（{value}）。Excelで開いて保存し直すか、数値を直接入力してください。",
        "The formula in '{column}' has no saved result ({value}). Open and save the file in Excel, or type the value.",
    ),
    "merged-input-cells": (
        "入力欄のセルが結合されています（{value}）。「セルの結合」を解除し、1つのセルに1つの値を入力してください。",
        "Input cells are merged ({value}). Unmerge them and type one value per cell.",
    ),
    "value-normalized": (
        "「{column}」の「{value}」を「{normalized}」として読みました（{how}）。",
        "Read '{value}' in '{column}' as '{normalized}' ({how}).",
    ),
    "value-missing": (
        "「{column}」が空です。{hint}",
        "'{column}' is empty. {hint}",
    ),
    "number-invalid": (
        "「{column}」の「{value}」は数値として読めません。半角の数値だけを入力してください（例: {example}）。単位や注記は「備考」へ。",
        "'{value}' in '{column}' is not a number. Type the number only (e.g. {example}); put units or notes in 備考.",
    ),
    "value-not-in-list": (
        "「{column}」の「{value}」は選択肢にありません。セルの▼から {choices} のいずれかを選んでください。",
        "'{value}' is not allowed in '{column}'. Pick one of {choices} from the dropdown.",
    ),
    "id-invalid": (
        "「{column}」の「{value}」は形式が違います。{example} の形で入力してください。",
        "'{value}' in '{column}' is malformed. Use the form {example}.",
    ),
    "fiscal-year-invalid": (
        "「{column}」の「{value}」は年度として読めません。「令和6年度」「R6」「2024」のように入力してください。",
        "'{value}' in '{column}' is not a fiscal year. Type e.g. 令和6年度, R6 or 2024.",
    ),
    "month-invalid": (
        "「{column}」の「{value}」は年月として読めません。「2024/10」「令和6年10月」のように入力してください。",
        "'{value}' in '{column}' is not a month. Type e.g. 2024/10 or 令和6年10月.",
    ),
    "value-out-of-range": (
        "「{column}」の「{value}」は範囲外です。{expected}を入力してください。",
        "'{value}' in '{column}' is out of range. Type {expected}.",
    ),
    "id-duplicate": (
        "「{column}」の「{value}」が重複しています（{other}と同じ）。どちらかを直すか、不要な行を削除してください。",
        "'{value}' in '{column}' is duplicated (also at {other}). Fix one or delete the extra row.",
    ),
    "measure-unknown": (
        "施策ID「{value}」は「施策」シートにありません。「施策」シートにある施策IDを入力してください。",
        "Measure ID '{value}' is not on the 施策 sheet. Use an ID listed there.",
    ),
    "measure-elsewhere": (
        "施策ID「{value}」はこのブックの「施策」シートにありません。他の課所室の施策であれば問題ありません"
        "（集約時に確認します）。誤りであれば正しい施策IDを入力してください。",
        "Measure '{value}' is not on this workbook's 施策 sheet. Fine if another section owns it "
        "(checked when consolidating); otherwise correct the ID.",
    ),
    "project-unknown": (
        "予算事業ID「{value}」は「予算事業」シートにありません。「予算事業」シートにあるIDを入力してください。",
        "Budget project '{value}' is not on the 予算事業 sheet. Use an ID listed there.",
    ),
    "stage-missing": (
        "施策「{value}」の{fiscal_year}のライフサイクル段階がありません。「ライフサイクル」シートに行を追加し、段階を選んでください。",
        "Measure '{value}' has no lifecycle stage for {fiscal_year}. Add a row on the ライフサイクル sheet.",
    ),
    "kpi-missing": (
        "施策「{value}」は段階{stage}（評価指標で管理）ですが、評価指標がありません。「KPI」シートに指標を入力してください。",
        "Measure '{value}' is at stage {stage} (KPI-managed) but has no KPI. Add one on the KPI sheet.",
    ),
    "kpi-target-missing": (
        "施策「{measure}」は段階{stage}（評価指標で管理）なので「目標値」が必要です。計画終了時点（令和8年度）の目標値を入力してください。",
        "Measure '{measure}' is at stage {stage} (KPI-managed): type the end-of-plan target.",
    ),
    "kpi-baseline-missing": (
        "施策「{measure}」の指標に「基準値」がありません。原則として令和5年度の実績値を入力してください。",
        "The KPI of '{measure}' has no baseline. Type the FY2023 actual unless another year applies.",
    ),
    "milestone-missing": (
        "施策「{value}」は段階{stage}（スケジュールで管理）ですが、「スケジュール」シートに工程がありません。工程名・予定時期・状況を入力してください。",
        "Measure '{value}' is at stage {stage} (schedule-managed) but has no milestone. Add one on the スケジュール sheet.",
    ),
    "budget-lines-mismatch": (
        "予算事業「{value}」の{amount}の科目別合計 {lines_total} が事業費計 {total} と一致しません（差 {difference}千円）。科目別の金額か事業費計を直してください。",
        "Budget project '{value}': {amount} lines add up to {lines_total}, not the total {total} "
        "(difference {difference}).",
    ),
    "funding-mismatch": (
        "予算事業「{value}」の{amount}の財源別合計 {funding_total} が事業費計 {total} と一致しません（差 {difference}千円）。財源別の金額を直してください。",
        "Budget project '{value}': {amount} funding adds up to {funding_total}, not the total {total} "
        "(difference {difference}).",
    ),
    "milestone-done-without-date": (
        "「状況」が完了ですが「完了日」が空です。完了した年月（例: 2024/10）を入力してください。",
        "Status is 完了 but 完了日 is empty. Type the month it was completed (e.g. 2024/10).",
    ),
    "self-grade-mismatch": (
        "自己評価 {value} と算定評価 {computed} が異なります。根拠を確認し、自己評価を直すか理由を「取組結果」に記載してください。",
        "Self-grade {value} differs from the computed grade {computed}. Check and correct it or explain why.",
    ),
}


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, params: Mapping[str, str], *, column: str, value: str, lang: str = "ja") -> str:
    """Fill a code's template; unknown placeholders render empty rather than failing."""
    ja, en = CATALOG[code]
    template = en if lang == "en" else ja
    values = _Defaulting(params)
    values.setdefault("column", column)
    values.setdefault("value", value)
    return template.format_map(values).strip()
