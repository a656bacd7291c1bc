"""The changes workbook as HQ receives it, fills it in Excel, and as `revise` reads it back."""

from __future__ import annotations

import itertools
from pathlib import Path

import openpyxl
import pytest

from xlplan.core.enums import Severity, Stage
from xlplan.core.findings import Code
from xlplan.core.layout import HEADER_ROW
from xlplan.core.revision import apply
from xlplan.core.revision.layout import CHANGE_SHEETS, CHANGES_TEMPLATE_VERSION
from xlplan.core.revision.proposals import Decision, propose_transitions
from xlplan.core.revision.read import read_changes
from xlplan.io.changes_workbook import ChangesOptions, read_changes_workbook, write_changes_workbook
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.sample import load_sample_plan

from .conftest import sha256

PLAN = load_sample_plan()
PROPOSALS = propose_transitions(PLAN)
OPTIONS = ChangesOptions(fiscal_year=2025, plan_name=PLAN.name, base_version="2.0", to_version="2.1")
SHEETS = ["改訂案", "施策の追加", "施策の統合", "施策の廃止"]
SHEETS += ["施策名の変更", "担当課所室の変更", "段階の変更", "指標の変更"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("changes") / "changes.xlsx"
    return write_changes_workbook(path, OPTIONS, plan=PLAN, proposals=PROPOSALS)


@pytest.fixture
def filled(template, tmp_path, edit_workbook) -> Path:
    """HQ's decisions and changes, typed as a person would (including two mistakes)."""
    return edit_workbook(
        template,
        {
            "改訂案!G3": "不採用",  # M-009
            "改訂案!G4": "採用",  # M-014
            "改訂案!G5": "採用",  # M-035
            "改訂案!H5": "2年続けて目標を達成したため",
            "施策の統合!A3": "M-069",
            "施策の統合!B3": "自治体情報システムの標準化",
            "施策の統合!E3": "M-021、M-022、M-023、M-024、M-025、M-026、M-027、M-028",
            "施策の統合!F3": "監査意見11",
            "施策の追加!B3": "窓口キャッシュレス決済の導入",
            "施策の追加!D3": "市民生活部市民課",
            "施策の追加!G3": "段階1",
            "施策の追加!H3": "新規事業化",
            "段階の変更!A3": "M-001",
            "段階の変更!B3": "1",
            "指標の変更!A3": "M-001",
            "指標の変更!B3": "M-001-K1",
            "指標の変更!J3": "約30",
            "施策の廃止!A3": "M21",
            "施策の廃止!B3": "重複",
        },
        target=tmp_path / "filled.xlsx",
    )


def test_sheets_in_order_with_the_machinery_hidden(template):
    workbook = openpyxl.load_workbook(template)
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    assert visible == ["記入要領", *SHEETS, "施策一覧（参照）"]
    assert [layout.name for layout in CHANGE_SHEETS] == SHEETS
    meta = {r[0].value: r[1].value for r in workbook["_meta"].iter_rows()}
    assert meta["template_version"] == CHANGES_TEMPLATE_VERSION
    assert (meta["plan_version"], meta["to_version"], meta["fiscal_year"]) == ("2.0", "2.1", "2025")
    assert workbook.security.lockStructure


def test_proposals_are_prefilled_with_a_decision_dropdown(template):
    sheet = openpyxl.load_workbook(template)["改訂案"]
    assert [c.value for c in sheet[HEADER_ROW]] == list(CHANGE_SHEETS[0].headers)
    assert [c.value for c in sheet[4]][:6] == [
        "M-014",
        "災害ボランティアセンターICT導入事業",
        "1",
        "2",
        "すべての工程が完了（構築完了）したため拡大期へ移行",
        "工程2件すべて完了、評価指標（目標値）は未設定",
    ]
    [decision] = [dv for dv in sheet.data_validations.dataValidation if "G3" in dv.sqref]
    assert decision.type == "list" and decision.formula1.startswith("'_lists'!")


def test_a_blank_template_reads_as_no_change(tmp_path):
    path = write_changes_workbook(tmp_path / "blank.xlsx", ChangesOptions(fiscal_year=2025))
    book = read_changes_workbook(path)
    assert book.readable and book.findings == []
    read = read_changes(book, PLAN, PROPOSALS)
    assert len(read.changes) == 0 and read.accepted == () and read.findings == ()


def test_no_sheet_can_be_mistaken_for_another_when_renamed():
    """The reader finds a renamed sheet by its headers (at least half, at least two must match)."""
    for a, b in itertools.permutations(CHANGE_SHEETS, 2):
        shared = set(a.headers) & set(b.headers)
        assert len(shared) < max(2, len(a.headers) // 2), (a.name, b.name, shared)


def test_mistakes_are_reported_at_their_cells_and_their_rows_left_out(filled):
    before = sha256(filled)
    book = read_changes_workbook(filled)
    errors = [(f.address, f.code) for f in book.findings if f.severity is Severity.ERROR]
    assert errors == [("施策の廃止!A3", Code.ID_INVALID), ("指標の変更!J3", Code.NUMBER_INVALID)]
    assert "約30" in next(f for f in book.findings if f.code is Code.NUMBER_INVALID).message()
    read = read_changes(book, PLAN, PROPOSALS)
    assert read.changes.retirements == () and read.changes.kpis == ()
    assert sha256(filled) == before  # the input is never touched


def test_changes_and_decisions_are_read_with_their_cells(filled):
    read = read_changes(read_changes_workbook(filled), PLAN, PROPOSALS)
    [merge] = read.changes.merges
    assert (merge.target_id, merge.target_name, merge.reason) == ("M-069", "自治体情報システムの標準化", "監査意見11")
    assert merge.merged_ids == tuple(f"M-{n:03d}" for n in range(21, 29))
    assert merge.origin.cell("merged_ids") == "E3"
    [added] = read.changes.additions
    assert (added.measure_id, added.name, added.stage, added.primary_section) == (
        "",
        "窓口キャッシュレス決済の導入",
        Stage.BUILD,
        "市民生活部市民課",
    )
    decided = {d.proposal.measure_id: d.decision for d in read.decisions}
    assert decided["M-009"] is Decision.REJECT
    assert [p.measure_id for p in read.accepted] == ["M-014", "M-035"]
    assert read.accepted[1].reason == "2年続けて目標を達成したため"  # HQ's comment replaces the rule's wording
    undecided = [f.address for f in read.findings if f.code is Code.REVISION_PROPOSAL_UNDECIDED]
    assert undecided == [f"改訂案!G{row}" for row in range(6, 3 + len(PROPOSALS))]


def test_a_move_outside_the_model_typed_without_a_reason_is_refused_at_its_reason_cell(filled):
    read = read_changes(read_changes_workbook(filled), PLAN, PROPOSALS)
    result = apply(PLAN, read.changes, read.accepted, "2.1")
    assert [(f.address, f.code) for f in result.findings if f.severity is Severity.ERROR] == [
        ("段階の変更!C3", Code.STAGE_MOVE_NOT_ALLOWED)
    ]
    assert [r.measure_id for r in result.comparison if str(r.kind) == "統合"] == [f"M-{n:03d}" for n in range(21, 29)]


def test_an_accepted_proposal_edited_since_is_refused(template, tmp_path, edit_workbook):
    path = edit_workbook(template, {"改訂案!D4": "3", "改訂案!G4": "採用"}, target=tmp_path / "stale.xlsx")
    read = read_changes(read_changes_workbook(path), PLAN, PROPOSALS)
    [stale] = [f for f in read.findings if f.code is Code.REVISION_PROPOSAL_STALE]
    assert (stale.address, stale.severity, stale.value) == ("改訂案!D4", Severity.ERROR, "M-014")
    assert "段階1→2の提案" in stale.message()
    assert read.accepted == ()


def test_a_workbook_made_from_another_version_is_flagged(template):
    read = read_changes(read_changes_workbook(template), PLAN.__class__(version="2.1"), ())
    assert [(f.code, f.value) for f in read.findings] == [(Code.REVISION_BASE_MISMATCH, "2.0")]


def test_a_section_workbook_is_not_a_changes_workbook(tmp_path):
    path = write_section_workbook(tmp_path / "section.xlsx", TemplateOptions(fiscal_year=2025, blank_rows=1))
    book = read_changes_workbook(path)
    assert not book.readable
    assert [(f.address, f.code) for f in book.findings] == [("_meta!B1", Code.TEMPLATE_VERSION)]
