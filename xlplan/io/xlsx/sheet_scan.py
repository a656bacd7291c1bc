"""Stream one worksheet's XML before calamine reads it: place cells as calamine will, check limits.

`SheetScanner` mirrors calamine's cell placement (a cell's own `r`, else the row and column
counters) so that the rectangle calamine will allocate, the rows, the filled cells and their
text are known, and refused past `ReadLimits`, before calamine allocates anything. On the way
it notes what values cannot show: formulas without a saved result, percent formats, hidden
rows and columns. `SheetParts` is what it found. `fast_scan` finds the same from the bytes with
one compiled regular expression, or declines (returns None) and leaves the sheet to the scanner.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

from ...core.cells import cell_address
from ...core.enums import Severity
from ...core.findings import Code
from .limits import EXCEL_MAX_CELL_CHARS, InputRefused, ReadLimits
from .xml_scan import LOCAL_NAMES, Budget, local_name

__all__ = ["SheetParts", "SheetScanner", "fast_scan"]

_CELL_REF = re.compile(r"^([A-Za-z]{1,4})([0-9]{1,7})$")
_MAX_COLUMN = 16_384
_TRUE = ("1", "true")


@dataclass(slots=True)
class SheetParts:
    """What the XML of one sheet says about its cells (rows and columns are 1-based)."""

    max_row: int = 0  # farthest cell holding a value
    max_column: int = 0
    cells: int = 0  # cells holding a value
    merges: int = 0
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: int = 0  # bit n set: column n hidden
    formula_masks: dict[int, int] = field(default_factory=dict)  # row → bit mask of columns
    percent_masks: dict[int, int] = field(default_factory=dict)

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

    @property
    def formulas_without_value(self) -> set[str]:
        """A1 addresses of formulas with no saved result."""
        return _addresses(self.formula_masks)

    @property
    def percent_cells(self) -> set[str]:
        """A1 addresses of percent-formatted cells."""
        return _addresses(self.percent_masks)


def _addresses(masks: dict[int, int]) -> set[str]:
    return {
        cell_address(row, col) for row, mask in masks.items() for col in range(mask.bit_length()) if mask >> col & 1
    }


class SheetScanner:
    """Streams one worksheet: places cells as calamine does, checks limits, notes structure."""

    def __init__(
        self,
        sheet: str,
        strings: array,
        percent: frozenset[int],
        limits: ReadLimits,
        budget: Budget,
    ) -> None:
        self.sheet = sheet
        self.strings = strings
        self.percent_styles = percent
        self.limits = limits
        self.budget = budget
        self.parts = SheetParts()
        self.row = 0  # calamine's 0-based row counter
        self.col_ref: str | None = None  # calamine's column counter, kept lazily: the last cell's
        self.col_extra = 0  # reference plus the cells since (parsed only when a cell needs it)
        self.cell: tuple[int, int] | None = None  # 1-based position of the open <c> once placed
        self.attrs: dict[str, str] | None = None  # attributes of the open <c>
        self.cell_type = ""
        self.has_formula = self.has_value = self.value_nonblank = False
        self.collect = False  # inside <v> or an inline <t>
        self.chars = 0
        self.index_text: list[str] = []
        self.phonetic = 0

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.data,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = LOCAL_NAMES.get(name) or local_name(name)
        if local == "c":  # the hot path: most cells are formatted blanks, so keep it short
            self.attrs = attrs
            if self.has_formula or self.has_value or self.value_nonblank or self.collect:
                self.has_formula = self.has_value = self.value_nonblank = self.collect = False
        elif self.attrs is not None:
            if local == "v":
                self.has_value = self.collect = True
                self._open_value()
            elif local == "is":
                self.has_value = True
                self._open_value()
            elif local == "t" and not self.phonetic:
                self.collect = True
                self._open_value()
            elif local == "rPh":
                self.phonetic += 1
            elif local == "f":
                self.has_formula = True
        elif local == "row":
            self._open_row(attrs)
        elif local == "col":
            self._hide_columns(attrs)
        elif local == "mergeCell":
            self.parts.merges += 1
            if self.parts.merges > self.limits.max_merged_ranges:
                raise InputRefused(
                    Code.TOO_MANY_CELLS,
                    sheet=self.sheet,
                    cell=_first_cell(attrs.get("ref", "")),
                    what="結合セル",
                    count=f"{self.parts.merges:,}",
                    limit=f"{self.limits.max_merged_ranges:,}",
                )

    def end(self, name: str) -> None:
        local = LOCAL_NAMES.get(name) or local_name(name)
        if local == "c":
            if self.has_value or self.has_formula or self.cell is not None:
                self._close_cell()
                return
            # the hot path: a formatted blank cell only moves calamine's column counter
            attrs, self.attrs = self.attrs, None
            self.collect = False
            ref = attrs.get("r") if attrs is not None else None
            if ref is not None:
                self.col_ref, self.col_extra = ref, 1
            else:
                self.col_extra += 1
        elif local in ("v", "t"):
            self.collect = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row":
            self.row += 1
            self.col_ref, self.col_extra = None, 0

    def data(self, text: str) -> None:
        if not self.collect or self.phonetic:
            return
        self.chars += len(text)
        if not self.value_nonblank and text.strip():
            self.value_nonblank = True
        if self.cell_type == "s" and len(self.index_text) < 4:
            self.index_text.append(text)
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
        self.col_ref, self.col_extra = None, 0
        hidden = attrs.get("hidden") in _TRUE or _zero(attrs.get("ht"))
        if hidden and self.row < self.limits.max_rows:
            self.parts.hidden_rows.add(self.row + 1)

    def _hide_columns(self, attrs: dict[str, str]) -> None:
        self.parts.hidden_columns |= _hidden_columns(attrs)

    def _position(self, attrs: dict[str, str]) -> tuple[int, int]:
        """The 1-based (row, column) calamine gives this cell: its own reference, or the counters."""
        ref = attrs.get("r")
        if ref is not None:
            return self._parse(ref)
        column = self._parse(self.col_ref)[1] if self.col_ref is not None else 0
        return self.row + 1, column + self.col_extra + 1

    def _parse(self, ref: str) -> tuple[int, int]:
        match = _CELL_REF.match(ref)
        if match is None or int(match.group(2)) == 0:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"セル番地が不正です（{self.sheet}: {ref[:20]}）")
        return int(match.group(2)), _column_number(match.group(1))

    def _open_value(self) -> None:
        """A <v> or <is> opened: place the cell now, so text limits can name it."""
        if self.cell is None and self.attrs is not None:
            self.cell = self._position(self.attrs)
            self.cell_type = self.attrs.get("t", "")
            self.chars = 0
            self.index_text.clear()

    def _close_cell(self) -> None:
        attrs = self.attrs or {}
        self.attrs = None
        cell, self.cell = self.cell, None
        self.collect = False
        if self.has_value or self.has_formula:
            if cell is None:
                cell = self._position(attrs)
                self.cell_type, self.chars = attrs.get("t", ""), 0
                self.index_text.clear()
            self._filled(*cell, attrs)
        ref = attrs.get("r")
        if ref is not None:
            self.col_ref, self.col_extra = ref, 1
        else:
            self.col_extra += 1

    def _filled(self, row: int, col: int, attrs: dict[str, str]) -> None:
        """A cell calamine will keep: check the limits and note what the reader needs."""
        self._place(row, col)
        if self.cell_type == "s":
            chars = self._shared_length()
        else:
            chars = self.chars if self.cell_type in ("str", "inlineStr", "is", "e") else 0
        self.budget.spend(self.sheet, row, col, chars)
        if self.has_formula and not self.value_nonblank:
            self._mark(self.parts.formula_masks, row, col)
        style = attrs.get("s")
        if self.percent_styles and style and style.isdigit() and len(style) <= 9 and int(style) in self.percent_styles:
            self._mark(self.parts.percent_masks, row, col)

    def _place(self, row: int, col: int) -> None:
        """Count a cell holding a value; refuse once the sheet's rectangle passes a limit."""
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
        area = parts.max_row * parts.max_column
        if area > self.limits.max_cells:
            raise InputRefused(
                Code.TOO_MANY_CELLS,
                sheet=self.sheet,
                cell=cell_address(row, col),
                what="セル（A1から最も遠い値までの範囲）",
                count=f"{area:,}",
                limit=f"{self.limits.max_cells:,}",
            )

    def _shared_length(self) -> int:
        text = "".join(self.index_text).strip()
        if not text.isdigit() or len(text) > 10:
            return 0
        index = int(text)
        return self.strings[index] if index < len(self.strings) else 0

    def _mark(self, masks: dict[int, int], row: int, col: int) -> None:
        if row <= self.limits.max_rows and col <= _MAX_COLUMN:
            masks[row] = masks.get(row, 0) | (1 << col)


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

_ATTRS = rb'(?:\s+[\w:.-]+="[^"<&]*+")*+\s*+'  # possessive: attributes parse one way only
_TOKEN = re.compile(  # every alternative starts with "<", so the search skips text at C speed
    rb"<(?:(?P<blank>(?:c" + _ATTRS + rb'(?:/>|></c>)|row r="[1-9][0-9]{0,6}">)'  # blank cells and plain
    rb"(?:<c" + _ATTRS + rb'(?:/>|></c>)|</row>|<row r="[1-9][0-9]{0,6}">)*+)'  # rows: nothing to note
    # a formula whose result was never saved (most cells of a fresh template): the commonest cell
    rb'|(?P<formula_only>c r="(?P<f_letters>[A-Z]{1,3})(?P<f_number>[0-9]{1,7})"(?P<f_attrs>' + _ATTRS + rb")>"
    rb"<f" + _ATTRS + rb"(?:/>|>[^<]*+</f>)(?:<v\s*/>|<v></v>)?</c>)"
    rb'|(?P<cell>c r="(?P<letters>[A-Z]{1,3})(?P<number>[0-9]{1,7})"(?P<attrs>' + _ATTRS + rb")>"
    rb"(?P<formula><f" + _ATTRS + rb"(?:/>|>[^<]*+</f>))?"
    rb"(?:(?P<value><v\s*/>|<v>(?P<value_text>[^<]*+)</v>)"
    rb"|(?P<inline><is><t" + _ATTRS + rb">(?P<inline_text>[^<]*+)</t></is>))?</c>)"
    rb'|(?P<row>row r="(?P<row_number>[0-9]{1,7})"(?P<row_attrs>' + _ATTRS + rb")/?>)"
    rb"|(?P<col>col(?P<col_attrs>" + _ATTRS + rb")/?>)"
    rb"|(?P<merge>mergeCell[\s/>])"
    rb"|(?P<bad>[!?]|(?:c|row|col|v|f|is|t|r|rPh)[\s/>]|[\w.-]+:(?:c|row|col|v|f|is|t|r|rPh|mergeCell)[\s/>]))"
)
_FORMULA_GROUPS = tuple(_TOKEN.groupindex[name] for name in ("f_letters", "f_number", "f_attrs"))
_CELL_GROUPS = tuple(
    _TOKEN.groupindex[name]
    for name in ("letters", "number", "attrs", "formula", "value", "value_text", "inline", "inline_text")
)
_ATTR = re.compile(rb'([\w:.-]+)="([^"]*)"')
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_ENTITY = re.compile(rb"&(?:lt|gt|amp|quot|apos);")
_TEXT_TYPES = (b"str", b"inlineStr", b"is", b"e")
_COLUMNS: dict[bytes, int] = {}


def fast_scan(
    data: bytes, sheet: str, strings: array, percent: frozenset[int], limits: ReadLimits, budget: Budget
) -> SheetParts | None:
    """What `SheetScanner` would find in this sheet's XML, or None when only it may decide.

    On success the budget is charged with the sheet's cells and text; on None it is untouched.
    """
    position = _body_start(data)
    if position is None:
        return None
    parts = SheetParts()
    formula_masks, percent_masks = parts.formula_masks, parts.percent_masks
    styles: dict[bytes, tuple[bytes, bool] | None] = {}  # a cell's attributes → its type and percent
    cells = chars = max_row = max_column = 0
    for match in _TOKEN.finditer(data, position):
        kind = match.lastgroup
        if kind == "blank":
            continue
        if kind == "formula_only":  # no text to count: place it, mark it
            letters, number, attrs = match.group(*_FORMULA_GROUPS)
            style = styles.get(attrs)
            if style is None:
                style = styles[attrs] = _cell_style(attrs, percent)
                if style is None:
                    return None
            row, column = int(number), _COLUMNS.get(letters) or _column_bytes(letters)
            if row == 0:
                return None
            cells += 1
            if row > max_row:
                max_row = row
            if column > max_column:
                max_column = column
            if column <= _MAX_COLUMN:
                formula_masks[row] = formula_masks.get(row, 0) | (1 << column)
                if style[1]:
                    percent_masks[row] = percent_masks.get(row, 0) | (1 << column)
        elif kind == "cell":
            letters, number, attrs, formula, value, value_text, inline, inline_text = match.group(*_CELL_GROUPS)
            if not (formula or value or inline):
                continue  # <c r="A1"></c>: nothing calamine keeps
            style = styles.get(attrs)
            if style is None:
                style = styles[attrs] = _cell_style(attrs, percent)
                if style is None:
                    return None
            cell_type, percent_style = style
            row, column = int(number), _COLUMNS.get(letters) or _column_bytes(letters)
            if row == 0:
                return None
            text = value_text or inline_text or b""  # a cell has a <v> or an <is>, never both
            if len(text) > EXCEL_MAX_CELL_CHARS:
                return None  # perhaps too long: the scanner counts it and names the cell
            cells += 1
            if row > max_row:
                max_row = row
            if column > max_column:
                max_column = column
            if cell_type == b"s":
                index = text.strip()
                if not (index.isascii() and b"&" not in index and b"\r" not in index):
                    return None
                if index.isdigit() and len(index) <= 10 and int(index) < len(strings):
                    chars += strings[int(index)]
            elif cell_type in _TEXT_TYPES:
                length = len(text) if text.isascii() and b"&" not in text and b"\r" not in text else _text_length(text)
                if length is None:
                    return None
                chars += length
            if formula and not (text and _decoded(text).strip()) and column <= _MAX_COLUMN:
                formula_masks[row] = formula_masks.get(row, 0) | (1 << column)
            if percent_style and column <= _MAX_COLUMN:
                percent_masks[row] = percent_masks.get(row, 0) | (1 << column)
        elif kind == "row":
            number, attrs = match.group("row_number", "row_attrs")
            row = int(number)
            if row == 0:
                return None
            if attrs and (b"hidden" in attrs or b"ht" in attrs):
                values = _attributes(attrs)
                if values is None:
                    return None
                if (values.get("hidden") in _TRUE or _zero(values.get("ht"))) and row <= limits.max_rows:
                    parts.hidden_rows.add(row)
        elif kind == "col":
            values = _attributes(match.group("col_attrs"))
            if values is None:
                return None
            parts.hidden_columns |= _hidden_columns(values)
        elif kind == "merge":
            parts.merges += 1
            if parts.merges > limits.max_merged_ranges:
                return None
        else:
            return None
    if max_row > limits.max_rows or max_row * max_column > limits.max_cells:
        return None
    if budget.cells + cells > limits.max_filled_cells or budget.chars + chars > limits.max_text_chars:
        return None
    parts.cells, parts.max_row, parts.max_column = cells, max_row, max_column
    budget.cells += cells
    budget.chars += chars
    return parts


def _body_start(data: bytes) -> int | None:
    """Where the markup starts after a UTF-8 XML declaration; None for any other encoding."""
    start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if data.startswith(b"<?xml", start):
        end = data.find(b"?>", start)
        if end < 0:
            return None
        encoding = _ENCODING.search(data, start, end)
        if encoding is not None and encoding.group(1).lower() not in (b"utf-8", b"utf8"):
            return None
        return end + 2
    if data[start : start + 1] != b"<" or data[start + 1 : start + 2] in (b"\x00", b""):
        return None
    return start


def _attributes(attrs: bytes) -> dict[str, str] | None:
    """Double-quoted attributes as expat gives them; None when a name repeats or text is not UTF-8."""
    pairs = _ATTR.findall(attrs)
    try:
        values = {name.decode(): value.decode() for name, value in pairs}
    except UnicodeDecodeError:
        return None
    return values if len(values) == len(pairs) else None


def _cell_style(attrs: bytes, percent: frozenset[int]) -> tuple[bytes, bool] | None:
    """A cell's type and whether its style shows a percent; None when expat might read it otherwise."""
    values = _attributes(attrs)
    if values is None or "r" in values:
        return None
    style = values.get("s")
    shows_percent = bool(
        percent and style and style.isascii() and style.isdigit() and len(style) <= 9 and int(style) in percent
    )
    return values.get("t", "").encode(), shows_percent


def _decoded(text: bytes) -> str:
    if b"\r" in text:
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    decoded = text.decode("utf-8", "replace")
    if "&" in decoded:
        decoded = decoded.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
        decoded = decoded.replace("&amp;", "&")
    return decoded


def _text_length(text: bytes) -> int | None:
    """How many characters expat would give for this text; None when only expat can say."""
    if b"\r" in text:
        text = text.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    entities = _ENTITY.findall(text) if b"&" in text else []
    if len(entities) != text.count(b"&"):
        return None
    try:
        length = len(text) if text.isascii() else len(text.decode("utf-8"))
    except UnicodeDecodeError:
        return None
    return length - sum(len(entity) - 1 for entity in entities)


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
