"""Structure read from the workbook's zip/XML parts, streamed and guarded, before calamine runs.

python-calamine gives values fast, but it does not say which cells hold a formula without a
saved result, which carry a percent number format (Excel stores "22.6%" as 0.226) or which
rows, columns and sheets are hidden; and it trusts the file. `scan_package` streams every part
of the package once (see `limits` for the zip checks), refusing any DTD or entity declaration,
parses the workbook-level parts calamine will read with expat, and checks the limits on rows,
cells and text, mirroring how calamine places cells. A sheet is scanned at C speed by
`sheet_scan.fast_scan` when it is written the plain way, and streamed through the expat
`SheetScanner` otherwise (or when it is large). Only then is the file handed to calamine, and
not the file as sent but `WorkbookParts.package()`: the same parts, already inflated and
checked, stored uncompressed, so nothing is decompressed twice.

A sheet's `<dimension ref>` is neither trusted nor used: Excel counts formatted blank cells in
it, and a hostile file can state anything. The cells themselves are counted.
"""

from __future__ import annotations

import itertools
import re
import struct
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.parsers import expat

from ...core.findings import Code
from .limits import DEFAULT_LIMITS, InputRefused, MemberSpan, ReadLimits, check_members, inflate, open_package
from .sheet_scan import SheetParts, SheetScanner, fast_scan
from .xml_scan import Budget, Relationships, SharedStrings, Styles, WorkbookSheets, guarded_parser

__all__ = ["SheetEntry", "SheetParts", "WorkbookParts", "scan_package", "stored_package"]

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION_START = re.compile(rb"<\x00?!")  # "<!" in UTF-8, "<\0!" in UTF-16 (either byte order)
_DECLARATIONS = tuple(
    text.encode(encoding) for text in ("<!DOCTYPE", "<!ENTITY") for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_RELS = "xl/_rels/workbook.xml.rels"
_WORKBOOK = "xl/workbook.xml"
_STYLES = "xl/styles.xml"
_STRINGS = "xl/sharedStrings.xml"
_FAST_SCAN_BYTES = 8 * 1024 * 1024  # a sheet part larger than this is streamed, never held whole


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """A sheet as the workbook lists it: name, visibility and the part holding its cells."""

    name: str
    state: str = "visible"  # visible | hidden | veryHidden
    part: str = ""  # zip member name, "" when the package lacks it


class WorkbookParts:
    """The sheets of a package and what their XML says about each cell.

    Created, it has screened the whole container (every member inflated and counted, no DTD
    anywhere) and parsed what calamine reads on opening (relationships, workbook, styles,
    shared strings). Each sheet's cells are scanned on first request (`scan_sheet`), which the
    reader makes before asking calamine for that sheet: sheets nobody reads are inflated and
    checked for declarations, never scanned. Calamine reads `package()`, not the file as sent.

    :param data: the file's bytes.
    :param limits: what the file may cost; the first breach raises `InputRefused`.
    """

    def __init__(self, data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> None:
        archive = open_package(data, limits)
        try:
            spans = check_members(archive, data, limits)
        finally:
            archive.close()
        self._screen = _Screen(data, spans, limits)
        self.sheets = self._screen.open()

    def close(self) -> None:
        """Let go of the inflated parts."""
        self._screen.held.clear()

    def package(self) -> bytes:
        """The package for calamine: every part as screened, stored uncompressed.

        Calamine then reads the bytes this screen inflated and checked instead of inflating
        each part again. When a sheet was too large to hold (it is streamed when scanned), the
        file as sent is returned instead.
        """
        screen = self._screen
        if len(screen.held) < len(screen.spans):
            return screen.data
        return stored_package([(span.info, screen.held[name]) for name, span in screen.spans.items()])

    def sheet_paths(self) -> dict[str, str]:
        """Sheet name → part name (xl/worksheets/sheet3.xml); the first sheet of a name wins."""
        paths: dict[str, str] = {}
        for entry in self.sheets:
            paths.setdefault(entry.name, entry.part)
        return paths

    def scan_sheet(self, sheet_name: str, *, want_percent: bool = True) -> SheetParts:
        """Screen a sheet (once) and say what its XML holds; raise `InputRefused` at a breach.

        Call it before reading the sheet with calamine. Empty when the sheet has no part.
        """
        part = self.sheet_paths().get(sheet_name, "")
        return self._screen.sheet(sheet_name, part) if part else SheetParts()


def scan_package(data: bytes, limits: ReadLimits = DEFAULT_LIMITS) -> WorkbookParts:
    """Screen a whole .xlsx package held in memory, every sheet included; raise `InputRefused`.

    :param data: the file's bytes.
    :param limits: what the file may cost.
    """
    parts = WorkbookParts(data, limits)
    for name in parts.sheet_paths():
        parts.scan_sheet(name)
    return parts


class _Screen:
    """Inflate every member within a budget, refuse declarations, parse what calamine reads.

    Every member is inflated once, at opening, and held (the whole package is bounded by
    `max_uncompressed_bytes`), except a sheet part too large to scan whole: that one is left
    to be streamed when it is scanned, and calamine then gets the file as sent.
    """

    def __init__(self, data: bytes, spans: dict[str, MemberSpan], limits: ReadLimits) -> None:
        self.data = data
        self.spans = spans
        self.limits = limits
        self.by_key = {name.lower(): name for name in spans}  # calamine ignores ASCII case
        self.budget = limits.max_uncompressed_bytes
        self.done: set[str] = set()
        self.contents = Budget(limits)
        self.scans: dict[str, SheetParts] = {}
        self.strings = SharedStrings(limits.max_shared_strings)
        self.percent: frozenset[int] = frozenset()
        self.held: dict[str, bytes] = {}  # member → its inflated bytes

    def open(self) -> list[SheetEntry]:
        """What calamine reads on opening, parsed; every member inflated, checked and held (a sheet
        part too large to hold is left to its scan)."""
        targets = Relationships(self.limits.max_parts + self.limits.max_sheets)
        self._parse(_RELS, targets.handlers())
        workbook = WorkbookSheets(targets.targets, self.limits.max_sheets)
        self._parse(_WORKBOOK, workbook.handlers())
        styles = Styles()
        self._parse(_STYLES, styles.handlers())
        self.percent = styles.percent()
        self._parse(_STRINGS, self.strings.handlers())
        sheets = [SheetEntry(name, state, self.by_key.get(path.lower(), "")) for name, state, path in workbook.sheets]
        parts = [entry.part for entry in sheets if entry.part]
        if len(set(parts)) < len(parts) or self.done & set(parts):
            raise InputRefused(Code.FILE_UNREADABLE, reason="複数のシートが同じ部品を参照しています")
        for name in self.spans:
            if name not in self.done and (name not in parts or self.spans[name].info.file_size <= _FAST_SCAN_BYTES):
                self._hold(name)  # a sheet part is scanned later, from the bytes held here
        return sheets

    def sheet(self, sheet: str, part: str) -> SheetParts:
        """Screen one sheet's part (once) and return what it holds."""
        if part not in self.scans:
            self.scans[part] = self._scan_sheet(sheet, part)
        return self.scans[part]

    def _scan_sheet(self, sheet: str, part: str) -> SheetParts:
        """Read a sheet's part whole and scan it fast; stream it through the scanner when the
        fast path cannot decide, or when the part is too large to hold (the stream stops early)."""
        name = self.by_key.get(part.lower())
        if name is None:
            return SheetParts()
        if name in self.held:
            data = self.held[name]
            found = fast_scan(data, sheet, self.strings.lengths, self.percent, self.limits, self.contents)
            if found is not None:
                return found
            scanner = SheetScanner(sheet, self.strings.lengths, self.percent, self.limits, self.contents)
            self._feed(name, scanner.handlers(), [data])
            return scanner.parts
        if name in self.done:
            return SheetParts()
        chunks = iter(self._chunks(name))
        held: list[bytes] = []
        size = 0
        for chunk in chunks:
            held.append(chunk)
            size += len(chunk)
            if size > _FAST_SCAN_BYTES:
                break
        else:
            found = fast_scan(b"".join(held), sheet, self.strings.lengths, self.percent, self.limits, self.contents)
            if found is not None:
                return found
        scanner = SheetScanner(sheet, self.strings.lengths, self.percent, self.limits, self.contents)
        self._feed(name, scanner.handlers(), itertools.chain(held, chunks))
        return scanner.parts

    def _chunks(self, name: str) -> Iterable[bytes]:
        """Inflate one member within the budget, refusing DTD and entity declarations."""
        self.done.add(name)
        xml_like = name.lower().endswith(_XML_SUFFIXES)
        tail = b""
        first = True
        for chunk in inflate(self.data, self.spans[name], self.budget):
            self.budget -= len(chunk)
            if first:
                xml_like = xml_like or chunk.lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00").startswith(b"<")
                first = False
            if xml_like:
                # every declaration starts with "<!" (UTF-8) or "<\0!" (UTF-16, either byte order):
                # look for those in the chunk and across its seam, and test the six forms only then
                suspect = _DECLARATION_START.search(chunk) or _DECLARATION_START.search(tail + chunk[:32])
                if suspect and any(pattern in tail + chunk for pattern in _DECLARATIONS):
                    raise InputRefused(Code.XML_ENTITIES, value=name, part=name)
                tail = (tail + chunk)[-32:] if len(chunk) < 32 else chunk[-32:]
            yield chunk

    def _hold(self, name: str) -> bytes:
        """Inflate a member whole (checked as `_chunks` checks it) and hold its bytes."""
        data = self.held[name] = b"".join(self._chunks(name))
        return data

    def _parse(self, wanted: str, handlers: dict[str, Callable[..., None]]) -> None:
        """Parse a member (looked up ignoring case) with a guarded expat parser."""
        name = self.by_key.get(wanted.lower())
        if name is None or name in self.done:
            return
        self._feed(name, handlers, [self._hold(name)])

    def _feed(self, name: str, handlers: dict[str, Callable[..., None]], chunks: Iterable[bytes]) -> None:
        """Stream a member's chunks through a guarded expat parser."""
        parser = guarded_parser(name)
        for attribute, handler in handlers.items():
            setattr(parser, attribute, handler)
        try:
            for chunk in chunks:
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"XMLの誤り（{name}）: {error}") from None


_LOCAL_HEADER = struct.Struct("<4s5H3L2H")
_CENTRAL_HEADER = struct.Struct("<4s6H3L5H2L")
_END_RECORD = struct.Struct("<4s4H2LH")
_UTF8_NAMES = 0x800
_ZIP_LIMIT = 0xFFFF_FFFF  # past this a zip needs the zip64 records: never for a screened package


def stored_package(members: Iterable[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    """A zip of these members, uncompressed, under their names and checked CRCs.

    The members' bytes were inflated and CRC-checked against `info.CRC` by `limits.inflate`,
    so the CRCs are taken, not recomputed. Sizes stay far below the zip64 limits (the whole
    package is bounded by `ReadLimits.max_uncompressed_bytes`).
    """
    pieces: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for info, content in members:
        name = info.filename.encode("utf-8")
        size = len(content)
        if offset + size > _ZIP_LIMIT or len(directory) >= 0xFFFF:
            raise ValueError("package too large to store without zip64")
        header = _LOCAL_HEADER.pack(b"PK\x03\x04", 20, _UTF8_NAMES, 0, 0, 0x21, info.CRC, size, size, len(name), 0)
        pieces += (header, name, content)
        directory.append(
            _CENTRAL_HEADER.pack(
                b"PK\x01\x02", 20, 20, _UTF8_NAMES, 0, 0, 0x21, info.CRC, size, size, len(name), 0, 0, 0, 0, 0, offset
            )
            + name
        )
        offset += len(header) + len(name) + size
    listing = b"".join(directory)
    end = _END_RECORD.pack(b"PK\x05\x06", 0, 0, len(directory), len(directory), len(listing), offset, 0)
    return b"".join([*pieces, listing, end])
