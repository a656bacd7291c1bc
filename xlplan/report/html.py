"""The council report as one self-contained HTML file in Japanese (no script, no CDN, no web font).

Sections: 概要, 進捗評価の分布, 予算と決算, 評価指標の進捗, 一覧表, 監査観点からの指摘, and the
open data published beside it. Charts are inline SVG (`svg.py`) with the figures repeated
in tables; the page prints on A4 and reads on a phone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from html import escape

from ..core.appearance import FONT_FAMILY, GRADE_PALETTE
from ..core.enums import Severity
from ..core.fiscal import fy_label
from ..core.master.view import GRADE_COLUMNS, grade_column, stage_label
from .svg import Bar, Segment, grouped_bars, progress_track, stacked_bars
from .view import KpiProgress, MeasureLine, ReportView

__all__ = ["GRADE_COLOURS", "render_html"]

# the workbooks' palette (core.appearance), so the report and the master's charts agree
GRADE_COLOURS: Mapping[str, str] = {grade: f"#{colour}" for grade, colour in GRADE_PALETTE.items()}
BUDGET_COLOUR, SETTLEMENT_COLOUR = "#1F4E78", "#F28E2B"
_SEVERITY = {Severity.ERROR: "エラー", Severity.WARNING: "警告", Severity.INFO: "情報"}

_FONTS = ",".join(f"'{name}'" for name in FONT_FAMILY)
_CSS = (
    "body{font-family:"
    + _FONTS
    + ",sans-serif;color:#262626;margin:0;"
    + """
 line-height:1.6;background:#fff}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{font-size:24px;color:#1F4E78;border-bottom:3px solid #1F4E78;padding-bottom:6px}
h2{font-size:19px;color:#1F4E78;border-left:6px solid #1F4E78;padding-left:8px;margin-top:36px}
h3{font-size:15px;margin:20px 0 6px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0 16px}
th,td{border:1px solid #BFBFBF;padding:3px 6px;vertical-align:top}
th{background:#1F4E78;color:#fff;font-weight:bold}
td.n{text-align:right;white-space:nowrap}.id{white-space:nowrap}
tr.h0 td{background:#DDEBF7;font-weight:bold}tr.h1 td{background:#EEF5FB;font-weight:bold}
tr.h2 td,tr.h3 td{background:#F7FAFD}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{border:1px solid #BFBFBF;border-radius:6px;padding:10px 16px;min-width:150px}
.card b{display:block;font-size:22px;color:#1F4E78}
.g{display:inline-block;min-width:1.6em;text-align:center;color:#fff;border-radius:3px;font-weight:bold}
.note{font-size:12px;color:#595959}
figure{margin:8px 0}svg{max-width:100%;height:auto}
.wide{overflow-x:auto}th{white-space:nowrap}td.kind{white-space:nowrap}
@media (max-width:720px){main{padding:10px}h1{font-size:20px}table{font-size:12px}
 .wide table{min-width:640px}.card{min-width:120px;padding:6px 10px}.card b{font-size:18px}}
@page{size:A4 landscape;margin:12mm 10mm}
@media print{body{font-size:10pt}main{max-width:none;padding:0}h2{break-before:page}
 .wide{overflow:visible}table{font-size:8.5pt;width:100%}thead{display:table-header-group}
 tr,figure,svg{break-inside:avoid}svg{width:100%;max-height:170mm}
 .cards{gap:6px}a{color:inherit;text-decoration:none}}
"""
)


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _id(value: str) -> str:
    return f'<span class="id">{_e(value)}</span>'


def _num(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _amount(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _grade_badge(letter: str) -> str:
    colour = GRADE_COLOURS.get(letter)
    if not colour or len(letter) != 1:
        return _id(letter)
    return f'<span class="g" style="background:{colour}">{_e(letter)}</span>'


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], *, numeric: Collection[int] = ()) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row))
        body.append(f"<tr>{cells}</tr>")
    return f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _summary(view: ReportView) -> str:
    total = view.budget_total
    graded = sum(view.grade_total.counts[g] for g in "ABCD")
    cards = [
        ("施策数", f"{len(view.plan.measures)}"),
        ("進捗評価の対象", f"{graded}"),
        ("予算（補正後）", f"{total.final_budget:,}千円"),
        ("決算", f"{total.settlement:,}千円"),
        ("執行率", _rate(total.execution_rate)),
        ("監査観点の指摘", f"警告 {view.count(Severity.WARNING)}・情報 {view.count(Severity.INFO)}"),
    ]
    items = "".join(f'<div class="card">{_e(label)}<b>{_e(value)}</b></div>' for label, value in cards)
    return (
        f'<section id="summary"><h2>概要</h2><div class="cards">{items}</div>'
        f'<p class="note">予算事業が複数の施策に関連する場合（{len(view.marks)}事業）も、合計では1回だけ数えています。'
        "金額の単位は千円、予算は補正後予算（補正がなければ当初予算）です。</p></section>"
    )


def _grades(view: ReportView) -> str:
    rows = [r for r in view.grade_rows if r.total] + [view.grade_total]
    bars = [Bar(r.label, tuple(Segment(c, r.counts[c], GRADE_COLOURS[c]) for c in GRADE_COLUMNS)) for r in rows]
    chart = stacked_bars("ライフサイクル段階別の進捗評価（施策数）", bars)
    table = _table(
        ["段階", *GRADE_COLUMNS, "計"],
        ([_e(r.label), *(str(r.counts[c]) for c in GRADE_COLUMNS), str(r.total)] for r in rows),
        numeric=set(range(1, len(GRADE_COLUMNS) + 2)),
    )
    return (
        '<section id="grades"><h2>進捗評価の分布</h2>'
        '<p class="note">評価は評価基準（ライフサイクル段階ごとの評価方法と区分）に従って再計算した値です。'
        "A: 目標達成・構築完了、B: 改善・おおむね計画どおり、C: 横ばい・計画より遅れ、D: 悪化・未着手。</p>"
        f"<figure>{chart}</figure>{table}</section>"
    )


def _budget(view: ReportView) -> str:
    rows = [*view.budget_rows, view.budget_total]
    bars = [
        Bar(
            r.label,
            (
                Segment("予算（補正後）", r.final_budget, BUDGET_COLOUR),
                Segment("決算", r.settlement, SETTLEMENT_COLOUR),
            ),
        )
        for r in view.budget_rows
    ]
    chart = grouped_bars("取組事項別の予算と決算", bars, unit="千円")
    table = _table(
        ["取組事項", "予算事業数", "当初予算", "予算（補正後）", "決算", "執行率"],
        (
            [
                _e(r.label),
                str(r.projects),
                _amount(r.initial),
                _amount(r.final_budget),
                _amount(r.settlement),
                _rate(r.execution_rate),
            ]
            for r in rows
        ),
        numeric={1, 2, 3, 4, 5},
    )
    return (
        '<section id="budget"><h2>予算と決算</h2>'
        '<p class="note">複数の取組事項にまたがる予算事業は各取組事項に計上し、合計では1回だけ数えています。</p>'
        f"<figure>{chart}</figure>{table}</section>"
    )


def _kpi_row(item: KpiProgress) -> list[str]:
    unit = item.kpi.unit
    kind = item.kpi.kpi_type.value if item.kpi.kpi_type else "（未入力）"
    return [
        _id(item.measure.measure_id),
        _e(item.measure.name),
        _e(item.kpi.name),
        _e(kind),
        _num(item.baseline, unit),
        _num(item.target, unit),
        _num(item.actual, unit),
        _rate(item.achievement),
        progress_track(item.progress, reached=item.reached),
    ]


def _kpis(view: ReportView) -> str:
    table = _table(
        [
            "施策ID",
            "施策名",
            "評価指標",
            "指標区分",
            "基準値",
            "目標値",
            f"{fy_label(view.fiscal_year)}実績値",
            "達成率",
            "基準値 → 目標値の進捗",
        ],
        (_kpi_row(k) for k in view.kpis),
        numeric={4, 5, 6, 7},
    )
    return (
        '<section id="kpis"><h2>評価指標の進捗</h2>'
        '<p class="note">灰色の縦線が基準値、黒の縦線が目標値（計画終了時点）、点が今年度の実績値です。'
        "達成率は実績値÷目標値（低いほど良い指標は目標値÷実績値）、進捗は基準値から目標値までに進んだ割合です。</p>"
        f"{table}</section>"
    )


def _list(view: ReportView) -> str:
    body = []
    for line in view.lines:
        if isinstance(line, MeasureLine):
            row, budget = line.row, line.budget
            measure, grade = row.measure, row.grade
            assert measure is not None
            stage = grade.stage if grade else measure.stage_in(view.fiscal_year)
            marks = "".join(f"({m})" for m in row.marks)
            own = measure.self_grades.get(view.fiscal_year)
            cells = [
                _id(measure.measure_id),
                _e(measure.name),
                _e("、".join(measure.sections)),
                _e(stage_label(stage)),
                _grade_badge(grade_column(grade)),
                _e(own or "—"),
                f"{_amount(budget.final_budget if budget.final_budget is not None else None)}{_e(marks)}",
                _amount(budget.settlement),
                _rate(budget.execution_rate),
            ]
            body.append(
                "<tr>"
                + "".join(f'<td class="n">{c}</td>' if i >= 6 else f"<td>{c}</td>" for i, c in enumerate(cells))
                + "</tr>"
            )
        else:
            body.append(f'<tr class="h{min(line.level, 3)}"><td colspan="9">{_e(line.label)}</td></tr>')
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "施策ID",
            "施策名",
            "関連課所室",
            "ライフサイクル段階",
            "進捗評価",
            "自己評価",
            "予算（補正後）",
            "決算",
            "執行率",
        )
    )
    marks = "、".join(f"({mark}) {pid}" for pid, mark in view.marks.items())
    return (
        '<section id="list"><h2>一覧表</h2>'
        f'<p class="note">予算は施策に関連する予算事業の合計です。複数の施策に関連する予算事業には印を付けています'
        f"（{_e(marks)}）。</p>"
        f'<div class="wide"><table><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div></section>'
    )


def _findings(view: ReportView) -> str:
    parts = [
        '<section id="findings"><h2>監査観点からの指摘</h2>',
        '<p class="note">令和7年度包括外部監査の意見に沿って、計画の内容を機械的に点検した結果です。'
        "指摘は確認のきっかけであり、判断は各課所室とデジタル化推進本部が行います。</p>",
    ]
    if not view.findings:
        parts.append("<p>指摘はありません。</p>")
    for check, items in view.findings:
        parts.append(
            f"<h3>{_e(check.title)}（{_e(check.opinion_label)}、{_e(_SEVERITY[check.severity])} {len(items)}件）</h3>"
        )
        parts.append(
            _table(["施策ID", "内容"], ([_id(dict(f.params).get("measure", f.value)), _e(f.message())] for f in items))
        )
    parts.append("</section>")
    return "".join(parts)


def _open_data(files: Mapping[str, str]) -> str:
    if not files:
        return ""
    items = "".join(f'<li><a href="{_e(name)}">{_e(name)}</a>　{_e(text)}</li>' for name, text in files.items())
    return (
        '<section id="open-data"><h2>オープンデータ・資料</h2>'
        "<p>この報告の数値を、表計算ソフトで開けるCSV（UTF-8、BOM付き）で公開しています。</p>"
        f"<ul>{items}</ul></section>"
    )


def render_html(view: ReportView, *, files: Mapping[str, str] | None = None) -> str:
    """The whole report as one HTML document.

    :param view: what to show (`report_view`).
    :param files: the files published beside the report (name → description), linked at the end.
    """
    generated = f"{view.generated_at:%Y年%m月%d日 %H:%M} 作成"
    nav = "".join(
        f'<a href="#{anchor}">{label}</a>　'
        for anchor, label in (
            ("summary", "概要"),
            ("grades", "進捗評価"),
            ("budget", "予算と決算"),
            ("kpis", "評価指標"),
            ("list", "一覧表"),
            ("findings", "監査観点"),
            ("open-data", "オープンデータ"),
        )
    )
    return (
        '<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(view.title)}</title><style>{_CSS}</style></head><body><main>"
        f'<h1>{_e(view.title)}</h1><p class="note">{_e(generated)}（xlplan）　{nav}</p>'
        f"{_summary(view)}{_grades(view)}{_budget(view)}{_kpis(view)}{_list(view)}{_findings(view)}"
        f"{_open_data(files or {})}</main></body></html>\n"
    )
