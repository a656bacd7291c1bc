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
    "cell-error": (
        "「{column}」のセルがエラー値 {value} を表示しています。エラーのままでは読み込めません。数式の参照先（空欄や0で割っていないか、削除したセルを指していないか）を直すか、正しい値を直接入力してください。",
        "The cell for '{column}' shows the error {value} and cannot be read. Fix what the formula refers to (an empty "
        "cell, a division by zero, a deleted cell), or type the correct value.",
    ),
    "value-outside-table": (
        "表の外のセルに値「{value}」があります（読み込みません）。表の中の正しい欄に移すか、不要なら消してください。",
        "There is a value '{value}' outside the table (not read). Move it into the right column of the table, or "
        "delete it.",
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
    # hostile input
    "file-too-large": (
        "ファイルが大きすぎるため読み込みませんでした（{what}: {size}、上限 {limit}）。不要なシート・画像・空行を削除して保存し直すか、本部に相談してください。",
        "The file is too large and was not read ({what}: {size}, limit {limit}). Delete unneeded sheets, "
        "pictures and empty rows and save again, or contact HQ.",
    ),
    "zip-bomb": (
        "ファイルの中身（{part}）が異常なため、安全のため読み込みませんでした（{reason}）。配布した様式に入力し直して提出してください。心当たりがなければ情報セキュリティ担当に連絡してください。",
        "The file's content ({part}) is abnormal and was not read for safety ({reason}). Fill in the template "
        "again and resend it; if you did not make this file, tell your security officer.",
    ),
    "xml-entities": (
        "ファイルの内部（{part}）に、Excelが作らない定義（DOCTYPE・ENTITY）が含まれているため、安全のため読み込みませんでした。配布した様式に入力し直して提出してください。",
        "The file's XML ({part}) declares a DOCTYPE or entities, which Excel never writes; it was not read for "
        "safety. Fill in the template again and resend it.",
    ),
    "too-many-rows": (
        "シート「{sheet_name}」の {value}（{row}行目）に値があり、行数の上限（{limit}行）を超えるため読み込みませんでした。不要な行を削除（行ごと削除）して保存し直してください。",
        "Sheet '{sheet_name}' has a value in {value} (row {row}), beyond the limit of {limit} rows; the file was not "
        "read. Delete the unneeded rows (whole rows) and save again.",
    ),
    "too-many-cells": (
        "シート「{sheet_name}」の{what}が多すぎるため読み込みませんでした（{count}、上限 {limit}）。遠く離れたセル（{value}など）の値や不要な書式・結合を削除して保存し直してください。",
        "Sheet '{sheet_name}' has too many {what} ({count}, limit {limit}); the file was not read. Delete far-away "
        "values (such as {value}), unneeded formats and merges, and save again.",
    ),
    "sheet-duplicate": (
        "同じ名前のシート「{value}」が{count}枚あります（Excelでは作れない状態です）。最初のシートだけを読みました。配布した様式に入力し直して提出してください。",
        "{count} sheets are named '{value}' (Excel cannot make this); only the first was read. Fill in the "
        "template again and resend it.",
    ),
    "sheet-hidden": (
        "シート「{value}」が非表示になっています（{read}）。シート見出しを右クリック→「再表示」で表示し、内容を確認してください。",
        "Sheet '{value}' is hidden ({read}). Right-click a sheet tab → Unhide, and check its content.",
    ),
    "sheet-very-hidden": (
        "シート「{value}」がExcelの画面から再表示できない状態（veryHidden）で隠されています（{read}）。心当たりがなければ情報セキュリティ担当に連絡し、配布した様式に入力し直してください。",
        "Sheet '{value}' is 'very hidden' (cannot be unhidden from Excel's menus; {read}). If you did "
        "not do this, tell your security officer and fill in the template again.",
    ),
    "row-hidden": (
        "{row}行目が非表示（またはフィルターで非表示）になっていますが、値が入っています。内容は読み込みました。行を再表示し、提出してよい内容か確認してください。",
        "Row {row} is hidden (or filtered out) but holds values; they were read. Unhide the row and check "
        "its content should be submitted.",
    ),
    "column-hidden": (
        "「{column}」の列が非表示になっていますが、値が入っています。内容は読み込みました。列を再表示し、提出してよい内容か確認してください。",
        "The column '{column}' is hidden but holds values; they were read. Unhide it and check its content.",
    ),
    "cell-too-long": (
        "「{column}」の文字数が {length} 文字あり、上限（{limit}文字）を超えています。要点を短くまとめてください（詳細は別資料で提出してください）。",
        "'{column}' holds {length} characters, over the limit of {limit}. Summarise it; send details separately.",
    ),
    "control-characters": (
        "「{column}」に表示されない制御文字（{chars}）が含まれていたため、取り除いて読みました。",
        "'{column}' contained invisible control characters ({chars}); they were removed.",
    ),
    "symlink-outside": (
        "フォルダの外（{target}）を指すリンク（シンボリックリンク）のため読み込みませんでした。ファイルそのものをフォルダに置いてください。",
        "A symbolic link pointing outside the folder ({target}); not read. Put the file itself in the folder.",
    ),
    "permission-denied": (
        "アクセス権がないため読み込めません（{reason}）。ファイル（フォルダ）の権限を確認するか、ファイルをコピーし直してください。",
        "No permission to read it ({reason}). Check the file or folder permissions, or copy the file again.",
    ),
    # audit (xlplan lint)
    "audit-kpi-output-only": (
        "施策「{measure}」（{name}）は評価指標で管理していますが、指標がすべて活動・アウトプット指標です（{kpis}）。市民・職員にもたらされた効果を測るアウトカム指標（削減した業務時間、満足度、行動や状態の変化など）を追加してください{guess_note}（{cited}）。",
        "Measure '{measure}' ({name}) is KPI-managed but all its KPIs are activity or output KPIs ({kpis}). "
        "Add an outcome KPI that measures the effect on citizens or staff{guess_note_en} ({cited_en}).",
    ),
    "audit-kpi-type-guessed": (
        "施策「{measure}」の指標「{kpi}」は指標区分が空欄のため、指標名の「{keyword}」から「{guess}」と推定しました（推定）。KPIシートの「指標区分」で活動・アウトプット・アウトカムのいずれかを選んでください（{cited}）。",
        "KPI '{kpi}' of '{measure}' has no type; guessed '{guess}' from the word '{keyword}' in its name. "
        "Pick activity, output or outcome in 指標区分 ({cited_en}).",
    ),
    "audit-kpi-type-missing": (
        "施策「{measure}」の指標「{kpi}」は指標区分が空欄で、指標名からも推定できません。KPIシートの「指標区分」で活動・アウトプット・アウトカムのいずれかを選んでください（{cited}）。",
        "KPI '{kpi}' of '{measure}' has no type and its name gives no clue. Pick activity, output or outcome "
        "in 指標区分 ({cited_en}).",
    ),
    "audit-stage-without-target": (
        "施策「{measure}」（{name}）は{stage}（評価指標で管理）ですが、目標値のある評価指標がありません。構築・検討の段階であれば段階1（構築期）に整理して工程で管理し、そうでなければ計画終了時点の目標値を設定してください（{cited}）。",
        "Measure '{measure}' ({name}) is at {stage} (KPI-managed) but no KPI has a target. If it is still being "
        "built or studied, move it to stage 1 and manage it by milestones; otherwise set a target ({cited_en}).",
    ),
    "audit-study-only": (
        "施策「{measure}」（{name}）は{stage}ですが、{why}。事実上の検討段階として段階1（構築期）に整理し、「いつまでに何をするか」の工程で管理してください（{cited}）。",
        "Measure '{measure}' ({name}) is at {stage}, but {why_en}. "
        "Treat it as stage 1 and manage it by milestones ({cited_en}).",
    ),
    "audit-schedule-without-milestones": (
        "施策「{measure}」（{name}）は{stage}（スケジュールで管理）ですが、工程（マイルストーン）がありません。「いつまでに何をするか」の工程と予定時期を「スケジュール」シートに入力してください（{cited}）。",
        "Measure '{measure}' ({name}) is at {stage} (schedule-managed) but has no milestone. Add what is to be done "
        "by when on the スケジュール sheet ({cited_en}).",
    ),
    "audit-schedule-kpi-without-target": (
        "施策「{measure}」（{name}）は{stage}（スケジュールで管理）ですが、目標値のない評価指標があります（{kpis}）。進捗は工程（マイルストーン）で示し、指標を残す場合は目標値を入力してください（{cited}）。",
        "Measure '{measure}' ({name}) is at {stage} (schedule-managed) and has KPIs without a target ({kpis}). "
        "Show progress by milestones; if a KPI stays, give it a target ({cited_en}).",
    ),
    "audit-no-change": (
        "施策「{measure}」（{name}）の指標の実績値が変わらず目標に届いていません（{detail}）。取組の内容や仕組みを見直し、その内容を「今後の対応」に記載してください（{cited}）。",
        "The actuals of '{measure}' ({name}) have not moved and the target is not reached ({detail}). Rethink how "
        "the measure works and write it in 今後の対応 ({cited_en}).",
    ),
    "audit-nothing-spent": (
        "予算事業「{value}」（{name}）は予算 {budget}千円に対して決算が0円です（関連施策: {measure}）。実績が出ていない理由を確認し、事業の仕組みの見直しを検討してください（{cited}）。",
        "Budget project '{value}' ({name}) spent nothing of its {budget} thousand yen (measures: {measure}). Find "
        "out why and consider reworking it ({cited_en}).",
    ),
    "audit-weak-two-years": (
        "施策「{measure}」（{name}）は評価が{detail}と続いています。施策の仕組みや目標の見直しを検討し、その内容を「今後の対応」に記載してください（{cited}）。",
        "Measure '{measure}' ({name}) has been graded {detail} in a row. Consider reworking the measure or its "
        "target and write it in 今後の対応 ({cited_en}).",
    ),
    "audit-suggest-stage-3": (
        "施策「{measure}」（{name}）は基準値・目標値・{fiscal_year}の実績値がすべて同じです（{detail}）。今後も同様に推移する見込みであれば、段階3（安定期）への移行を検討してください（{cited}）。",
        "Measure '{measure}' ({name}) has baseline = target = actual for {fiscal_year} ({detail}). If it will stay "
        "there, consider moving it to stage 3 (stable) ({cited_en}).",
    ),
    "audit-cause-response-missing": (
        "施策「{measure}」（{name}）は{why}が、{missing}の記載がありません。「原因」と「今後の対応」を記入してください（{cited}）。",
        "Measure '{measure}' ({name}): {why_en}, but {missing_en} not written. "
        "Fill in 原因 and 今後の対応 ({cited_en}).",
    ),
    "audit-basis-without-reason": (
        "施策「{measure}」（{name}）は{fiscal_year}に{stage}ですが「{basis}」で評価しています。評価方法を変えた理由を「ライフサイクル」シートの「変更理由」に記入してください（{cited}）。",
        "Measure '{measure}' ({name}) is at {stage} in {fiscal_year} but graded by '{basis}'. Write why in 変更理由 "
        "on the ライフサイクル sheet ({cited_en}).",
    ),
    "audit-execution-rate-low": (
        "予算事業「{value}」（{name}）の執行率が {rate}（決算 {settlement}千円／予算 {budget}千円）で、基準の {threshold} を下回っています（関連施策: {measure}）。執行残の理由を確認し、次年度の予算見積りに反映してください（監査の視点④）。",
        "Budget project '{value}' ({name}) executed {rate} ({settlement} of {budget} thousand yen), below {threshold} "
        "(measures: {measure}). Check why and reflect it in next year's estimate (audit viewpoint 4).",
    ),
    "audit-settlement-over-budget": (
        "予算事業「{value}」（{name}）の決算 {settlement}千円が予算 {budget}千円を {excess}千円超えています（関連施策: {measure}）。補正後予算の入力漏れや決算額の誤りでないかを確認し、流用・充用であればその理由を記録してください（監査の視点④）。",
        "Budget project '{value}' ({name}) settled {settlement}, {excess} above its budget of {budget} thousand yen "
        "(measures: {measure}). Check for a missing revised budget or a wrong settlement; record any transfer "
        "(audit viewpoint 4).",
    ),
    "audit-near-duplicate": (
        "施策「{measure}」（{name}）は、{others}と体系が同じで施策名の「…{pattern}」も共通し、施策概要もほぼ同じ（一致度 {similarity}）で、担当課所室だけが異なります。一つの施策に統一し、各課所室の取組をその中で管理することを検討してください（{cited}）。",
        "Measure '{measure}' ({name}) shares its place in the plan and the name ending '…{pattern}' with {others}, "
        "and their summaries agree ({similarity}); only the owning section differs. Consider one measure covering each section's part ({cited_en}).",
    ),
    "audit-stage-move-unusual": (
        "施策「{measure}」（{name}）の段階が{from_fy}の{old}から{to_fy}の{new}に変わっていますが、ライフサイクルの通常の移行ではありません。移行の理由を「ライフサイクル」シートの「変更理由」に記入してください。",
        "Measure '{measure}' ({name}) moved from {old} in {from_fy} to {new} in {to_fy}, outside the lifecycle "
        "model. Write the reason in 変更理由 on the ライフサイクル sheet.",
    ),
    # revision
    "stage-move-not-allowed": (
        "施策「{value}」の段階を{old}から{new}に変えるのは、ライフサイクルの通常の移行ではありません。変える場合は「{column}」に理由を書いてください（理由がないため、この変更は反映していません）。",
        "Moving measure '{value}' from {old} to {new} is outside the lifecycle model. Write the reason in '{column}' "
        "(without one, the change was not applied).",
    ),
    "revision-measure-unknown": (
        "施策ID「{value}」は第{version}版の計画にありません。計画にある施策IDを入力してください（新しい施策は「施策の追加」シートに書きます）。",
        "Measure '{value}' is not in version {version} of the plan. Use an ID of the plan (new measures go on 施策の追加).",
    ),
    "revision-measure-retired": (
        "施策「{value}」は{when}から{how}のため、変更できません。施策IDを確認してください。",
        "Measure '{value}' is {how} from {when} and cannot be changed. Check the ID.",
    ),
    "revision-id-taken": (
        "施策ID「{value}」は既に使われています（{name}）。施策IDは廃止・統合の後も再利用しません。空欄にすると新しいIDを自動で付けます。",
        "Measure ID '{value}' is already used ({name}); IDs are never reused. Leave it empty to get a new ID.",
    ),
    "revision-kpi-unknown": (
        "指標ID「{value}」は施策「{measure}」の指標にありません。既存の指標を変えるときはその指標IDを、指標を追加するときは空欄（自動で付番）にしてください。",
        "KPI '{value}' is not a KPI of measure '{measure}'. Use its KPI ID to change one, or leave it empty to add one.",
    ),
    "revision-conflict": (
        "施策「{value}」に両立しない変更があります（{other}）。どちらか一方にしてください（この行は反映していません）。",
        "Measure '{value}' has conflicting changes ({other}). Keep one of them (this row was not applied).",
    ),
    "revision-reason-missing": (
        "「{column}」が空です。理由は新旧対照表に載り、議会・市民が読みます。変更の理由を書いてください。",
        "'{column}' is empty. The reason is printed in the old/new comparison the council reads: write it.",
    ),
    "revision-no-change": (
        "この行の内容は現在の計画と同じため、変更はありません。",
        "This row repeats what the plan already says: nothing changes.",
    ),
    "revision-proposal-stale": (
        "施策「{value}」の改訂案は現在の計画と一致しません（現在の計画では: {current}）。最新の計画から変更ワークブックを作り直すか、「段階の変更」シートに理由とともに書いてください（この行は反映していません）。",
        "The proposal for '{value}' no longer matches the plan (now: {current}). Make a new changes workbook from the "
        "current plan, or write the move with a reason on 段階の変更 (this row was not applied).",
    ),
    "revision-proposal-undecided": (
        "施策「{value}」の改訂案（{proposal}）は「採否」が空のため、段階を変えていません。採用か不採用を選んでください。",
        "The proposal for '{value}' ({proposal}) has no decision: the stage was left as it is. Pick 採用 or 不採用.",
    ),
    "revision-base-mismatch": (
        "この変更ワークブックは第{value}版から作られていますが、改訂する計画は第{expected}版です。施策IDと改訂案が現在の計画と合っているか確認してください。",
        "This changes workbook was made from version {value}, but the plan being revised is version {expected}. "
        "Check that its IDs and proposals still match.",
    ),
    # consolidation
    "file-is-master": (
        "このファイルは統合済みのマスター（{value}）なので、課所室の提出ファイルとしては読み込みませんでした。",
        "This file is a consolidated master ({value}), not a section workbook: not read as an input.",
    ),
    "input-fiscal-year-mismatch": (
        "このブックは{value}の様式です（統合する年度: {expected}）。統合には含めていません。{expected}の様式に入力し直して提出してください。",
        "This workbook is for {value}, not {expected}: left out of the master. Fill in the {expected} workbook.",
    ),
    "section-sent-twice": (
        "課所室「{value}」から複数のファイルが提出されています（ほかに {other}）。古いファイルを削除するか、どちらが正しいか確認してください。",
        "Section '{value}' sent several files (also {other}). Remove the old one or check which is right.",
    ),
    "section-not-returned": (
        "名簿にある課所室「{value}」からの提出がありません。提出を依頼してください。",
        "Section '{value}' is on the roster but sent nothing. Ask it to send its workbook.",
    ),
    "section-not-on-roster": (
        "課所室「{value}」は名簿にありません。課所室名の表記が名簿と同じか、名簿が最新かを確認してください。",
        "Section '{value}' is not on the roster. Check the spelling of the section name or update the roster.",
    ),
    "consolidation-conflict": (
        "「{column}」の値が提出ファイルによって異なります（このセル: 「{value}」、{other}: 「{other_value}」）。"
        "マスターにはこのセルの値を採用しました。どちらが正しいか確認し、誤っている方を直して再提出してください。",
        "'{column}' differs between files (here: '{value}', {other}: '{other_value}'). The master keeps this cell's "
        "value; check which is right and have the wrong one corrected.",
    ),
    "consolidation-duplicate": (
        "{what}「{value}」は {other} にも同じ内容で提出されています。マスターには1回だけ計上しました。",
        "{what} '{value}' was also sent, unchanged, in {other}; counted once in the master.",
    ),
    "measure-owner-missing": (
        "施策「{value}」は主担当課所室「{owner}」からの提出がないため、関連課所室の行から取り込みました（段階・評価指標・取組結果はありません）。主担当課所室に提出を依頼してください。",
        "Measure '{value}': nothing from its primary owner '{owner}', so it was taken from a co-owner's reference row "
        "(no stage, KPI or results). Ask the owner to send its workbook.",
    ),
    "measure-not-owner": (
        "施策「{value}」の主担当は「{owner}」です。この課所室が入力した{what}はマスターに取り込んでいません。主担当課所室のファイルに入力してください。",
        "Measure '{value}' is owned by '{owner}': the {what} typed here was not taken into the master. "
        "The primary owner reports it.",
    ),
    "measure-not-returned": (
        "前回のマスターにある施策「{value}」（{name}）を、どの課所室も提出していません。廃止した施策か提出漏れかを確認してください。",
        "Measure '{value}' ({name}) of the previous master was returned by no section. Check whether it was "
        "dropped or forgotten.",
    ),
    "project-measure-missing": (
        "予算事業「{project}」の関連施策ID「{value}」は、どの提出ファイルの「施策」シートにもありません。施策IDを確認してください。",
        "Budget project '{project}' links measure '{value}', which no returned workbook lists. Check the ID.",
    ),
}


class _Defaulting(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def render(code: str, params: Mapping[str, str], *, column: str, value: str, lang: str = "ja") -> str:
    """Fill a code's template; unknown placeholders render empty rather than failing.

    In English a param `X_en`, where a finding gives one, is what `{X}` shows.
    """
    ja, en = CATALOG[code]
    template = en if lang == "en" else ja
    values = _Defaulting(params)
    if lang == "en":  # a param's English wording (stage_en, detail_en…) stands in for it
        values.update({key[:-3]: text for key, text in params.items() if key.endswith("_en")})
    values.setdefault("column", column)
    values.setdefault("value", value)
    return template.format_map(values).strip()
