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

from xlplan.io.xlsx import sheet_scan
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
        # characters expat refuses wherever they stand: the streamed scan reports the file
        b'<worksheet><sheetData><row r="1"><c r="A1" t="str"><v>a\x01b</v></c></row></sheetData></worksheet>',
        b'<worksheet><sheetData><row r="1"><c r="A1" t="str"><v>a]]>b</v></c></row></sheetData></worksheet>',
        b'<worksheet><sheetData><row r="1"><c r="A1" t="str"><v>\xef\xbf\xbe</v></c></row></sheetData></worksheet>',
        b'<worksheet><sheetData><row r="1"><c r="A1"><f>"\xff"</f><v>1</v></c></row></sheetData></worksheet>',
        b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData><x a="\x02"/></worksheet>',
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


# The template's empty rows: the fast scan matches the first row of a run and takes each next
# row whole when its bytes are the first's but for the row number. Runs with every kind of
# difference from the row before: another style (one equal to the row number among them),
# a value typed, a hidden row, a reference to another row, a number gaining a digit, rows out
# of order or repeated, a formula with an empty text result, a saved result.
SHAPE_CELL = st.tuples(
    st.integers(1, 30),  # column
    st.sampled_from(["", ' s="0"', ' s="2"', ' s="7"', ' s="9"', ' s="10"']),
    st.sampled_from(
        [
            "/>",
            '><f t="shared" si="0"/><v></v></c>',
            '><f t="shared" si="1"/></c>',
            "><f>IF(A1=&quot;&quot;,&quot;&quot;,1)</f><v/></c>",
            ' t="str"><f t="shared" si="2"/><v></v></c>',
            ' t="str"><f>B1</f></c>',
            '><f t="shared" ref="M3:M9" si="3">A1</f><v></v></c>',
        ]
    ),
)
CHANGES = st.sampled_from(["", "", "", "style", "value", "hidden", "other_row", "spans", "open_cell"])


def _letters(column: int) -> str:
    return "".join(chr(64 + c) for c in ([(column - 1) // 26] if column > 26 else []) + [(column - 1) % 26 + 1])


def _template_row(number: int, shape: list[tuple[int, str, str]], change: str) -> str:
    cells = []
    for index, (column, style, end) in enumerate(shape):
        if index == 0 and change == "style":
            style = f' s="{number}"'  # a style whose number is the row's: the row's bytes, not its number
        if index == 0 and change == "open_cell" and end == "/>":
            end = "></c>"
        other = index == len(shape) - 1 and change == "other_row"
        cells.append(f'<c r="{_letters(column)}{number + 1 if other else number}"{style}{end}')
    if change == "value":
        cells.append(f'<c r="{_letters(31)}{number}"><v>5</v></c>')
    attrs = {"hidden": ' hidden="1"', "spans": ' spans="1:31"'}.get(change, "")
    return f'<row r="{number}"{attrs}>{"".join(cells)}</row>'


@st.composite
def template_sheets(draw: st.DrawFn) -> bytes:
    shape = draw(st.lists(SHAPE_CELL, min_size=0, max_size=10))
    first = draw(st.sampled_from([1, 3, 7, 95, 998, 9_995]))
    numbers = list(range(first, first + draw(st.integers(1, 12))))
    if draw(st.booleans()):
        numbers = draw(st.permutations(numbers + draw(st.lists(st.sampled_from(numbers), max_size=2))))
    spans = draw(st.sampled_from(["", ' spans="1:15"']))
    rows = [
        _template_row(n, shape, draw(CHANGES)).replace(f'<row r="{n}">', f'<row r="{n}"{spans}>', 1) for n in numbers
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(rows)}</sheetData></worksheet>"
    ).encode()


TEMPLATE_FORMATS = BookFormats(["abc"], percent=frozenset({2, 10}), dates=frozenset({7}))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template_sheets())
def test_runs_of_template_rows_read_as_the_streamed_scan_reads_them(xml: bytes) -> None:
    assert_same(xml, TEMPLATE_FORMATS)


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_runs_of_template_rows_take_the_fast_path() -> None:
    decided = [assert_same(template_sheets().example(), TEMPLATE_FORMATS) for _ in range(60)]
    assert sum(decided) >= 50


def test_a_run_of_template_rows_costs_one_match_for_its_first_row(monkeypatch) -> None:
    """The hundred empty rows of a template sheet: one match, then the rest compared whole."""
    searched = []
    token = sheet_scan._TOKEN

    class Counted:
        def search(self, data: bytes, position: int) -> object:
            searched.append(position)
            return token.search(data, position)

    shape = [(1, ' s="1"', "/>"), (2, ' s="2"', "/>"), (13, ' s="4"', '><f t="shared" si="0"/><v></v></c>')]
    rows = "".join(_template_row(n, shape, "") for n in range(3, 104))
    xml = f"<worksheet><sheetData>{rows}</sheetData></worksheet>".encode()
    monkeypatch.setattr(sheet_scan, "_TOKEN", Counted())
    parts = fast(xml, TEMPLATE_FORMATS)[0]
    monkeypatch.undo()
    assert parts.formula_masks == {n: 1 << 13 for n in range(3, 104)} and parts.cells == 101
    assert len(searched) <= 3  # the first row, then the end of the sheet
    assert assert_same(xml, TEMPLATE_FORMATS)


def test_a_row_like_the_one_before_but_for_a_style_equal_to_its_number_keeps_its_own_format() -> None:
    """Row 10's bytes are row 9's with 9 → 10 in its references and also in its style: only the
    references are the row's number, so row 10 is matched on its own and its percent style seen."""
    formats = BookFormats([], percent=frozenset({10}))
    xml = (
        b'<worksheet><sheetData><row r="9"><c r="A9" s="9"><f>1</f></c></row>'
        b'<row r="10"><c r="A10" s="10"><f>1</f></c></row></sheetData></worksheet>'
    )
    assert assert_same(xml, formats)
    parts = fast(xml, formats)[0]
    assert parts.percent_masks == {10: 1 << 1} and parts.formula_masks == {9: 1 << 1, 10: 1 << 1}


def test_a_row_number_past_seven_digits_after_a_plain_row_is_left_to_the_streamed_scan() -> None:
    xml = (
        b'<worksheet><sheetData><row r="9999999"><c r="A9999999" s="1"/></row>'
        b'<row r="10000000"><c r="A10000000" s="1"/></row></sheetData></worksheet>'
    )
    assert fast(xml) is None
    with pytest.raises(InputRefused):
        streamed(xml)
