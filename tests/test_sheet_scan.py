"""The fast sheet scan finds exactly what the strict expat scanner finds, or declines.

`fast_scan` (one compiled regular expression) is the path every ordinary sheet takes;
`SheetScanner` (expat) is the reference. For generated sheets of every shape the reader meets
(cells with and without references, every value type, formulas with and without a saved
result, percent styles, hidden rows and columns, merges, entities, line breaks, Japanese) the
two must agree on every fact and on what they charge to the budget.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlplan.io.xlsx.limits import DEFAULT_LIMITS, InputRefused
from xlplan.io.xlsx.package import WorkbookParts
from xlplan.io.xlsx.sheet_scan import SheetParts, SheetScanner, fast_scan
from xlplan.io.xlsx.values import BookFormats
from xlplan.io.xlsx.xml_scan import Budget, guarded_parser

FORMATS = BookFormats(["abc", "", "twelve chars", "fünf!"], percent=frozenset({2}), dates=frozenset({7}))
# shared strings 0..3; style 2 shows a percent, style 7 a date


def streamed(xml: bytes, formats: BookFormats = FORMATS) -> tuple[SheetParts, tuple[int, int]]:
    budget = Budget(DEFAULT_LIMITS)
    scanner = SheetScanner("S", formats, DEFAULT_LIMITS, budget)
    parser = guarded_parser("sheet")
    for attribute, handler in scanner.handlers().items():
        setattr(parser, attribute, handler)
    parser.Parse(xml, True)
    return scanner.parts, (budget.cells, budget.chars)


def fast(xml: bytes, formats: BookFormats = FORMATS) -> tuple[SheetParts, tuple[int, int]] | None:
    budget = Budget(DEFAULT_LIMITS)
    parts = fast_scan(xml, "S", formats, DEFAULT_LIMITS, budget)
    return None if parts is None else (parts, (budget.cells, budget.chars))


def assert_same(xml: bytes, formats: BookFormats = FORMATS) -> bool:
    """Compare both scans; True when the fast one decided (did not decline)."""
    found = fast(xml, formats)
    if found is None:
        return False
    assert found == streamed(xml, formats), xml.decode("utf-8", "replace")[:2000]
    return True


TEXT = st.sampled_from(["", " ", "0", "12", "abc", "a&amp;b", "&lt;x&gt;", "改行\r\nあり", "秋田市", "  1 ", "1\r2"])
STYLE = st.sampled_from(["", ' s="0"', ' s="2"', ' s="7"'])


FORMULAS = st.sampled_from(["<f>SUM(A1:A3)</f>", '<f t="shared" si="0"/>', "<f>IF(A1=&quot;&quot;,1,2)</f>"])
SAVED = st.sampled_from(["", "<v/>", "<v></v>", "<v>3</v>", "<v> </v>", "<v>B</v>"])
CELL_ENDS = st.one_of(  # what follows <c r="…" s="…"> for each kind of cell
    st.sampled_from(["/>", ' t="n"></c>', ' t="b"><v>1</v></c>', ' t="e"><v>#N/A</v></c>']),
    st.sampled_from(["1", "0.226", "-3", "1e3", " "]).map(lambda v: f"><v>{v}</v></c>"),
    st.sampled_from(["0", "1", "2", "3", " 2 "]).map(lambda v: f' t="s"><v>{v}</v></c>'),
    TEXT.map(lambda v: f' t="str"><v>{v}</v></c>'),
    TEXT.map(lambda v: f' t="inlineStr"><is><t>{v}</t></is></c>'),
    st.builds(
        lambda typed, formula, saved: f"{typed}>{formula}{saved}</c>",
        st.sampled_from(["", ' t="str"']),
        FORMULAS,
        SAVED,
    ),
)


@st.composite
def cells(draw: st.DrawFn, row: int) -> str:
    column = draw(st.integers(1, 30))
    letters = "".join(chr(64 + c) for c in ([(column - 1) // 26] if column > 26 else []) + [(column - 1) % 26 + 1])
    # Excel always writes r="…" (a cell without one: see the last test)
    return f'<c r="{letters}{row}"{draw(STYLE)}{draw(CELL_ENDS)}'


@st.composite
def sheets(draw: st.DrawFn) -> bytes:
    rows = []
    numbers = sorted(draw(st.sets(st.integers(1, 200), max_size=12)))
    for number in numbers:
        attrs = draw(st.sampled_from(["", ' hidden="1"', ' ht="0" customHeight="1"', ' ht="15"', ' spans="1:5"']))
        row_cells = "".join(draw(st.lists(cells(number), max_size=8)))
        rows.append(f'<row r="{number}"{attrs}>{row_cells}</row>')
    cols = draw(
        st.sampled_from(
            ["", '<cols><col min="2" max="3" hidden="1"/></cols>', '<cols><col min="1" max="1" width="0"/></cols>']
        )
    )
    merges = draw(st.sampled_from(["", '<mergeCells count="1"><mergeCell ref="A1:B2"/></mergeCells>']))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"{cols}<sheetData>{''.join(rows)}</sheetData>{merges}</worksheet>"
    ).encode()


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_the_fast_scan_agrees_with_the_streamed_scan(xml: bytes) -> None:
    assert_same(xml)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_generated_sheets_mostly_take_the_fast_path() -> None:
    """The comparison above means something only if the fast scan decides most sheets itself."""
    decided = [assert_same(sheets().example()) for _ in range(60)]
    assert sum(decided) >= 45


def test_every_sheet_of_the_sample_workbooks_takes_the_fast_path_and_agrees(filled_workbook: Path) -> None:
    """Scanned with the workbook's own shared strings and styles, as the reader scans it
    (the writer stores text as shared strings: `t="s"` cells index the book's table)."""
    formats = WorkbookParts(filled_workbook.read_bytes()).formats
    assert len(formats.strings) > 100
    with zipfile.ZipFile(filled_workbook) as archive:
        parts = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        assert len(parts) >= 8
        for name in parts:
            assert assert_same(archive.read(name), formats), f"{name} left the fast path"


@pytest.mark.parametrize(
    "xml",
    [
        b"<!DOCTYPE x><worksheet/>",  # declarations: only expat decides (and refuses)
        b'<worksheet><sheetData><row r="1"><x:c r="A1"><v>1</v></x:c></row></sheetData></worksheet>',
        b"<worksheet><sheetData><row r='1'><c r='A1'><v>1</v></c></row></sheetData></worksheet>",
        b'<worksheet><sheetData><row r="1"><c><v>1</v></c></row></sheetData></worksheet>',  # no reference
        b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><r><t>a</t></r></is></c></row>'
        b"</sheetData></worksheet>",  # rich text
    ],
)
def test_unusual_markup_is_left_to_the_streamed_scan(xml: bytes) -> None:
    assert fast(xml) is None


def test_a_shared_string_index_past_the_table_is_refused_at_its_cell() -> None:
    xml = b'<worksheet><sheetData><row r="4"><c r="B4" t="s"><v>9</v></c></row></sheetData></worksheet>'
    assert fast(xml) is None
    with pytest.raises(InputRefused) as refused:
        streamed(xml)
    assert refused.value.cell == "B4"
