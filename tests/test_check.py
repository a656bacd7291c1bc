"""`xlplan check` on real workbooks: each mistake a person makes yields its finding at its cell."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import msoffcrypto.format.ooxml
import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import sha256
from tests.libreoffice import convert
from xlplan.cli.main import cli


def run_check(*paths: Path, extra: tuple[str, ...] = ()) -> tuple[int, list[dict]]:
    result = CliRunner().invoke(cli, ["check", "--json", *extra, *map(str, paths)])
    return result.exit_code, json.loads(result.stdout)["files"]


def problems(report: dict, *, include_info: bool = False) -> list[tuple[str, str, str]]:
    return [(f["sheet"], f["cell"], f["code"]) for f in report["findings"] if include_info or f["severity"] != "info"]


def test_a_correctly_filled_workbook_passes(filled_workbook):
    before = sha256(filled_workbook)
    code, [report] = run_check(filled_workbook)
    assert code == 0
    assert report["ok"] is True
    assert report["findings"] == []
    assert sha256(filled_workbook) == before


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"KPI!J3": "約30"}, [("KPI", "J3", "number-invalid")]),
        ({"KPI!J3": None}, [("KPI", "J3", "kpi-target-missing")]),
        ({"KPI!H3": None}, [("KPI", "H3", "kpi-baseline-missing")]),
        ({"KPI!D3": "成果"}, [("KPI", "D3", "value-not-in-list")]),
        ({"KPI!F3": None}, [("KPI", "F3", "value-missing")]),
        ({"KPI!I3": "来年度"}, [("KPI", "I3", "fiscal-year-invalid")]),
        ({"KPI!A3": "M-999"}, [("KPI", "A3", "measure-unknown"), ("ライフサイクル", "C3", "kpi-missing")]),
        ({"KPI!B3": "K1"}, [("KPI", "B3", "id-invalid")]),
        (
            {"施策!A4": "M-001"},
            [
                ("施策", "A4", "id-duplicate"),
                ("ライフサイクル", "A4", "measure-unknown"),
                ("スケジュール", "A3", "measure-unknown"),
            ],
        ),
        ({"ライフサイクル!B3": "令和5年度"}, [("施策", "A3", "stage-missing")]),
        ({"ライフサイクル!C4": "6"}, [("ライフサイクル", "C4", "value-not-in-list")]),
        (
            {
                "スケジュール!A3": None,
                "スケジュール!B3": None,
                "スケジュール!C3": None,
                "スケジュール!D3": None,
                "スケジュール!E3": None,
            },
            [("ライフサイクル", "C4", "milestone-missing")],
        ),
        ({"スケジュール!D3": "来年の春"}, [("スケジュール", "D3", "month-invalid")]),
        ({"予算!E3": 2000}, [("予算事業", "G3", "budget-lines-mismatch")]),
        ({"財源!C3": 2000}, [("予算事業", "E3", "funding-mismatch")]),
        (
            {"予算!A3": "P-002-1"},
            [
                ("予算", "A3", "project-unknown"),
                ("予算事業", "E3", "budget-lines-mismatch"),
                ("予算事業", "F3", "budget-lines-mismatch"),
                ("予算事業", "G3", "budget-lines-mismatch"),
            ],
        ),
        ({"予算!C3": -5}, [("予算", "C3", "value-out-of-range")]),
        ({"施策!I3": "S"}, [("施策", "I3", "value-not-in-list")]),
    ],
    ids=lambda v: str(v)[:40] if isinstance(v, dict) else None,
)
def test_each_mistake_is_found_at_its_cell(filled_workbook, edit_workbook, cells, expected):
    edit_workbook(filled_workbook, cells)
    before = sha256(filled_workbook)
    code, [report] = run_check(filled_workbook)
    assert code == 1
    assert sorted(problems(report)) == sorted(expected)
    assert sha256(filled_workbook) == before


def test_a_done_milestone_without_date_is_a_warning(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"スケジュール!E3": "完了"})
    code, [report] = run_check(filled_workbook)
    assert code == 0
    assert [(f["cell"], f["code"], f["severity"]) for f in report["findings"]] == [
        ("F3", "milestone-done-without-date", "warning")
    ]


def test_a_project_total_without_any_line(filled_workbook, edit_workbook):
    edit_workbook(
        filled_workbook, {"予算!A3": None, "予算!B3": None, "予算!C3": None, "予算!D3": None, "予算!E3": None}
    )
    _, [report] = run_check(filled_workbook)
    assert problems(report) == [("予算事業", c, "budget-lines-mismatch") for c in ("E3", "F3", "G3")]


def test_messages_name_the_column_and_say_what_to_type(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    _, [report] = run_check(filled_workbook)
    [finding] = report["findings"]
    assert finding == {
        "file": str(filled_workbook),
        "sheet": "KPI",
        "cell": "J3",
        "address": "KPI!J3",
        "column": "目標値",
        "value": "約30",
        "severity": "error",
        "code": "number-invalid",
        "message": "「目標値」の「約30」は数値として読めません。半角の数値だけを入力してください（例: 30.0）。"
        "単位や注記は「備考」へ。",
        "params": {
            "choices": "",
            "example": "30.0",
            "expected": "±1,000兆未満の数値",
            "hint": "計画終了時点（令和8年度）の目標値。数値のみ。",
        },
        "self_check": True,
    }


def test_english_messages_on_request(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    _, [report] = run_check(filled_workbook, extra=("--lang", "en"))
    assert report["findings"][0]["message"].startswith("'約30' in '目標値' is not a number")


def test_what_people_really_type_is_read_and_each_change_logged(filled_workbook, edit_workbook):
    edit_workbook(
        filled_workbook,
        {
            "KPI!H3": "２１．１％",
            "KPI!I3": "R5",
            "KPI!L3": " 22.6 ",
            "KPI!M3": "該当なし",
            "予算事業!E3": "2,873",
            "ライフサイクル!C3": "段階2",
            "KPI!J3": "30.0%",
        },
    )
    code, [report] = run_check(filled_workbook)
    assert code == 0, report
    infos = {f["cell"]: f["message"] for f in report["findings"] if f["code"] == "value-normalized"}
    assert set(infos) == {"H3", "I3", "L3", "M3", "E3", "C3", "J3"}
    assert "21.1" in infos["H3"]
    assert "令和5年度" in infos["I3"]


def test_percent_typed_into_a_general_cell_is_read_as_points(filled_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    wb["KPI"]["L3"] = 0.226  # Excel stores "22.6%" typed by a person like this
    wb["KPI"]["L3"].number_format = "0.0%"
    wb.save(filled_workbook)
    code, [report] = run_check(filled_workbook)
    assert code == 0
    [info] = report["findings"]
    assert (info["cell"], info["code"]) == ("L3", "value-normalized")
    assert "22.6" in info["message"]


def test_a_missing_sheet(filled_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    wb.security.lockStructure = False
    del wb["財源"]
    wb.save(filled_workbook)
    _, [report] = run_check(filled_workbook)
    assert problems(report) == [("財源", "", "sheet-missing")]


def test_a_renamed_sheet_is_found_and_still_read(filled_workbook, edit_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    wb["KPI"].title = "評価指標"
    wb["評価指標"]["J3"] = "約30"
    wb.save(filled_workbook)
    _, [report] = run_check(filled_workbook)
    assert sorted(problems(report)) == [("評価指標", "", "sheet-renamed"), ("評価指標", "J3", "number-invalid")]


def test_an_inserted_column_moves_headers_and_cells_still_point_right(filled_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    ws = wb["KPI"]
    ws.insert_cols(3)
    ws["K3"] = "約30"  # 目標値, one column to the right now
    wb.save(filled_workbook)
    _, [report] = run_check(filled_workbook)
    found = problems(report)
    assert ("KPI", "D2", "header-moved") in found  # 指標名 moved from C2 to D2
    assert ("KPI", "K3", "number-invalid") in found


def test_a_deleted_header(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!O2": None})
    _, [report] = run_check(filled_workbook)
    assert problems(report) == [("KPI", "O2", "header-missing")]


def test_a_header_row_pushed_down(filled_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    wb["予算"].insert_rows(1)
    wb.save(filled_workbook)
    _, [report] = run_check(filled_workbook)
    assert problems(report) == [("予算", "A3", "header-moved")]


def test_wrong_template_version(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"_meta!B1": "xlplan-section/0"})
    code, [report] = run_check(filled_workbook)
    assert code == 1
    assert problems(report) == [("_meta", "B1", "template-version")]
    assert "xlplan-section/0" in report["findings"][0]["message"]


def test_a_workbook_that_is_not_ours(tmp_path):
    path = tmp_path / "自作.xlsx"
    openpyxl.Workbook().save(path)
    _, [report] = run_check(path)
    assert problems(report) == [("", "", "template-not-xlplan")]


def test_formula_without_cached_value(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!L3": "=21.1+1.5"})  # openpyxl saves no result, like some tools
    _, [report] = run_check(filled_workbook)
    assert ("KPI", "L3", "formula-no-value") in problems(report)


def test_merged_cells_over_input_ranges(filled_workbook):
    wb = openpyxl.load_workbook(filled_workbook)
    wb["施策"].merge_cells("J3:L3")
    wb.save(filled_workbook)
    _, [report] = run_check(filled_workbook)
    assert problems(report) == [("施策", "J3", "merged-input-cells")]
    assert "J3:L3" in report["findings"][0]["message"]


def test_password_encrypted_file(filled_workbook, tmp_path):
    encrypted = tmp_path / "暗号化.xlsx"
    with filled_workbook.open("rb") as plain, encrypted.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("secret", out)
    _, [report] = run_check(encrypted)
    assert problems(report) == [("", "", "file-encrypted")]
    assert report["skipped"] is True


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"\x00\x01garbage" * 50, "file-not-workbook"),
        ("施策ID,施策名\nM-001,オンライン化\n".encode("cp932"), "file-csv"),
        (b"PK\x03\x04truncated zip", "file-unreadable"),
    ],
)
def test_files_that_are_not_workbooks(tmp_path, content, code):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(content)
    _, [report] = run_check(path)
    assert problems(report) == [("", "", code)]


def test_a_truncated_workbook(filled_workbook, tmp_path):
    broken = tmp_path / "途中まで.xlsx"
    data = filled_workbook.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    _, [report] = run_check(broken)
    assert problems(report) == [("", "", "file-unreadable")]


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "資料.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    _, [report] = run_check(path)
    assert problems(report) == [("", "", "file-not-workbook")]


@pytest.mark.libreoffice
@pytest.mark.parametrize(("fmt", "code"), [("xls", "file-xls"), ("ods", "file-ods")])
def test_old_and_open_formats_renamed_to_xlsx(filled_workbook, tmp_path, fmt, code):
    converted = convert(filled_workbook, fmt, tmp_path / "out")
    renamed = tmp_path / "提出.xlsx"
    shutil.copy(converted, renamed)
    _, [report] = run_check(renamed)
    assert problems(report) == [("", "", code)]


def test_lock_files_are_skipped_with_a_note(filled_workbook, tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    shutil.copy(filled_workbook, folder / "情報統計課.xlsx")
    (folder / "~$情報統計課.xlsx").write_bytes(b"\x00" * 165)
    (folder / "メモ.txt").write_text("not a workbook")
    code, reports = run_check(folder)
    assert code == 0
    by_name = {Path(r["path"]).name: r for r in reports}
    assert set(by_name) == {"情報統計課.xlsx", "~$情報統計課.xlsx"}
    lock = by_name["~$情報統計課.xlsx"]
    assert lock["skipped"] is True and lock["ok"] is True
    assert [(f["code"], f["severity"]) for f in lock["findings"]] == [("file-lock-skipped", "info")]


def test_one_bad_file_never_stops_the_others(filled_workbook, edit_workbook, tmp_path):
    folder = tmp_path / "returned"
    folder.mkdir()
    good = folder / "a_good.xlsx"
    shutil.copy(filled_workbook, good)
    (folder / "b_broken.xlsx").write_bytes(b"PK\x03\x04broken")
    bad_value = edit_workbook(filled_workbook, {"KPI!J3": "約30"}, target=folder / "c_typo.xlsx")
    code, reports = run_check(folder)
    assert code == 1
    assert [Path(r["path"]).name for r in reports] == ["a_good.xlsx", "b_broken.xlsx", "c_typo.xlsx"]
    assert [r["ok"] for r in reports] == [True, False, False]
    assert problems(reports[2]) == [("KPI", "J3", "number-invalid")]
    assert Path(reports[2]["path"]) == bad_value


def test_usage_errors_exit_2(tmp_path):
    runner = CliRunner()
    assert runner.invoke(cli, ["check", str(tmp_path / "nothing.xlsx")]).exit_code == 2
    assert runner.invoke(cli, ["check"]).exit_code == 2
    assert runner.invoke(cli, ["check", "--fiscal-year", "来年", str(tmp_path)]).exit_code == 2


def test_the_table_output_points_at_cells(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!J3": "約30"})
    result = CliRunner().invoke(cli, ["check", str(filled_workbook)], terminal_width=200)
    assert result.exit_code == 1
    assert "KPI!J3" in result.output
    assert "number-invalid" in result.output
    assert "1 件のファイルを確認し、1 件にエラーがあります。" in result.output


def test_skip_hides_a_code(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"KPI!H3": None})
    code, [report] = run_check(filled_workbook, extra=("--skip", "kpi-baseline-missing"))
    assert code == 0
    assert report["findings"] == []


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("nan", "number-invalid"),
        ("NaN", "number-invalid"),
        (" -nan ", "number-invalid"),
        ("inf", "value-out-of-range"),
        ("-Infinity", "value-out-of-range"),
        ("1e999", "value-out-of-range"),
    ],
)
@pytest.mark.parametrize("address", ["KPI!N3", "予算事業!G3"])
def test_text_that_python_reads_as_a_non_number_is_reported_not_emptied(
    filled_workbook, edit_workbook, typed, expected, address
):
    """pandas coerces the text "nan" to an empty cell: without the guard, a value lost in silence."""
    edit_workbook(filled_workbook, {address: typed})
    code, [report] = run_check(filled_workbook)
    sheet, cell = address.split("!")
    found = [f for f in report["findings"] if (f["sheet"], f["cell"]) == (sheet, cell) and f["severity"] == "error"]
    assert [(f["code"], f["value"]) for f in found] == [(expected, typed.strip())]
    assert code == 1
