"""Guarded, streaming expat handlers for the workbook-level parts of an .xlsx.

Each handler class collects one thing and enforces its limits as the XML streams past:
`Relationships` and `WorkbookSheets` (which part holds which sheet),
`Styles` (which formats show a percent, a date or a duration) and `SharedStrings` (the text of
each shared string);
`Budget` counts what the whole workbook holds. `guarded_parser` refuses DTDs and entity
declarations, so a billion-laughs or external-entity part stops at its `<!DOCTYPE`. Sheets are
scanned by `sheet_scan.SheetScanner`. `fast_shared_strings` reads a shared-strings part written
the plain way with regular expressions, to exactly what `SharedStrings` collects, or declines.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from xml.parsers import expat

from ...core.cells import cell_address
from ...core.enums import Severity
from ...core.findings import Code
from .limits import EXCEL_MAX_CELL_CHARS, InputRefused, ReadLimits
from .values import BookFormats, date_styles, has_escapes, unescape, xml_text

__all__ = [
    "LOCAL_NAMES",
    "Budget",
    "Relationships",
    "SharedStrings",
    "Styles",
    "WorkbookSheets",
    "body_start",
    "fast_shared_strings",
    "guarded_parser",
    "local_name",
    "well_formed_text",
]

_PERCENT_BUILTIN = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.')
_MAX_STYLES = 100_000


def guarded_parser(part: str) -> expat.XMLParserType:
    """An expat parser that refuses DTDs, entity declarations and external references."""

    def refuse(*_: object) -> None:
        raise InputRefused(Code.XML_ENTITIES, value=part, part=part)

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.buffer_text = True
    return parser


LOCAL_NAMES: dict[str, str] = {}  # qualified name → local name, for the few names real files use


def local_name(name: str) -> str:
    """`x:row` → `row` (cached for the few names real files use)."""
    local = LOCAL_NAMES.get(name)
    if local is None:
        local = name.rpartition(":")[2]
        if len(LOCAL_NAMES) < 4096:
            LOCAL_NAMES[name] = local
    return local


def part_name(target: str) -> str:
    """The zip member a workbook relationship names: relative to xl/, or absolute from the root."""
    if not target:
        return ""
    return posixpath.normpath(target[1:] if target.startswith("/") else f"xl/{target}")


class Relationships:
    """Id → Target of the workbook's relationships."""

    def __init__(self, limit: int) -> None:
        self.targets: dict[str, str] = {}
        self.by_type: dict[str, str] = {}  # last segment of the type (styles, sharedStrings) → part
        self.limit = limit

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {"StartElementHandler": self.start}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "Relationship":
            target = attrs.get("Target", "")
            self.targets[attrs.get("Id", "")] = target
            self.by_type.setdefault(attrs.get("Type", "").rpartition("/")[2], part_name(target))
            if len(self.targets) > self.limit:
                size = len(self.targets)
                raise InputRefused(Code.FILE_TOO_LARGE, what="関係（rels）の数", size=size, limit=self.limit)


class WorkbookSheets:
    """The sheets listed in xl/workbook.xml with the part holding each, and the date system."""

    def __init__(self, targets: dict[str, str], limit: int) -> None:
        self.targets = targets
        self.limit = limit
        self.sheets: list[tuple[str, str, str]] = []
        self.date1904 = False

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {"StartElementHandler": self.start}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "workbookPr":
            self.date1904 = attrs.get("date1904", "").strip().lower() in ("1", "true")
        if local != "sheet":
            return
        rel = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        target = self.targets.get(rel, "")
        self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), part_name(target)))
        if len(self.sheets) > self.limit:
            raise InputRefused(
                Code.FILE_TOO_LARGE, what="シートの数", size=len(self.sheets), limit=self.limit, value=len(self.sheets)
            )


class Styles:
    """Which cell formats (cellXfs indexes) show a percent."""

    def __init__(self) -> None:
        self.custom: dict[str, str] = {}
        self.xf_formats: list[str] = []
        self.in_cell_xfs = False

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {"StartElementHandler": self.start, "EndElementHandler": self.end}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "numFmt":
            self.custom[attrs.get("numFmtId", "")] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            self.in_cell_xfs = True
        elif local == "xf" and self.in_cell_xfs:
            self.xf_formats.append(attrs.get("numFmtId", "0"))
        if len(self.custom) + len(self.xf_formats) > _MAX_STYLES:
            raise InputRefused(Code.FILE_TOO_LARGE, what="セルの書式の数", size=f"{_MAX_STYLES:,}超", limit=_MAX_STYLES)

    def end(self, name: str) -> None:
        if local_name(name) == "cellXfs":
            self.in_cell_xfs = False

    def percent(self) -> frozenset[int]:
        """The cellXfs indexes whose number format shows a percent."""
        ids = {str(i) for i in _PERCENT_BUILTIN}
        ids.update(i for i, code in self.custom.items() if "%" in _QUOTED.sub("", code))
        return frozenset(index for index, fmt in enumerate(self.xf_formats) if fmt in ids)

    def formats(self, strings: list[str], date1904: bool) -> BookFormats:
        """How to read a cell of this workbook: its shared strings and what each style shows."""
        dates, durations = date_styles(self.xf_formats, self.custom)
        return BookFormats(strings, self.percent(), dates, durations, date1904)


class SharedStrings:
    """The shared string table: every `<si>` in order, its text as Excel shows it (the runs of a
    rich string joined, phonetic guides `<rPh>` left out)."""

    def __init__(self, limit: int) -> None:
        self.texts: list[str] = []
        self.limit = limit
        self.path: list[str] = []  # local names open inside the <si>
        self.text: list[str] = []
        self.length = 0
        self.collect = False

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.chars,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if self.path or local == "si":
            self.path.append(local)
        if local == "si" and len(self.path) == 1:
            self.text, self.length = [], 0
        elif local == "t" and (len(self.path) == 2 or (len(self.path) == 3 and self.path[1] == "r")):
            self.collect = True  # <si><t> or <si><r><t>, never <si><rPh><t>

    def end(self, name: str) -> None:
        if not self.path:
            return
        local = self.path.pop()
        if local == "t":
            self.collect = False
        elif local == "si" and not self.path:
            self.texts.append(unescape("".join(self.text)))
            if len(self.texts) > self.limit:
                raise InputRefused(
                    Code.TOO_MANY_CELLS, what="共有文字列", count=f"{len(self.texts):,}", limit=f"{self.limit:,}"
                )

    def chars(self, data: str) -> None:
        if self.collect:
            self.text.append(data)
            self.length += len(data)
            if self.length > EXCEL_MAX_CELL_CHARS:
                raise InputRefused(
                    Code.CELL_TOO_LONG,
                    value=f"共有文字列 {len(self.texts) + 1}番",
                    column="（共有文字列）",
                    length=f"{EXCEL_MAX_CELL_CHARS:,}超",
                    limit=f"{EXCEL_MAX_CELL_CHARS:,}",
                    severity=Severity.ERROR,
                )


def body_start(data: bytes) -> int | None:
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


_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]*)["']""")
_ATTRIBUTE_NAME = re.compile(r'[ \t\r\n]([\w:.-]+)="[^"<&]*"', re.ASCII)
_PRESERVE = r'(?: xml:space="preserve")?'
_SHARED_STRING = (  # one <si> written the plain way: a <t>, perhaps Excel's phonetic guide after it
    r"<si>(?:<t" + _PRESERVE + r">(?P<text>[^<]*+)</t>|<t" + _PRESERVE + r"/>)"
    r'(?:<rPh sb="[0-9]{1,9}" eb="[0-9]{1,9}"><t' + _PRESERVE + r">[^<&]*+</t></rPh>)*+"
    r'(?:<phoneticPr fontId="[0-9]{1,9}"(?: type="[A-Za-z]{1,20}")?(?: alignment="[A-Za-z]{1,20}")?/>)?</si>'
)
_SHARED_STRINGS = re.compile(
    r'[ \t\r\n]*+<sst(?P<attrs>(?:[ \t\r\n]+[A-Za-z_:][\w:.-]*+="[^"<&]*+")*+)[ \t\r\n]*+>'
    r"(?P<items>(?:" + _SHARED_STRING + r")*+)</sst>[ \t\r\n]*+\Z",
    re.ASCII,
)
_SHARED_TEXT = re.compile(_SHARED_STRING)
_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # C0 controls XML 1.0 has no place for


def well_formed_text(data: bytes) -> str | None:
    """A UTF-8 part as text, or None when expat would refuse a character of it wherever it
    stands: bad UTF-8, a C0 control but tab and line ends, U+FFFE or U+FFFF, or "]]>" outside a
    CDATA section (a part written the plain way holds none). At C speed."""
    if len(data.translate(None, _CONTROLS)) != len(data) or (b"]" in data and b"]]>" in data):  # "]" by memchr
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return None if "\ufffe" in text or "\uffff" in text else text


def fast_shared_strings(data: bytes, limit: int) -> list[str] | None:
    """The texts `SharedStrings` would collect from this part, or None when only it may decide
    (markup other than plain `<si><t>` items with Excel's phonetic guides, a reference it must
    resolve, a text or a count at a limit, anything expat would refuse)."""
    start = body_start(data)
    text = well_formed_text(data) if start is not None else None
    if text is None:
        return None
    found = _SHARED_STRINGS.match(text, len(data[:start].decode("utf-8")))
    if found is None:
        return None
    names = _ATTRIBUTE_NAME.findall(found.group("attrs"))
    if len(set(names)) != len(names):
        return None  # a repeated attribute: expat refuses the part
    items = found.group("items")
    raws = _SHARED_TEXT.findall(items)
    if len(raws) > limit or max(map(len, raws), default=0) > EXCEL_MAX_CELL_CHARS:
        return None  # the parser counts, names the breach and refuses (a reference only shortens a text)
    if "&" not in items and "\r" not in items:
        return [unescape(raw) for raw in raws] if has_escapes(items) else raws
    for index, raw in enumerate(raws):
        if "&" in raw or "\r" in raw:
            resolved = xml_text(raw.encode())  # line ends and references as a parser gives them
            if resolved is None:
                return None
            raws[index] = resolved
    return [unescape(raw) for raw in raws]  # a reference may have spelt an escape


class Budget:
    """What the whole workbook may hold: cells with a value, and their text (a shared string
    counts at each use, since Python holds it in every cell)."""

    def __init__(self, limits: ReadLimits) -> None:
        self.limits = limits
        self.cells = 0
        self.chars = 0

    def spend(self, sheet: str, row: int, column: int, chars: int) -> None:
        """Count one filled cell (1-based row and column) and its characters; refuse past either limit."""
        self.cells += 1
        self.chars += chars
        if self.cells > self.limits.max_filled_cells:
            raise InputRefused(
                Code.TOO_MANY_CELLS,
                sheet=sheet,
                cell=cell_address(row, column),
                what="値の入ったセル（ブック全体）",
                count=f"{self.cells:,}",
                limit=f"{self.limits.max_filled_cells:,}",
            )
        if self.chars > self.limits.max_text_chars:
            raise InputRefused(
                Code.FILE_TOO_LARGE,
                what="セルの文字数の合計",
                size=f"{self.chars:,}文字",
                limit=f"{self.limits.max_text_chars:,}文字",
            )
