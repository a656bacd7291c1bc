"""Legal files other producers write are read exactly, or a finding says where they are not.

Each case is one a new user met (issue #13): the value a cell shows, at the cell its XML names,
whatever the markup around it; an error a cell shows is a finding at that cell, never an
empty value; a stray value far outside the table is one finding at its cell, not the whole
file refused. HQ's own workbooks (masters, the roster) are read through the same guard.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import corpus
from tests.conftest import sha256
from xlplan.cli.main import cli
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.io.reader import read_section_workbook
from xlplan.io.roster import read_roster
from xlplan.sample import load_sample_plan

KPI_ROW = 3  # the base workbook's KPI M-001-K1: actual M3 = 22.6, reference N3 = 43.8


def write(tmp_path: Path, data: bytes, name: str = "提出.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def check(path: Path) -> tuple[int, list[tuple[str, str, str]], list[str]]:
    result = CliRunner().invoke(cli, ["check", "--json", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    [report] = json.loads(result.stdout)["files"]
    findings = report["findings"]
    return result.exit_code, [(f["sheet"], f["cell"], f["code"]) for f in findings], [f["message"] for f in findings]


def grade(path: Path) -> dict[str, str]:
    result = CliRunner().invoke(cli, ["grade", "--json", str(path)])
    return {m["id"]: m["grade"] for m in json.loads(result.stdout)["grades"][0]["measures"]}


def kpi(path: Path) -> tuple[object, object]:
    record = read_section_workbook(path).sheets["kpi"].records[0]
    return record["actual"], record["reference"]


def with_percent_style(data: bytes) -> tuple[bytes, int]:
    """The workbook with one more cell format, showing 0.0%; returns it and its index."""
    styles = corpus.members(data)["xl/styles.xml"].decode()
    count = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))
    styles = styles.replace(f'<cellXfs count="{count}">', f'<cellXfs count="{count + 1}">')
    styles = styles.replace("</cellXfs>", '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>')
    return corpus.rebuild(data, {"xl/styles.xml": styles.encode()}), count


def edit_kpi(data: bytes, old: str, new: str) -> bytes:
    def edit(xml: str) -> str:
        assert old in xml, old
        return xml.replace(old, new, 1)

    return corpus.edit_sheet(data, "KPI", edit)


def replace_kpi_cells(data: bytes, **cells: Callable[[str], str]) -> bytes:
    """The KPI sheet with whole cells replaced, whatever markup the writer gave them: each
    builder gets the cell's own style attribute (' s="1"') and returns the new element."""

    def edit(xml: str) -> str:
        for ref, element in cells.items():
            xml = corpus.replace_cell(xml, ref, element)
        return xml

    return corpus.edit_sheet(data, "KPI", edit)


def actual_as(body: str, typed: str = "") -> Callable[[str], str]:
    """実績値 M3 with this body (and `t` attribute), keeping its style."""
    return lambda style: f'<c r="M3"{style}{typed}>{body}</c>'


def test_a_cell_without_r_after_one_with_r_is_read_at_its_own_column(tmp_path):
    """22.6% typed as Excel stores it (0.226, percent format); 実績値 and 参考値 written without `r`."""
    data, percent = with_percent_style(corpus.base_workbook())
    data = replace_kpi_cells(
        data,
        L3=lambda style: f'<c r="L3"{style} t="n" />',
        M3=lambda _style: f'<c s="{percent}"><v>0.226</v></c>',
        N3=lambda style: f"<c{style}><v>43.8</v></c>",
    )
    assert re.search(r'<c r="L3"[^>]*/><c s="\d+"><v>0\.226</v></c><c[^>r]*><v>43\.8</v></c>', kpi_xml(data))
    path = write(tmp_path, data)
    assert kpi(path) == (22.6, 43.8)
    assert grade(path)["M-001"] == "B"
    assert check(path)[0] == 0


def kpi_xml(data: bytes) -> str:
    return corpus.members(data)[corpus.sheet_part(data, "KPI")].decode()


@pytest.mark.parametrize("saved", ["2&#50;.6", "2&#x32;.6", "<![CDATA[22.6]]>", "<![CDATA[22]]>.6", " 22.6 "])
def test_character_references_and_cdata_in_a_value_read_as_the_number(tmp_path, saved):
    path = write(tmp_path, edit_kpi(corpus.base_workbook(), "<v>22.6</v>", f"<v>{saved}</v>"))
    assert kpi(path) == (22.6, 43.8)
    assert check(path)[:2] == (0, [])


def test_cdata_and_references_in_an_inline_string_read_as_the_text(tmp_path):
    inner = "<is><t><![CDATA[電子申請<割合>]]>&#x3068;&amp;</t></is>"
    data = corpus.edit_sheet(
        corpus.base_workbook(), "KPI", lambda xml: corpus.set_cell(xml, "C3", inner, ' s="7" t="inlineStr"')
    )
    record = read_section_workbook(write(tmp_path, data)).sheets["kpi"].records[0]
    assert record["name"] == "電子申請<割合>と&"


@pytest.mark.parametrize("error", ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"])
def test_a_formula_showing_an_error_is_a_finding_at_its_cell(tmp_path, error):
    """Sections type formulas such as =B3/C3 into 実績値; an error result is never an empty actual."""
    path = write(
        tmp_path, replace_kpi_cells(corpus.base_workbook(), M3=actual_as(f"<f>B3/C3</f><v>{error}</v>", ' t="e"'))
    )
    code, findings, messages = check(path)
    assert code == 1
    assert findings == [("KPI", "M3", "cell-error")]
    assert error in messages[0] and "入力" in messages[0]
    assert "実績値" in messages[0]
    graded = CliRunner().invoke(cli, ["grade", str(path)])
    assert "エラーが 1 件" in graded.output  # grade says the actual was not read, instead of "未入力" alone


def test_an_error_typed_without_a_formula_is_a_finding_too(tmp_path):
    path = write(tmp_path, replace_kpi_cells(corpus.base_workbook(), M3=actual_as("<v>#N/A</v>", ' t="e"')))
    assert check(path)[:2] == (1, [("KPI", "M3", "cell-error")])


def test_an_extlst_inside_a_cell_is_ignored(tmp_path):
    ext = '<extLst><ext uri="{00000000-0000-0000-0000-000000000000}"><x:v xmlns:x="urn:other">9</x:v></ext></extLst>'
    path = write(tmp_path, replace_kpi_cells(corpus.base_workbook(), M3=actual_as(f"<v>22.6</v>{ext}", ' t="n"')))
    assert kpi(path) == (22.6, 43.8)
    assert check(path)[:2] == (0, [])


def test_formulas_dragged_down_empty_rows_showing_empty_text_are_blank_rows(tmp_path):
    """=IF(L6="","",L6) dragged down rows nobody filled: Excel saves an empty text result (t="str")."""

    def drag(xml: str) -> str:
        for row in range(4, 12):
            empty = f'<c r="A{row}" s="6" t="str"><f>IF(L{row}="","",L{row})</f><v></v></c>'
            xml = corpus.set_cell(xml, f"A{row}", empty.split(">", 1)[1][: -len("</c>")], ' s="6" t="str"')
            xml = corpus.set_cell(xml, f"M{row}", f'<f>IF(L{row}="","",L{row})</f><v/>', ' s="6" t="str"')
        return xml

    path = write(tmp_path, corpus.edit_sheet(corpus.base_workbook(), "KPI", drag))
    assert check(path)[:2] == (0, [])
    assert len(read_section_workbook(path).sheets["kpi"].records) == 1


def test_a_formula_without_a_saved_result_is_still_reported(tmp_path):
    path = write(tmp_path, replace_kpi_cells(corpus.base_workbook(), M3=actual_as("<f>B3/C3</f><v></v>")))
    _code, findings, _ = check(path)
    assert ("KPI", "M3", "formula-no-value") in findings


def test_a_stray_value_far_right_is_one_finding_at_its_cell_and_the_rest_is_read(tmp_path):
    path = write(tmp_path, corpus.far_cell(corpus.base_workbook(), "XFD3"))
    code, findings, _messages = check(path)
    assert findings == [("KPI", "XFD3", "value-outside-table")]
    assert code == 0
    assert kpi(path) == (22.6, 43.8)


def test_a_sheet_part_in_utf16_reads_the_same(tmp_path):
    base = corpus.base_workbook()
    part = corpus.sheet_part(base, "KPI")
    xml = corpus.members(base)[part].decode()
    xml = re.sub(r"^<\?xml[^>]*\?>", "", xml)
    utf16 = '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16") + xml.encode("utf-16-le")
    path = write(tmp_path, corpus.rebuild(base, {part: utf16}))
    assert kpi(path) == (22.6, 43.8)
    assert check(path)[:2] == (0, [])


def test_helper_sheets_made_hidden_by_libreoffice_are_ours(tmp_path):
    def hidden(xml: str) -> str:
        return xml.replace('state="veryHidden"', 'state="hidden"')

    data = corpus.edit_part(corpus.base_workbook(), "xl/workbook.xml", hidden)
    assert 'state="hidden"' in corpus.members(data)["xl/workbook.xml"].decode()
    assert check(write(tmp_path, data))[:2] == (0, [])


def test_shared_strings_with_rich_runs_and_phonetic_guides_read_as_excel_shows_them(tmp_path):
    """Japanese Excel saves furigana (<rPh>) with names; shown is the text without them."""
    items = [
        '<si><t>情報統計課</t><rPh sb="0" eb="2"><t>ジョウホウ</t></rPh><phoneticPr fontId="1"/></si>',
        '<si><r><t>電子申請</t></r><r><rPr><b/></rPr><t xml:space="preserve">の割合</t></r></si>',
    ]
    # added to the workbook's table, which is moved to where the relationship says, as Excel may name it
    data, first = corpus.add_shared_strings(corpus.base_workbook(), items, part="xl/strings/table.xml")
    assert "xl/sharedStrings.xml" not in corpus.members(data)
    data = corpus.edit_sheet(data, "KPI", lambda xml: corpus.set_cell(xml, "C3", f"<v>{first + 1}</v>", ' s="7" t="s"'))
    record = read_section_workbook(write(tmp_path, data)).sheets["kpi"].records[0]
    assert record["name"] == "電子申請の割合"


def test_a_master_with_one_value_at_the_last_cell_is_read_not_a_crash(tmp_path):
    """`lint` on such a master used to abort the process (a 512 GiB allocation, exit 134)."""
    path = write_master(tmp_path / "plan.xlsx", MasterContent(plan=load_sample_plan(), cards=False))
    data = corpus.far_cell(path.read_bytes(), "XFD1048576", sheet="施策")
    far = write(tmp_path, data, "far.xlsx")
    before = sha256(far)
    result = CliRunner().invoke(cli, ["lint", str(far), "--json"])
    assert result.exit_code in (0, 1), result.output
    assert isinstance(result.exception, SystemExit | None)
    assert sha256(far) == before


def test_the_roster_is_read_through_the_guard(tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    for number, name in enumerate(["課所室", "情報統計課", "財政課"], start=1):
        workbook.active.cell(number, 1, name)
    roster = tmp_path / "名簿.xlsx"
    workbook.save(roster)
    assert [entry.section for entry in read_roster(roster)] == ["情報統計課", "財政課"]
    bomb = write(tmp_path, corpus.small_bomb(roster.read_bytes()), "bomb.xlsx")
    from xlplan.errors import XlplanError

    with pytest.raises(XlplanError, match="名簿ファイル"):
        read_roster(bomb)
