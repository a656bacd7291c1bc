"""`xlplan grade` on real section workbooks, and the computed columns of the template."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import sha256
from xlplan.app.grade import grade_workbook
from xlplan.cli.main import cli
from xlplan.core.findings import Code
from xlplan.core.layout import FIRST_DATA_ROW, HEADER_ROW, KPI, LIFECYCLE, MEASURES, TEMPLATE_VERSION
from xlplan.io.grade_sheet import GRADE_SHEET, GRADE_SHEET_HEADERS
from xlplan.io.reader import read_section_workbook
from xlplan.io.rules_file import load_rules

M001_TRACE = (
    "段階2（拡大期）: 評価指標で評価。実績値 22.6 は基準値 21.1 より改善、目標値 30.0 未達 → B"
    "（年度の値で比較。参考値 43.8 は評価に使わない）"
)
M002_TRACE = (
    "段階3・4（安定期・改修検討）: スケジュールで評価。工程1件（完了0・着手済み未完了1・未着手0）。"
    "着手済みで、予定時期を過ぎた未完了の工程はない（おおむね計画どおり） → B（評価基準日 令和7年3月31日）"
)


def run_grade(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["grade", *args])
    return result.exit_code, result.stdout, result.stderr


def test_grade_json_and_a_copy_with_the_grade_sheet(filled_workbook: Path, tmp_path: Path):
    out = tmp_path / "評価済み.xlsx"
    before = sha256(filled_workbook)

    code, stdout, stderr = run_grade(str(filled_workbook), "-o", str(out), "--json")

    assert code == 0, stderr
    document = json.loads(stdout)
    assert document["outputs"] == [{"kind": "graded-copy", "path": str(out)}]
    [grades] = document["grades"]
    assert grades == {
        "path": str(filled_workbook),
        "measures": [
            {
                "id": "M-001",
                "name": "オンライン化による行政サービスの推進",
                "stage": "2",
                "basis": "評価指標",
                "grade": "B",
                "self_grade": "B",
                "trace": M001_TRACE,
            },
            {
                "id": "M-002",
                "name": "自治体システムの最適化",
                "stage": "3・4",
                "basis": "スケジュール",
                "grade": "B",
                "self_grade": "B",
                "trace": M002_TRACE,
            },
        ],
    }
    assert sha256(filled_workbook) == before  # FILE is never modified

    workbook = openpyxl.load_workbook(out)
    assert workbook.sheetnames[:3] == ["記入要領", GRADE_SHEET, "入力チェック"]
    sheet = workbook[GRADE_SHEET]
    assert [c.value for c in sheet[2]] == list(GRADE_SHEET_HEADERS)
    assert [c.value for c in sheet[3]] == [
        "M-001",
        "オンライン化による行政サービスの推進",
        "2",
        "評価指標",
        "B",
        "B",
        None,
        "評価指標1件: 達成0・改善1・横ばい0・悪化0",
        M001_TRACE,
        None,
    ]
    assert [c.value for c in sheet[4]][:8] == [
        "M-002",
        "自治体システムの最適化",
        "3・4",
        "スケジュール",
        "B",
        "B",
        None,
        "工程1件: 完了0・遅れ0・未着手0",
    ]
    assert sheet.max_row == 4
    assert "評価基準: 秋田市デジタル化推進計画2.0" in sheet["A1"].value
    assert "評価基準日: 令和7年3月31日" in sheet["A1"].value
    # the rest of the copy is the section's workbook, formulas included
    assert workbook["KPI"]["M3"].value == 22.6
    assert workbook["施策"]["M3"].value.startswith("=IF(")


def test_the_graded_copy_still_reads_and_checks_clean(filled_workbook: Path, tmp_path: Path):
    out = tmp_path / "copy.xlsx"
    assert run_grade(str(filled_workbook), "-o", str(out))[0] == 0
    result = CliRunner().invoke(cli, ["check", "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["files"][0]["findings"] == []


def test_a_self_grade_that_differs_is_flagged(filled_workbook: Path, edit_workbook, tmp_path: Path):
    edit_workbook(filled_workbook, {"施策!I3": "C"})
    out = tmp_path / "out.xlsx"

    code, stdout, _ = run_grade(str(filled_workbook), "-o", str(out))

    assert code == 0
    assert "要確認" in stdout
    assert "2 施策を評価しました（A 0・B 2・C 0・D 0、判定なし 0）。自己評価と異なる施策: 1 件。" in stdout.replace(
        "\n", ""
    )
    sheet = openpyxl.load_workbook(out)[GRADE_SHEET]
    assert [sheet[f"{c}3"].value for c in "EFG"] == ["B", "C", "要確認"]
    assert sheet["G4"].value is None
    graded = grade_workbook(filled_workbook, load_rules())
    assert [(f.sheet, f.cell, f.code, f.message()) for f in graded.mismatch_findings()] == [
        (
            "施策",
            "I3",
            Code.SELF_GRADE_MISMATCH,
            "自己評価 C と算定評価 B が異なります。"
            "根拠を確認し、自己評価を直すか理由を「取組結果」に記載してください。",
        )
    ]


def test_the_evaluation_date_decides_whether_a_milestone_is_late(filled_workbook: Path, edit_workbook):
    edit_workbook(filled_workbook, {"スケジュール!D3": "2024/9"})
    _, stdout, _ = run_grade(str(filled_workbook), "--json")
    assert json.loads(stdout)["grades"][0]["measures"][1]["grade"] == "C"
    _, stdout, _ = run_grade(str(filled_workbook), "--json", "--evaluation-date", "2024-09-30")
    [_, m002] = json.loads(stdout)["grades"][0]["measures"]
    assert m002["grade"] == "B"
    assert m002["trace"].endswith("（評価基準日 令和6年9月30日）")


def test_rules_option_selects_another_citys_rules(filled_workbook: Path, tmp_path: Path):
    rules = tmp_path / "other.toml"
    rules.write_text('name = "架空市"\n[kpi]\nimproved = "C"\n', encoding="utf-8")
    _, stdout, _ = run_grade(str(filled_workbook), "--json", "--rules", str(rules))
    [m001, m002] = json.loads(stdout)["grades"][0]["measures"]
    assert (m001["grade"], m002["grade"]) == ("C", "B")
    assert m001["trace"].endswith("目標値 30.0 未達 → C（年度の値で比較。参考値 43.8 は評価に使わない）")


@pytest.mark.parametrize(
    ("make_args", "exit_code", "message"),
    [
        (lambda wb, tmp: [str(wb), "-o", str(wb)], 2, "が入力ファイルと同じです"),
        (lambda wb, tmp: [str(_text_file(tmp))], 2, "を評価できません: CSV（テキスト）ファイルのようです"),
        (lambda wb, tmp: [str(wb), "--rules", str(_bad_rules(tmp))], 2, "評価基準ファイル"),
    ],
    ids=["output-is-input", "not-a-workbook", "bad-rules"],
)
def test_errors_exit_with_a_message_and_touch_nothing(filled_workbook, tmp_path, make_args, exit_code, message):
    before = sha256(filled_workbook)
    code, stdout, stderr = run_grade(*make_args(filled_workbook, tmp_path))
    assert code == exit_code
    assert message in stderr
    assert stdout == ""
    assert sha256(filled_workbook) == before


def _text_file(folder: Path) -> Path:
    path = folder / "メモ.xlsx"
    path.write_text("施策ID,評価\nM-001,B\n", encoding="utf-8")
    return path


def _bad_rules(folder: Path) -> Path:
    path = folder / "bad.toml"
    path.write_text('[kpi]\nreached = "S"\n', encoding="utf-8")
    return path


# The computed columns of the section workbook --------------------------------------------------


def test_computed_columns_sit_right_of_the_inputs_locked_with_formulas(filled_workbook: Path):
    workbook = openpyxl.load_workbook(filled_workbook)
    expected = {
        MEASURES: ["算定評価", "評価の根拠", "自己評価との差異"],
        LIFECYCLE: ["適用する評価方法", "評価年度の施策ID（計算用）"],
        KPI: ["算定評価", "評価の根拠"],
    }
    for layout, headers in expected.items():
        sheet = workbook[layout.name]
        first = len(layout.columns) + 1
        got = [sheet.cell(row=HEADER_ROW, column=first + i).value for i in range(len(headers))]
        assert got == headers, layout.name
        for i in range(len(headers)):
            for row in (FIRST_DATA_ROW, FIRST_DATA_ROW + 100):
                cell = sheet.cell(row=row, column=first + i)
                assert cell.protection.locked, (layout.name, cell.coordinate)
                assert str(cell.value).startswith("=IF("), (layout.name, cell.coordinate)
    assert workbook["ライフサイクル"].column_dimensions["G"].hidden
    assert not workbook["ライフサイクル"].column_dimensions["F"].hidden
    assert {c.field: MEASURES.letter(c.field) for c in MEASURES.computed} == {
        "grade": "M",
        "grade_reason": "N",
        "grade_check": "O",
    }
    rules = [(str(cf.sqref), rule.formula[0]) for cf in workbook["施策"].conditional_formatting for rule in cf.rules]
    assert ("M3:M104", '$M3="A"') in rules and ("M3:M104", '$M3="D"') in rules
    assert ("O3:O104", '$O3<>""') in rules
    assert TEMPLATE_VERSION == "xlplan-section/2"


def test_the_reader_ignores_computed_columns(filled_workbook: Path):
    book = read_section_workbook(filled_workbook)
    assert book.findings == []  # the formulas have no saved result, and that is not a finding
    assert set(book.sheets["measures"].records[0]) == {c.field for c in MEASURES.columns}
    assert set(book.sheets["kpi"].records[0]) == {c.field for c in KPI.columns}
    assert book.sheets["measures"].rows == [3, 4]  # rows holding only formulas are not data


def test_a_layout_keeps_computed_columns_apart_from_input_columns():
    from xlplan.core.layout import Column, Kind, SheetLayout

    formula = Column("grade", "算定評価", Kind.TEXT, "自動計算", computed=True)
    with pytest.raises(ValueError, match="computed columns belong in `computed`"):
        SheetLayout(key="x", name="x", title="x", columns=(formula,))
    layout = SheetLayout(key="x", name="x", title="x", columns=(MEASURES.columns[0],), computed=(formula,))
    assert (layout.headers, layout.letter("grade"), layout.column("grade")) == (("施策ID",), "B", formula)


# Many files in one run --------------------------------------------------------------------------


def _folder_of_returns(filled_workbook: Path, tmp_path: Path) -> Path:
    """A folder as HQ keeps it: two returned workbooks (one in a subfolder, same name) and a CSV
    saved as .xlsx by mistake."""
    folder = tmp_path / "returned"
    (folder / "第2回").mkdir(parents=True)
    for target in (folder / filled_workbook.name, folder / "第2回" / filled_workbook.name):
        target.write_bytes(filled_workbook.read_bytes())
    _text_file(folder)
    return folder


def test_grade_a_folder_in_one_run_with_copies_into_a_folder(filled_workbook, tmp_path):
    folder = _folder_of_returns(filled_workbook, tmp_path)
    before = {p: sha256(p) for p in folder.rglob("*.xlsx")}
    out = tmp_path / "graded"
    code, stdout, stderr = run_grade(str(folder), "-o", str(out), "--json", "--jobs", "2")
    assert code == 1, stderr  # one file could not be graded (an error finding); the others were
    document = json.loads(stdout)
    graded = document["grades"]
    assert len(graded) == 2 and all([m["grade"] for m in f["measures"]] == ["B", "B"] for f in graded)
    [failed] = [f for f in document["files"] if f["status"] == "not-graded"]
    assert [x["code"] for x in failed["findings"]] == ["file-csv"]
    assert any("CSV（テキスト）ファイルのようです" in note for note in document["notes"])
    assert len(document["outputs"]) == 2
    copies = sorted(p.name for p in out.iterdir())
    assert copies == ["情報統計課.xlsx", "情報統計課_2.xlsx"]  # same names, numbered, none lost
    for copy in out.iterdir():
        assert GRADE_SHEET in openpyxl.load_workbook(copy, read_only=True).sheetnames
    assert {p: sha256(p) for p in folder.rglob("*.xlsx")} == before


def test_grade_many_prints_one_row_per_file(filled_workbook, tmp_path):
    folder = _folder_of_returns(filled_workbook, tmp_path)
    code, stdout, _ = run_grade(str(folder / filled_workbook.name), str(folder / "第2回"))
    assert code == 0
    assert "2 ファイルを評価しました。" in stdout


def test_grade_refuses_to_write_copies_over_the_inputs(filled_workbook, tmp_path):
    folder = _folder_of_returns(filled_workbook, tmp_path)
    before = {p: sha256(p) for p in folder.rglob("*.xlsx")}
    code, _, stderr = run_grade(str(folder / filled_workbook.name), str(folder / "第2回"), "-o", str(folder))
    assert code == 2
    assert "入力ファイルと同じです" in stderr
    assert {p: sha256(p) for p in folder.rglob("*.xlsx")} == before
