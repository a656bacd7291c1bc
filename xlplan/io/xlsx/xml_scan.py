"""Guarded, streaming expat handlers for the workbook-level parts of an .xlsx that calamine reads.

Each handler class collects one thing and enforces its limits as the XML streams past:
`Relationships` and `WorkbookSheets` (which part holds which sheet, as calamine resolves it),
`Styles` (which formats show a percent) and `SharedStrings` (the length of each string);
`Budget` counts what the whole workbook holds. `guarded_parser` refuses DTDs and entity
declarations, so a billion-laughs or external-entity part stops at its `<!DOCTYPE`. Sheets are
scanned by `sheet_scan.SheetScanner`.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Callable
from xml.parsers import expat

from ...core.cells import cell_address
from ...core.enums import Severity
from ...core.findings import Code
from .limits import EXCEL_MAX_CELL_CHARS, InputRefused, ReadLimits

__all__ = [
    "LOCAL_NAMES",
    "Budget",
    "Relationships",
    "SharedStrings",
    "Styles",
    "WorkbookSheets",
    "guarded_parser",
    "local_name",
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


class Relationships:
    """Id → Target of the workbook's relationships."""

    def __init__(self, limit: int) -> None:
        self.targets: dict[str, str] = {}
        self.limit = limit

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {"StartElementHandler": self.start}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) == "Relationship":
            self.targets[attrs.get("Id", "")] = attrs.get("Target", "")
            if len(self.targets) > self.limit:
                size = len(self.targets)
                raise InputRefused(Code.FILE_TOO_LARGE, what="関係（rels）の数", size=size, limit=self.limit)


class WorkbookSheets:
    """The sheets listed in xl/workbook.xml, with the part calamine will open for each."""

    def __init__(self, targets: dict[str, str], limit: int) -> None:
        self.targets = targets
        self.limit = limit
        self.sheets: list[tuple[str, str, str]] = []

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {"StartElementHandler": self.start}

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if local_name(name) != "sheet":
            return
        rel = next((v for k, v in attrs.items() if k.endswith(":id")), "")
        target = self.targets.get(rel, "")
        # calamine's rule: "/xl/x" → "xl/x", "xl/x" as is, anything else → "xl/" + target
        path = target[1:] if target.startswith("/xl/") else target if target.startswith("xl/") else f"xl/{target}"
        self.sheets.append((attrs.get("name", ""), attrs.get("state", "visible"), path if target else ""))
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
        ids = {str(i) for i in _PERCENT_BUILTIN}
        ids.update(i for i, code in self.custom.items() if "%" in _QUOTED.sub("", code))
        return frozenset(index for index, fmt in enumerate(self.xf_formats) if fmt in ids)


class SharedStrings:
    """The length of each shared string, as calamine will hold it (phonetic runs left out)."""

    def __init__(self, limit: int) -> None:
        self.lengths = array("L")
        self.limit = limit
        self.length = 0
        self.kept = False  # calamine keeps an <si> only when it has a <t> or a rich run
        self.phonetic = 0
        self.in_text = False

    def handlers(self) -> dict[str, Callable[..., None]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.chars,
        }

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = local_name(name)
        if local == "si":
            self.length, self.kept, self.phonetic = 0, False, 0
        elif local == "rPh":
            self.phonetic += 1
        elif local == "r":
            self.kept = True
        elif local == "t" and not self.phonetic:
            self.kept = self.in_text = True

    def end(self, name: str) -> None:
        local = local_name(name)
        if local == "t":
            self.in_text = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "si" and self.kept:
            self.lengths.append(min(self.length, 2**31))
            if len(self.lengths) > self.limit:
                raise InputRefused(
                    Code.TOO_MANY_CELLS, what="共有文字列", count=f"{len(self.lengths):,}", limit=f"{self.limit:,}"
                )

    def chars(self, data: str) -> None:
        if self.in_text and not self.phonetic:
            self.length += len(data)
            if self.length > EXCEL_MAX_CELL_CHARS:
                raise InputRefused(
                    Code.CELL_TOO_LONG,
                    value=f"共有文字列 {len(self.lengths) + 1}番",
                    column="（共有文字列）",
                    length=f"{EXCEL_MAX_CELL_CHARS:,}超",
                    limit=f"{EXCEL_MAX_CELL_CHARS:,}",
                    severity=Severity.ERROR,
                )


class Budget:
    """What the whole workbook may hold: cells with a value, and their text (a shared string
    counts at each use, since calamine and Python copy it into every cell)."""

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
