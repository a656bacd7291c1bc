"""Read one worksheet's XML in one pass: each cell's value at the position its XML gives it.

`SheetScanner` (expat, streaming) places every cell (its own `r`, else right of the previous
cell, as Excel does), types its value from the cell type, its text and its number format
(`values.cell_value`), and checks `ReadLimits` as it goes, naming the cell at a breach. On the
way it notes what values cannot show: formulas without a saved result, percent formats,
hidden rows and columns, merged ranges. `SheetParts` is what it found. `fast_scan` finds the
same from the bytes with one compiled regular expression, or declines (returns None) and
leaves the sheet to the scanner. Because values and positions come from the same pass, a
value cannot be attributed to another cell than the one its XML names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...core.cells import cell_address
from ...core.enums import Severity
from ...core.findings import Code
from .limits import EXCEL_MAX_CELL_CHARS, InputRefused, ReadLimits
from .values import BookFormats, ErrorValue, cell_value, xml_text
from .xml_scan import LOCAL_NAMES, Budget, body_start, local_name, well_formed_text

__all__ = ["ErrorValue", "SheetParts", "SheetScanner", "fast_scan"]

_CELL_REF = re.compile(r"^([A-Za-z]{1,3})([0-9]{1,7})$")
_MAX_COLUMN = 16_384
_TRUE = ("1", "true")


@dataclass(slots=True)
class SheetParts:
    """What the XML of one sheet holds (rows and columns are 1-based)."""

    max_row: int = 0  # farthest cell holding a value or a formula
    max_column: int = 0
    cells: int = 0  # cells holding a value or a formula
    merges: int = 0
    values: dict[int, dict[int, object]] = field(default_factory=dict)  # row → column → value shown
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, col, last row, col
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: int = 0  # bit n set: column n hidden
    formula_masks: dict[int, int] = field(default_factory=dict)  # row → bit mask of columns
    percent_masks: dict[int, int] = field(default_factory=dict)

    def keep(self, row: int, column: int, value: object) -> None:
        """Hold a cell's value ("" is no value: nothing is kept)."""
        if value != "" or isinstance(value, ErrorValue):
            self.values.setdefault(row, {})[column] = value

    def value(self, row: int, column: int) -> object:
        """The value a cell shows ("" when empty; an `ErrorValue` for an error)."""
        return self.values.get(row, {}).get(column, "")

    def rows(self, first: int = 1, last: int | None = None) -> list[list[object]]:
        """Rows `first`..`last` (default: the last holding a value) as lists of values from column A,
        each as long as its own last value ("" for an empty cell)."""
        grid = []
        for number in range(first, (self.max_row if last is None else last) + 1):
            cells = self.values.get(number)
            row: list[object] = [""] * max(cells, default=0) if cells else []
            for column, value in (cells or {}).items():
                row[column - 1] = value
            grid.append(row)
        return grid

    def formula_without_value(self, row: int, column: int) -> bool:
        """True when the cell holds a formula whose result was never saved."""
        return bool(self.formula_masks.get(row, 0) >> column & 1)

    def percent(self, row: int, column: int) -> bool:
        """True when the cell carries a percent number format."""
        return bool(self.percent_masks.get(row, 0) >> column & 1)

    def row_hidden(self, row: int) -> bool:
        """True when the row is hidden (by hand, by a filter or by a zero height)."""
        return row in self.hidden_rows

    def column_hidden(self, column: int) -> bool:
        """True when the column is hidden (or has zero width)."""
        return bool(self.hidden_columns >> column & 1)


class SheetScanner:
    """Streams one worksheet: reads each cell's value where its XML places it, checks limits,
    notes structure. Values and positions come from this one pass.

    A cell without `r` (legal; streaming writers omit it) is the one right of the previous
    cell of its row, a row without `r` the one below the previous row, as in Excel.
    """

    def __init__(self, sheet: str, formats: BookFormats, limits: ReadLimits, budget: Budget) -> None:
        self.sheet = sheet
        self.formats = formats
        self.limits = limits
        self.budget = budget
        self.parts = SheetParts()
        self.row = 0  # 0-based row counter
        self.in_row = False
        self.col_ref: str | None = None  # the column counter, kept lazily: the last referenced
        self.col_extra = 0  # cell and the cells since (a reference is parsed only when needed)
        self.cell: tuple[int, int] | None = None  # 1-based position of the open <c> once placed
        self.attrs: dict[str, str] | None = None  # attributes of the open <c>
        self.path: list[str] = []  # local names open inside the <c>
        self.cell_type = ""
        self.has_formula = self.has_value = False
        self.collect = False  # inside <v> or an inline string's <t>
        self.chars = 0
        self.text: list[str] = []

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.data,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = LOCAL_NAMES.get(name) or local_name(name)
        if self.attrs is not None:  # inside a cell: only its own children count (never an extLst's)
            path = self.path
            path.append(local)
            depth = len(path)
            if depth == 1:
                if local == "v":
                    self.has_value = self.collect = True
                    self._open_value()
                elif local == "is":
                    self.has_value = True
                    self._open_value()
                elif local == "f":
                    self.has_formula = True
            elif local == "t" and path[0] == "is" and (depth == 2 or (depth == 3 and path[1] == "r")):
                self.collect = True  # an inline string's text or rich run (never a phonetic <rPh>)
        elif local == "c" and self.in_row:  # the hot path: most cells are formatted blanks
            self.attrs = attrs
            if self.has_formula or self.has_value or self.text:
                self.has_formula = self.has_value = False
                self.text = []
        elif local == "row":
            self._open_row(attrs)
        elif local == "col":
            self._hide_columns(attrs)
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def end(self, name: str) -> None:
        if self.path:
            local = self.path.pop()
            if local in ("v", "t"):
                self.collect = False
            return
        if self.attrs is not None:  # </c>
            if self.has_value or self.has_formula or self.cell is not None:
                self._close_cell()
                return
            # the hot path: a formatted blank cell only moves the column counter
            ref = self.attrs.get("r")
            self.attrs = None
            if ref is not None:
                self.col_ref, self.col_extra = ref, 0
            else:
                self.col_extra += 1
        elif (LOCAL_NAMES.get(name) or local_name(name)) == "row" and self.in_row:
            self.in_row = False
            self.row += 1
            self.col_ref, self.col_extra = None, 0

    def data(self, text: str) -> None:
        if not self.collect:
            return
        self.chars += len(text)
        self.text.append(text)
        if self.chars > EXCEL_MAX_CELL_CHARS:
            address = cell_address(*self.cell) if self.cell else ""
            raise InputRefused(
                Code.CELL_TOO_LONG,
                sheet=self.sheet,
                cell=address,
                column=f"{self.sheet}!{address}",
                length=f"{EXCEL_MAX_CELL_CHARS:,}超",
                limit=f"{EXCEL_MAX_CELL_CHARS:,}",
                severity=Severity.ERROR,
            )

    def _open_row(self, attrs: dict[str, str]) -> None:
        number = attrs.get("r")
        if number is not None:
            if not (number.isdigit() and len(number) <= 7 and int(number) > 0):
                raise InputRefused(Code.FILE_UNREADABLE, reason=f"行番号が不正です（{self.sheet}: {number[:20]}）")
            self.row = int(number) - 1
        self.in_row = True
        self.col_ref, self.col_extra = None, 0
        hidden = attrs.get("hidden") in _TRUE or _zero(attrs.get("ht"))
        if hidden and self.row < self.limits.max_rows:
            self.parts.hidden_rows.add(self.row + 1)

    def _hide_columns(self, attrs: dict[str, str]) -> None:
        self.parts.hidden_columns |= _hidden_columns(attrs)

    def _merge(self, ref: str) -> None:
        parts = self.parts
        parts.merges += 1
        if parts.merges > self.limits.max_merged_ranges:
            raise InputRefused(
                Code.TOO_MANY_CELLS,
                sheet=self.sheet,
                cell=_first_cell(ref),
                what="結合セル",
                count=f"{parts.merges:,}",
                limit=f"{self.limits.max_merged_ranges:,}",
            )
        merged = _range(ref)
        if merged is not None:
            parts.merged.append(merged)

    def _position(self, attrs: dict[str, str]) -> tuple[int, int]:
        """The 1-based (row, column) of this cell: its own reference, or right of the previous cell."""
        ref = attrs.get("r")
        if ref is not None:
            return self._parse(ref)
        if self.col_ref is None:
            return self.row + 1, self.col_extra + 1
        return self.row + 1, self._parse(self.col_ref)[1] + self.col_extra + 1

    def _parse(self, ref: str) -> tuple[int, int]:
        match = _CELL_REF.match(ref)
        if match is None or int(match.group(2)) == 0 or _column_number(match.group(1)) > _MAX_COLUMN:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"セル番地が不正です（{self.sheet}: {ref[:20]}）")
        return int(match.group(2)), _column_number(match.group(1))

    def _open_value(self) -> None:
        """A <v> or <is> opened: place the cell now, so text limits can name it."""
        if self.cell is None and self.attrs is not None:
            self.cell = self._position(self.attrs)
            self.cell_type = self.attrs.get("t", "")
            self.chars = 0
            self.text = []

    def _close_cell(self) -> None:
        attrs = self.attrs or {}
        self.attrs = None
        cell, self.cell = self.cell, None
        self.collect = False
        if cell is None:
            cell = self._position(attrs)
            self.cell_type, self.chars = attrs.get("t", ""), 0
            self.text = []
        if self.has_value or self.has_formula:
            self._filled(*cell, attrs)
        ref = attrs.get("r")
        if ref is not None:
            self.col_ref, self.col_extra = ref, 0
        else:
            self.col_ref, self.col_extra = cell_address(*cell), 0

    def _filled(self, row: int, col: int, attrs: dict[str, str]) -> None:
        """A cell with a value or a formula: check the limits, keep its value, note its format."""
        self._place(row, col)
        style = _style_index(attrs.get("s"))
        text = "".join(self.text)
        if self.has_formula and not (text.strip() or (self.cell_type == "str" and self.has_value)):
            value: object = ""  # a formula whose result was never saved (an empty text result is "")
            self._mark(self.parts.formula_masks, row, col)
        else:
            try:
                value = cell_value(self.cell_type, text, style, self.formats)
            except IndexError:
                raise _bad_shared_string(self.sheet, row, col, text) from None
        self.budget.spend(self.sheet, row, col, len(value) if isinstance(value, str) else 0)
        self.parts.keep(row, col, value)
        if style in self.formats.percent:
            self._mark(self.parts.percent_masks, row, col)

    def _place(self, row: int, col: int) -> None:
        """Count a cell holding a value; refuse one past the rows a workbook may have."""
        parts = self.parts
        parts.cells += 1
        if row > self.limits.max_rows:
            raise InputRefused(
                Code.TOO_MANY_ROWS,
                sheet=self.sheet,
                cell=cell_address(row, col),
                row=f"{row:,}",
                limit=f"{self.limits.max_rows:,}",
            )
        parts.max_row = max(parts.max_row, row)
        parts.max_column = max(parts.max_column, col)

    def _mark(self, masks: dict[int, int], row: int, col: int) -> None:
        if row <= self.limits.max_rows and col <= _MAX_COLUMN:
            masks[row] = masks.get(row, 0) | (1 << col)


def _style_index(style: str | bytes | None) -> int:
    """A cell's `s` as a number (-1 when absent or not a plain number)."""
    if style and style.isdigit() and len(style) <= 9:
        return int(style)
    return -1


def _bad_shared_string(sheet: str, row: int, col: int, index: str) -> InputRefused:
    address = cell_address(row, col)
    return InputRefused(
        Code.FILE_UNREADABLE,
        sheet=sheet,
        cell=address,
        reason=f"{sheet}!{address} の共有文字列の番号「{index.strip()[:12]}」が共有文字列の表にありません",
    )


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """'T5:U6' → (5, 20, 6, 21), 1-based first row, first column, last row, last column."""
    first, _, last = ref.partition(":")
    start, end = _CELL_REF.match(first), _CELL_REF.match(last or first)
    if start is None or end is None:
        return None
    return int(start.group(2)), _column_number(start.group(1)), int(end.group(2)), _column_number(end.group(1))


def _first_cell(ref: str) -> str:
    """'T5:U5' → 'T5' ('' unless it is a plain A1 address)."""
    match = _CELL_REF.match(ref.partition(":")[0])
    return f"{match.group(1).upper()}{match.group(2)}" if match else ""


def _zero(value: str | None) -> bool:
    if value is None:
        return False
    try:
        return float(value) == 0
    except ValueError:
        return False


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


# The fast path ------------------------------------------------------------------------------
#
# `fast_scan` reads the same facts as `SheetScanner` straight from the bytes with one compiled
# regular expression (C speed), for sheets written the plain way (every filled cell a `<c r="A1">`
# with double-quoted attributes and a `<f>`, `<v>` or `<is><t>` body). Anything else that could
# name a cell, row or column (`<!`, `<?`, a prefixed `x:c`, an unusual cell, a rich string, an
# entity in an attribute, a limit about to be passed) makes it return None, and the sheet is
# streamed through `SheetScanner` instead, which decides and names the cell. It never refuses.
#
# A template sheet is mostly formatted empty rows whose only content is formula cells without a
# result (a hundred a sheet). The first of a run is matched (`plain_row`); each next row whose
# bytes are that row's with another number in `<row r>` and in every cell reference (nothing
# else differs, byte for byte) is taken whole: the same cells, so the same facts at its number.

_ATTRS = rb'(?:\s+[\w:.-]+="[^"<&]*+")*+\s*+'  # possessive: attributes parse one way only
# The commonest markup, spelt out so that it costs the engine fewest steps: a formatted blank
# cell, and a formula cell of a template row (no saved result, or an empty text one).
_PLAIN_BLANK = rb'<c r="[A-Z]{1,3}[0-9]{1,7}"(?: s="[0-9]{1,9}")?/>'
_PLAIN_FORMULA = (
    rb'(?: s="[0-9]{1,9}")?(?: t="str")?><f(?: t="shared")?(?: ref="[A-Z0-9:$]{1,40}")?(?: si="[0-9]{1,9}")?'
    rb"(?:/>|>[^<]*+</f>)(?:<v/>|<v></v>)?</c>"
)
_TOKEN = re.compile(  # every alternative starts with "<", so the search skips text at C speed
    # a row of nothing but formatted blank cells and formula cells without a value (the template's
    # empty rows, a hundred a sheet): one match, its formula cells read by `_ROW_FORMULAS`
    rb'<(?:(?P<plain_row>row r="(?P<plain_number>[1-9][0-9]{0,6})"(?: spans="[0-9:]{1,16}")?>'
    rb"(?:" + _PLAIN_BLANK + rb'|<c r="[A-Z]{1,3}(?P=plain_number)"' + _PLAIN_FORMULA + rb")*+</row>)"
    rb"|(?P<blank>(?:c" + _ATTRS + rb'(?:/>|></c>)|row r="[1-9][0-9]{0,6}">)'  # blank cells and plain
    rb"(?:" + _PLAIN_BLANK + rb"|<c" + _ATTRS + rb'(?:/>|></c>)|</row>|<row r="[1-9][0-9]{0,6}">)*+)'  # rows
    # a formula whose result was never saved (most cells of a fresh template): the commonest cell
    rb'|(?P<formula_only>c r="(?P<f_letters>[A-Z]{1,3})(?P<f_number>[0-9]{1,7})"(?P<f_attrs>' + _ATTRS + rb")>"
    rb"<f" + _ATTRS + rb"(?:/>|>[^<]*+</f>)(?P<f_saved><v\s*/>|<v></v>)?</c>)"
    rb'|(?P<cell>c r="(?P<letters>[A-Z]{1,3})(?P<number>[0-9]{1,7})"(?P<attrs>' + _ATTRS + rb")>"
    rb"(?P<formula><f" + _ATTRS + rb"(?:/>|>[^<]*+</f>))?"
    rb"(?:(?P<value><v\s*/>|<v>(?P<value_text>[^<]*+)</v>)"
    rb"|(?P<inline><is><t" + _ATTRS + rb">(?P<inline_text>[^<]*+)</t></is>))?</c>)"
    rb'|(?P<row>row r="(?P<row_number>[0-9]{1,7})"(?P<row_attrs>' + _ATTRS + rb")/?>)"
    rb"|(?P<col>col(?P<col_attrs>" + _ATTRS + rb")/?>)"
    rb"|(?P<merge>mergeCell(?P<merge_attrs>" + _ATTRS + rb")/>)"
    rb"|(?P<bad>[!?]|(?:c|row|col|v|f|is|t|r|rPh|mergeCell)[\s/>]"
    rb"|[\w.-]+:(?:c|row|col|v|f|is|t|r|rPh|mergeCell)[\s/>]))"
)
# the formula cells of a `plain_row` match: column letters, style, text type, saved (empty) value
_ROW_FORMULAS = re.compile(
    rb'<c r="([A-Z]{1,3})[0-9]{1,7}"(?: s="([0-9]{1,9})")?( t="str")?><f[^>]*+>(?:[^<]*+</f>)?(<v)?'
)
_FORMULA_GROUPS = tuple(_TOKEN.groupindex[name] for name in ("f_letters", "f_number", "f_attrs", "f_saved"))
_CELL_GROUPS = tuple(
    _TOKEN.groupindex[name]
    for name in ("letters", "number", "attrs", "formula", "value", "value_text", "inline", "inline_text")
)
_ROW_OPEN = b'<row r="'
_LAST_ROW_NUMBER = 9_999_999  # the most digits a row number may have here (7), as the scanner takes them
_REFERENCE_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_ATTR = re.compile(rb'([\w:.-]+)="([^"]*)"')
_COLUMNS: dict[bytes, int] = {}


def fast_scan(data: bytes, sheet: str, formats: BookFormats, limits: ReadLimits, budget: Budget) -> SheetParts | None:
    """What `SheetScanner` would find in this sheet's XML, or None when only it may decide.

    On success the budget is charged with the sheet's cells and text; on None it is untouched.
    """
    position = body_start(data)
    if position is None or well_formed_text(data) is None:
        return None  # another encoding, or a character expat refuses (the scanner reports the file)
    parts = SheetParts()
    formula_masks, percent_masks, values = parts.formula_masks, parts.percent_masks, parts.values
    styles: dict[bytes, tuple[str, int] | None] = {}  # a cell's attributes → its type and style
    shapes: dict[tuple[tuple[bytes, ...], ...], tuple[int, int, int, int] | None] = {}  # a plain row's formulas
    row_hiding: dict[bytes, bool] = {}  # a row's attributes (its number apart) → whether they hide it
    percent = formats.percent
    cells = chars = max_row = max_column = 0
    search = _TOKEN.search
    while (match := search(data, position)) is not None:
        position = match.end()
        kind = match.lastgroup
        if kind == "blank":
            continue
        if kind == "plain_row":  # the template's empty rows: the first matched, the rest compared
            found = _ROW_FORMULAS.findall(data, match.start(), position)
            key = tuple(found)
            shape = shapes.get(key)
            if shape is None:
                shape = shapes[key] = _row_shape(found, percent)
                if shape is None:
                    return None
            formulas, percents, count, widest = shape
            row = int(match.group("plain_number"))
            pieces = _row_pieces(data[match.start() : position], match.group("plain_number"))
            while True:
                if count:
                    cells += count
                    if row > max_row:
                        max_row = row
                    if widest > max_column:
                        max_column = widest
                    if formulas:
                        formula_masks[row] = formula_masks.get(row, 0) | formulas
                    if percents:
                        percent_masks[row] = percent_masks.get(row, 0) | percents
                # the next row, when it is this one's bytes but for its number (in <row r> and in
                # every reference): the same cells, so the same shape, without another match.
                # Most often it is the row below; else its number is read where it stands.
                if pieces is None or row >= _LAST_ROW_NUMBER:
                    break
                number = b"%d" % (row + 1)
                same = number.join(pieces)
                if not data.startswith(same, position):
                    number = _row_number_at(data, position)
                    if number is None:
                        break
                    same = number.join(pieces)
                    if not data.startswith(same, position):
                        break
                position += len(same)
                row = int(number)
            continue
        if kind == "formula_only" or kind == "cell":
            if kind == "formula_only":  # the commonest cell: a formula, no saved text
                letters, number, attrs, value = match.group(*_FORMULA_GROUPS)
                formula, raw = True, b""
            else:
                letters, number, attrs, formula, value, value_text, inline, inline_text = match.group(*_CELL_GROUPS)
                if not (formula or value or inline):
                    continue  # <c r="A1"></c>: no value
                raw = value_text or inline_text or b""  # a cell has a <v> or an <is>, never both
                if len(raw) > EXCEL_MAX_CELL_CHARS:
                    return None  # perhaps too long: the scanner counts it and names the cell
            style = styles.get(attrs)
            if style is None:
                style = styles[attrs] = _cell_style(attrs)
                if style is None:
                    return None
            cell_type, style_index = style
            row, column = int(number), _COLUMNS.get(letters) or _column_bytes(letters)
            if row == 0 or column > _MAX_COLUMN:
                return None
            text = raw.decode() if raw.isascii() and b"&" not in raw and b"\r" not in raw else xml_text(raw)
            if text is None:
                return None
            cells += 1
            if row > max_row:
                max_row = row
            if column > max_column:
                max_column = column
            if formula and not (text.strip() or (cell_type == "str" and value)):
                formula_masks[row] = formula_masks.get(row, 0) | (1 << column)  # no result saved
            else:  # a value, or a formula's saved result (an empty text result is a result: "")
                try:
                    shown = cell_value(cell_type, text, style_index, formats)
                except IndexError:
                    return None  # the scanner names the cell
                if isinstance(shown, str):
                    chars += len(shown)
                if shown != "" or isinstance(shown, ErrorValue):
                    values.setdefault(row, {})[column] = shown
            if style_index in percent:
                percent_masks[row] = percent_masks.get(row, 0) | (1 << column)
        elif kind == "row":
            number, attrs = match.group("row_number", "row_attrs")
            row = int(number)
            if row == 0:
                return None
            if attrs and (b"hidden" in attrs or b"ht" in attrs):
                hidden = row_hiding.get(attrs)
                if hidden is None:
                    found = _attributes(attrs)
                    if found is None:
                        return None
                    hidden = row_hiding[attrs] = found.get("hidden") in _TRUE or _zero(found.get("ht"))
                if hidden and row <= limits.max_rows:
                    parts.hidden_rows.add(row)
        elif kind == "col":
            found = _attributes(match.group("col_attrs"))
            if found is None:
                return None
            parts.hidden_columns |= _hidden_columns(found)
        elif kind == "merge":
            found = _attributes(match.group("merge_attrs"))
            parts.merges += 1
            if found is None or parts.merges > limits.max_merged_ranges:
                return None
            merged = _range(found.get("ref", ""))
            if merged is not None:
                parts.merged.append(merged)
        else:
            return None
    if max_row > limits.max_rows:
        return None
    if budget.cells + cells > limits.max_filled_cells or budget.chars + chars > limits.max_text_chars:
        return None
    parts.cells, parts.max_row, parts.max_column = cells, max_row, max_column
    budget.cells += cells
    budget.chars += chars
    return parts


def _row_shape(found: list[tuple[bytes, ...]], percent: frozenset[int]) -> tuple[int, int, int, int] | None:
    """What the formula cells of a plain row note, whatever its number: the columns of formulas
    without a result, the columns with a percent format, the cells and the farthest column.
    None when a column is past the sheet (the scanner reports it)."""
    formulas = percents = widest = 0
    for letters, style, text_type, saved in found:
        column = _COLUMNS.get(letters) or _column_bytes(letters)
        if column > _MAX_COLUMN:
            return None
        widest = max(widest, column)
        if not (text_type and saved):  # an empty text result is a result: no formula-without-value
            formulas |= 1 << column
        if _style_index(style) in percent:
            percents |= 1 << column
    return formulas, percents, len(found), widest


def _row_pieces(row: bytes, number: bytes) -> list[bytes] | None:
    """A plain row's bytes cut where its number stands (in `<row r>` and in every cell's
    reference): joined with another number, the bytes of the same row under that number. None
    when a reference names another row (then no other row is taken as this one)."""
    start = len(_ROW_OPEN)
    pieces = [row[:start]]
    start += len(number)
    for reference in _REFERENCE_ROW.finditer(row, start):
        if reference.group(1) != number:
            return None
        pieces.append(row[start : reference.start(1)])
        start = reference.end(1)
    pieces.append(row[start:])
    return pieces


def _row_number_at(data: bytes, position: int) -> bytes | None:
    """The number of the `<row r="…">` starting at `position` (1 to 9,999,999), else None."""
    if not data.startswith(_ROW_OPEN, position):
        return None
    start = position + len(_ROW_OPEN)
    end = data.find(b'"', start, start + 8)
    number = data[start:end]
    if end < 0 or not number.isdigit() or number.startswith(b"0"):
        return None
    return number


def _attributes(attrs: bytes) -> dict[str, str] | None:
    """Double-quoted attributes as expat gives them; None when a name repeats or text is not UTF-8."""
    pairs = _ATTR.findall(attrs)
    try:
        values = {name.decode(): value.decode() for name, value in pairs}
    except UnicodeDecodeError:
        return None
    return values if len(values) == len(pairs) else None


def _cell_style(attrs: bytes) -> tuple[str, int] | None:
    """A cell's type and style index; None when expat might read the attributes otherwise."""
    values = _attributes(attrs)
    if values is None or "r" in values:
        return None
    return values.get("t", ""), _style_index(values.get("s"))


def _hidden_columns(values: dict[str, str]) -> int:
    """The bit mask of the columns a `<col>` hides (0 when it hides none)."""
    if not (values.get("hidden") in _TRUE or _zero(values.get("width"))):
        return 0
    first, last = values.get("min", ""), values.get("max", "")
    if not (first.isdigit() and last.isdigit() and len(first) <= 5 and len(last) <= 5):
        return 0
    low, high = max(1, int(first)), min(_MAX_COLUMN, int(last))
    return ((1 << (high - low + 1)) - 1) << low if low <= high else 0


def _column_bytes(letters: bytes) -> int:
    number = _column_number(letters.decode())
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = number
    return number
