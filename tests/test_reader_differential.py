"""The reader reads every generated legal sheet exactly as openpyxl's full reading of the same file.

Hypothesis writes sheets the way different producers do: cells with and without `r`, rows
with and without `r`, gaps, every value type (numbers, shared and inline strings, rich text
with phonetic guides, booleans, errors, formulas with a cached value or an empty text
result, dates), character references and CDATA. For each file the reader's (cell, value)
pairs must equal those of `openpyxl.load_workbook(data_only=True)` (not read-only: the
reference reading). The `@example`s pin the cases that once went wrong, one per shape, as
pandera pins failure cases per check.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from xlplan.core.cells import column_letter
from xlplan.io.xlsx.package import WorkbookParts

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OOXML = "application/vnd.openxmlformats-officedocument"
SHARED = ["施策", "  前後に空白  ", "a&b<c>", "M-001"]
RICH = (  # shared string 4: two runs and a phonetic guide (furigana), shown as 電子申請
    '<si><r><t>電子</t></r><r><rPr><b/></rPr><t xml:space="preserve">申請 </t></r>'
    '<rPh sb="0" eb="2"><t>デンシ</t></rPh></si>'
)
STYLES = (  # 0: General, 1: 0.0%, 2: yyyy/m/d (built-in 14), 3: custom date
    f'<styleSheet xmlns="{MAIN}"><numFmts count="1">'
    '<numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>'
    '<fonts count="1"><font/></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="10"/>'
    '<xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


@dataclass(frozen=True)
class Cell:
    column: int
    xml: str  # everything after `<c` and before the attributes' end: ' t="s"><v>0</v></c>'
    with_ref: bool


VALUES = st.one_of(
    st.sampled_from(["0", "1", "-3", "22.6", "0.226", "1E3", "1.5e-3", " 22.6 ", "2&#50;.6", "<![CDATA[43.8]]>"]).map(
        lambda v: f"><v>{v}</v></c>"
    ),
    st.sampled_from(["0", "1", "2", "3", "4"]).map(lambda v: f' t="s"><v>{v}</v></c>'),  # 4: the rich string
    st.sampled_from(["秋田市", "a &amp; b", "&#x3042;い", "<![CDATA[<tag>]]>", " x "]).map(
        lambda v: f' t="inlineStr"><is><t xml:space="preserve">{v}</t></is></c>'
    ),
    st.just(' t="inlineStr"><is><r><t>リッチ</t></r><r><t>テキスト</t></r><rPh sb="0" eb="1"><t>リ</t></rPh></is></c>'),
    st.sampled_from(["0", "1"]).map(lambda v: f' t="b"><v>{v}</v></c>'),
    st.sampled_from(["#N/A", "#DIV/0!", "#VALUE!", "#REF!"]).map(lambda v: f' t="e"><f>1/0</f><v>{v}</v></c>'),
    st.sampled_from(["", "x", "42"]).map(lambda v: f' t="str"><f>IF(A1="","",A1)</f><v>{v}</v></c>'),
    st.just('><f t="shared" ref="A1:A3" si="0">B1*2</f><v>6</v></c>'),
    st.just('><f t="shared" si="0"/><v>8</v></c>'),  # a shared formula's follower, as Excel and our writer save it
    st.sampled_from(["0", "2", "4"]).map(lambda v: f' s="1" t="s"><v>{v}</v></c>'),  # styled shared text
    st.just('><f t="array" ref="A1:A1">SUM(B1:B3*2)</f><v>12</v></c>'),
    st.just('><v>22.6</v><extLst><ext uri="{X}"><x:v xmlns:x="urn:other">9</x:v></ext></extLst></c>'),
    st.sampled_from(["45383", "45383.5", "1", "59", "61"]).map(lambda v: f' s="2"><v>{v}</v></c>'),
    st.just(' s="3"><v>45000</v></c>'),
    st.just(' s="1"><v>0.226</v></c>'),
    st.just("/>"),  # a formatted blank
)


@st.composite
def rows(draw: st.DrawFn) -> list[tuple[int, bool, list[Cell]]]:
    numbers = sorted(draw(st.sets(st.integers(1, 40), min_size=1, max_size=8)))
    result = []
    for number in numbers:
        columns = sorted(draw(st.sets(st.integers(1, 30), max_size=6)))
        cells = [Cell(c, draw(VALUES), draw(st.booleans())) for c in columns]
        result.append((number, draw(st.booleans()), cells))
    return result


def sheet_xml(spec: list[tuple[int, bool, list[Cell]]]) -> str:
    """Rows and cells as written. A cell without `r` is the one right of the previous cell (its
    generated column is ignored); a cell with `r` keeps its column when that is further right.
    A row is written without `r` only where it is the one after the previous row."""
    out = []
    previous_row = 0
    for number, row_ref, cells in spec:
        out.append(f'<row r="{number}">' if row_ref or number != previous_row + 1 else "<row>")
        previous = 0
        for cell in cells:
            column = max(cell.column, previous + 1) if cell.with_ref else previous + 1
            ref = f' r="{column_letter(column)}{number}"' if cell.with_ref else ""
            out.append(f"<c{ref}{cell.xml}")
            previous = column
        out.append("</row>")
        previous_row = number
    body = "".join(out)
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>'


def package(sheet: str, date1904: bool = False) -> bytes:
    strings = "".join(
        f'<si><t xml:space="preserve">{s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")}</t></si>'
        for s in SHARED
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(
                f'<Override PartName="/xl/{name}" ContentType="{OOXML}.spreadsheetml.{kind}+xml"/>'
                for name, kind in (
                    ("workbook.xml", "sheet.main"),
                    ("worksheets/sheet1.xml", "worksheet"),
                    ("styles.xml", "styles"),
                    ("sharedStrings.xml", "sharedStrings"),
                )
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr date1904="{int(date1904)}"/>'
            '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/styles.xml": STYLES,
        "xl/sharedStrings.xml": f'<sst xmlns="{MAIN}">{strings}{RICH}</sst>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def ours(data: bytes) -> dict[tuple[int, int], object]:
    parts = WorkbookParts(data)
    scan = parts.scan_sheet("S")
    return {(r, c): _comparable(v) for r, cells in scan.values.items() for c, v in cells.items()}


def openpyxls(data: bytes) -> dict[tuple[int, int], object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True)["S"]
    return {
        (cell.row, cell.column): _comparable(cell.value)
        for row in sheet.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }


def _comparable(value: object) -> object:
    """Dates at midnight as dates (openpyxl gives datetimes); numbers as floats; text as str."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return str(value)
    return value


def agree(spec: list[tuple[int, bool, list[Cell]]], date1904: bool = False) -> None:
    data = package(sheet_xml(spec), date1904)
    assert ours(data) == openpyxls(data), sheet_xml(spec)


def c(column: int, xml: str, with_ref: bool = True) -> Cell:
    return Cell(column, xml, with_ref)


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on minimal styles and unknown extensions
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows(), st.booleans())
# a cell without r after one with r: the next column, not one further (the 22.6% → 参考値 case)
@example([(3, True, [c(12, "/>"), c(0, ' s="1"><v>0.226</v></c>', False), c(0, "><v>43.8</v></c>", False)])], False)
@example([(3, True, [c(13, "><v>2&#50;.6</v></c>"), c(14, "><v><![CDATA[43.8]]></v></c>")])], False)  # refs, CDATA
@example([(3, True, [c(13, ' t="e"><f>B3/C3</f><v>#DIV/0!</v></c>')])], False)  # an error result
@example([(3, True, [c(13, '><v>22.6</v><extLst><ext uri="{X}"/></extLst></c>')])], False)  # extLst in a cell
@example([(6, True, [c(1, ' t="str"><f>IF(L6="","",L6)</f><v></v></c>')])], False)  # an empty text result
@example([(2, True, [c(3, ' t="s"><v>4</v></c>')])], False)  # rich text with a phonetic guide
@example([(2, True, [c(1, ' s="2"><v>45383</v></c>')])], True)  # the 1904 date system
@example([(1, False, [c(0, "><v>1</v></c>", False)]), (2, False, [c(0, "><v>2</v></c>", False)])], False)  # no r
@example([(4, True, [c(17, ' s="1" t="s"><v>2</v></c>'), c(18, '><f t="shared" si="0"/><v>8</v></c>')])], False)
def test_the_reader_reads_what_openpyxl_reads(spec, date1904):
    agree(spec, date1904)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_sheet_written_by_xlsxwriter_takes_the_fast_path_and_reads_what_openpyxl_reads(tmp_path):
    """The section writer's engine: shared strings with styles, rich strings, formulas with a saved
    value, `spans` and row heights, a sheet-level <sheetPr>, <dimension>, validations, protection."""
    import xlsxwriter

    from xlplan.io.xlsx.limits import DEFAULT_LIMITS
    from xlplan.io.xlsx.sheet_scan import fast_scan
    from xlplan.io.xlsx.xml_scan import Budget

    path = tmp_path / "xlsxwriter.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("S")
    lists = book.add_worksheet("L")
    percent, date, bold = (
        book.add_format({"num_format": "0.0%"}),
        book.add_format({"num_format": "yyyy/m/d"}),
        book.add_format({"bold": True}),
    )
    sheet.set_tab_color("#FF0000")  # <sheetPr>
    sheet.set_row(0, 30, bold)
    sheet.write_row(0, 0, ["施策", "実績値", "  前後に空白  ", "a&b<c>"], bold)
    sheet.write_row(1, 0, ["M-001", 0.226, 43.8, True], percent)
    sheet.write_datetime(2, 0, dt.datetime(2024, 4, 1), date)
    sheet.write_rich_string(2, 1, "電子", bold, "申請")
    sheet.write_formula(2, 2, "=B2*2", None, 0.452)
    sheet.write_formula(2, 3, '=IF(A9="","",A9)', None, "")
    sheet.write_array_formula(3, 0, 3, 0, "{=SUM(B2:C2*2)}", None, 88.904)
    lists.write_column(0, 0, ["A", "B", "C"])
    sheet.data_validation(1, 4, 20, 4, {"validate": "list", "source": "=L!$A$1:$A$3"})
    sheet.protect()
    book.close()
    data = path.read_bytes()
    part = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<sheetPr" in part and b"<dimension" in part and b"spans=" in part and b' t="s"' in part
    assert fast_scan(part, "S", WorkbookParts(data).formats, DEFAULT_LIMITS, Budget(DEFAULT_LIMITS)) is not None
    read = ours(data)
    assert read == openpyxls(data)
    assert read[(3, 2)] == "電子申請" and read[(2, 2)] == 0.226 and read[(3, 1)] == dt.date(2024, 4, 1)
