"""Open an .xlsx package, guarded, and read its sheets: the one reader every input goes through.

`WorkbookParts` screens the whole container first (see `limits` for the zip checks): every
part is inflated once within a budget, any DTD or entity declaration is refused, and the
workbook-level parts (relationships, workbook, styles, shared strings) are parsed with expat
(`xml_scan`): the shared strings at C speed when written the plain way, and the first three
once for all the files that hold them byte for byte (a folder of section workbooks from one
template). Each sheet is then read on request, in one pass that gives every cell's value
at the position its own XML names (`sheet_scan`): at C speed by `sheet_scan.fast_scan` when
the sheet is written the plain way, streamed through the expat `SheetScanner` otherwise (or
when it is large). Limits on rows, cells and text are checked as the cells stream past, so a
breach names its cell. `open_workbook` does all of it for a file on disk.

A sheet's `<dimension ref>` is neither trusted nor used: Excel counts formatted blank cells in
it, and a hostile file can state anything. The cells themselves are counted.
"""

from __future__ import annotations

import itertools
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar
from xml.parsers import expat

from ...core.findings import Code
from .limits import (
    DEFAULT_LIMITS,
    InputRefused,
    MemberSpan,
    ReadLimits,
    check_members,
    inflate,
    open_package,
    read_bounded,
)
from .probe import FileKind, probe_bytes
from .sheet_scan import SheetParts, SheetScanner, fast_scan
from .values import BookFormats
from .xml_scan import (
    Budget,
    Relationships,
    SharedStrings,
    Styles,
    WorkbookSheets,
    fast_shared_strings,
    guarded_parser,
)

__all__ = ["WORK", "SheetEntry", "SheetParts", "Work", "WorkbookParts", "open_workbook"]

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
_PARSED_MAX = 24  # workbook-level parts kept parsed: a few templates' worth


_PARSED: dict[tuple[object, ...], Any] = {}  # (part, its bytes, the handler's arguments) → parsed handler


class _Handler(Protocol):
    def handlers(self) -> dict[str, Callable[..., None]]: ...


_Parsed = TypeVar("_Parsed", bound=_Handler)


@dataclass(slots=True)
class Work:
    """What reading has cost this process so far, in bytes: the measure tests bound (not time)."""

    inflated: int = 0  # bytes decompressed from zip members
    parsed: int = 0  # bytes of XML handed to a scanner or parser (a declined fast scan counts too)


WORK = Work()


@dataclass(frozen=True, slots=True)
class SheetEntry:
    """A sheet as the workbook lists it: name, visibility and the part holding its cells."""

    name: str
    state: str = "visible"  # visible | hidden | veryHidden
    part: str = ""  # zip member name, "" when the package lacks it


class WorkbookParts:
    """The sheets of a package and every cell of each, read on request.

    Created, it has screened the whole container (every member inflated and counted, no DTD
    anywhere) and parsed the workbook-level parts. Each sheet is read once, on first request
    (`scan_sheet`): sheets nobody reads are inflated and checked for declarations, never parsed.

    :param data: the file's bytes.
    :param limits: what the file may cost; the first breach raises `InputRefused`.
    :param archive: the package as `probe_bytes` opened it (closed here), so the zip directory is
        parsed once; opened here when None.
    """

    def __init__(
        self, data: bytes, limits: ReadLimits = DEFAULT_LIMITS, archive: zipfile.ZipFile | None = None
    ) -> None:
        archive = archive or open_package(data, limits)  # the probe's, when it opened the package
        try:
            spans = check_members(archive, data, limits)
        finally:
            archive.close()
        self._screen = _Screen(data, spans, limits)
        self.sheets = self._screen.open()

    def close(self) -> None:
        """Let go of the inflated parts."""
        self._screen.held.clear()

    @property
    def formats(self) -> BookFormats:
        """The book's shared strings and the styles that show percents and dates."""
        return self._screen.formats

    @property
    def sheet_names(self) -> list[str]:
        """The sheets' names, in the workbook's order."""
        return [entry.name for entry in self.sheets]

    def sheet_paths(self) -> dict[str, str]:
        """Sheet name → part name (xl/worksheets/sheet3.xml); the first sheet of a name wins."""
        paths: dict[str, str] = {}
        for entry in self.sheets:
            paths.setdefault(entry.name, entry.part)
        return paths

    def scan_sheet(self, sheet_name: str) -> SheetParts:
        """Read a sheet (once): its values where its XML puts them, and what values cannot show.

        Raises `InputRefused` at a breach of the limits. Empty when the sheet has no part.
        """
        part = self.sheet_paths().get(sheet_name, "")
        return self._screen.sheet(sheet_name, part) if part else SheetParts()


def open_workbook(path: Path, limits: ReadLimits = DEFAULT_LIMITS) -> tuple[WorkbookParts, bytes, FileKind]:
    """Read a file from disk (bounded), check it is an .xlsx/.xlsm package and screen it.

    :returns: the screened package, the file's bytes (for a digest) and its kind (XLSX or XLSM).
    :raises InputRefused: the file breaks a limit or is not an Office Open XML workbook.
    :raises OSError: the file cannot be read (PermissionError included).
    """
    data = read_bounded(Path(path), limits)
    probe = probe_bytes(data, limits=limits)
    if not probe.readable:
        raise InputRefused(probe.code or Code.FILE_NOT_WORKBOOK, reason=probe.detail or probe.kind)
    return WorkbookParts(data, limits, probe.archive), data, probe.kind


class _Screen:
    """Inflate every member within a budget, refuse declarations, parse the workbook-level parts.

    Every member is inflated once, at opening, and checked; the sheet parts are held for their
    scan (the whole package is bounded by `max_uncompressed_bytes`), except a sheet part too
    large to hold whole: that one is left to be streamed when it is scanned.
    """

    def __init__(self, data: bytes, spans: dict[str, MemberSpan], limits: ReadLimits) -> None:
        self.data = data
        self.spans = spans
        self.limits = limits
        self.by_key = {name.lower(): name for name in spans}  # part names are ASCII-case-insensitive
        self.budget = limits.max_uncompressed_bytes
        self.done: set[str] = set()
        self.contents = Budget(limits)
        self.scans: dict[str, SheetParts] = {}
        self.formats = BookFormats()
        self.held: dict[str, bytes] = {}  # sheet part → its inflated bytes

    def open(self) -> list[SheetEntry]:
        """The workbook-level parts parsed; every other member inflated and checked, sheet parts
        held (a sheet part too large to hold is left to its scan)."""
        most_parts, most_sheets = self.limits.max_parts + self.limits.max_sheets, self.limits.max_sheets
        targets = self._parse_shared(_RELS, lambda: Relationships(most_parts), "rels", most_parts)
        workbook = self._parse_shared(
            _WORKBOOK,
            lambda: WorkbookSheets(targets.targets, most_sheets),
            "sheets",
            tuple(targets.targets.items()),
            most_sheets,
        )
        styles = self._parse_shared(targets.by_type.get("styles", _STYLES), Styles, "styles")
        texts = self._shared_strings(targets.by_type.get("sharedStrings", _STRINGS))
        self.formats = styles.formats(texts, workbook.date1904)
        sheets = [SheetEntry(name, state, self.by_key.get(path.lower(), "")) for name, state, path in workbook.sheets]
        parts = [entry.part for entry in sheets if entry.part]
        if len(set(parts)) < len(parts) or self.done & set(parts):
            raise InputRefused(Code.FILE_UNREADABLE, reason="複数のシートが同じ部品を参照しています")
        for name in self.spans:
            if name in self.done:
                continue
            if name not in parts:
                for _ in self._chunks(name):  # checked (size, CRC, declarations), not kept
                    pass
            elif self.spans[name].info.file_size <= _FAST_SCAN_BYTES:
                self.held[name] = b"".join(self._chunks(name))
        return sheets

    def sheet(self, sheet: str, part: str) -> SheetParts:
        """Read one sheet's part (once) and return what it holds."""
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
            data = self.held.pop(name)
            WORK.parsed += len(data)
            found = fast_scan(data, sheet, self.formats, self.limits, self.contents)
            if found is not None:
                return found
            scanner = SheetScanner(sheet, self.formats, self.limits, self.contents)
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
            WORK.parsed += size
            found = fast_scan(b"".join(held), sheet, self.formats, self.limits, self.contents)
            if found is not None:
                return found
        scanner = SheetScanner(sheet, self.formats, self.limits, self.contents)
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
            WORK.inflated += len(chunk)
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

    def _parse_shared(self, wanted: str, make: Callable[[], _Parsed], *arguments: object) -> _Parsed:
        """Parse a member into a new handler from `make`, or give the one an earlier file's
        identical bytes gave. Section workbooks share their relationships, workbook and styles
        parts byte for byte; a handler's findings are a function of the bytes and of the
        `arguments` it is made with (part of the key); a part that fails to parse is never kept,
        and a kept handler is only read from."""
        name = self.by_key.get(wanted.lower())
        if name is None or name in self.done:
            return make()
        data = b"".join(self._chunks(name))  # inflated and screened for every file, as ever
        key = (wanted, data, arguments)
        handler = _PARSED.get(key)
        if handler is None:
            handler = make()
            self._feed(name, handler.handlers(), [data])
            if len(_PARSED) >= _PARSED_MAX:
                _PARSED.clear()
            _PARSED[key] = handler
        return handler

    def _shared_strings(self, wanted: str) -> list[str]:
        """The shared strings: read at C speed when written the plain way, else parsed by expat."""
        name = self.by_key.get(wanted.lower())
        if name is None or name in self.done:
            return []
        data = b"".join(self._chunks(name))
        WORK.parsed += len(data)
        texts = fast_shared_strings(data, self.limits.max_shared_strings)
        if texts is None:
            strings = SharedStrings(self.limits.max_shared_strings)
            self._feed(name, strings.handlers(), [data])
            texts = strings.texts
        return texts

    def _feed(self, name: str, handlers: dict[str, Callable[..., None]], chunks: Iterable[bytes]) -> None:
        """Stream a member's chunks through a guarded expat parser."""
        parser = guarded_parser(name)
        for attribute, handler in handlers.items():
            setattr(parser, attribute, handler)
        try:
            for chunk in chunks:
                WORK.parsed += len(chunk)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"XMLの誤り（{name}）: {error}") from None
