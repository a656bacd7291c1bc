"""Tell what a file really is before parsing it: a workbook, a lock file, or something else.

Sniffs magic bytes and zip member names only; never trusts the extension and never writes.
It reads at most a few bounded pieces of a zip (`mimetype`, the content types), so a hostile
archive cannot make the probe itself expensive. The zip directory is parsed in one place,
`limits.open_package`, and the archive it opens is handed on to the reader (`Probe.archive`).
"""

from __future__ import annotations

import codecs
import io
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from ...core.findings import Code
from .limits import DEFAULT_LIMITS, InputRefused, ReadLimits, open_package, read_bounded

__all__ = ["FileKind", "Probe", "is_lock_file", "probe_bytes", "probe_file"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_HEAD = 4096
_CONTENT_TYPES_BYTES = 1 << 20
_MACRO_MARKERS = (b"macroenabled", b"vbaproject", b"macrosheet")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class FileKind(StrEnum):
    """What the bytes of a file are."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"
    ENCRYPTED = "encrypted"
    LOCK = "lock"
    OTHER = "other"
    UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class Probe:
    """The verdict on one file, with the finding code to report when it is not an .xlsx."""

    kind: FileKind
    detail: str = ""
    archive: zipfile.ZipFile | None = field(default=None, compare=False, repr=False)  # opened, for the reader

    @property
    def readable(self) -> bool:
        """True when the file can be read as an Office Open XML workbook."""
        return self.kind in (FileKind.XLSX, FileKind.XLSM)

    @property
    def code(self) -> Code | None:
        """The finding that explains why the file is not read (None if it is)."""
        return _CODES.get(self.kind)


_CODES = {
    FileKind.XLS: Code.FILE_XLS,
    FileKind.ODS: Code.FILE_ODS,
    FileKind.CSV: Code.FILE_CSV,
    FileKind.ENCRYPTED: Code.FILE_ENCRYPTED,
    FileKind.LOCK: Code.FILE_LOCK_SKIPPED,
    FileKind.OTHER: Code.FILE_NOT_WORKBOOK,
    FileKind.UNREADABLE: Code.FILE_UNREADABLE,
}


def is_lock_file(path: Path) -> bool:
    """Excel's owner files (`~$name.xlsx`) appear beside every open workbook."""
    return path.name.startswith("~$")


def probe_file(path: Path, *, limits: ReadLimits = DEFAULT_LIMITS) -> Probe:
    """Say what a file is, from its bytes (read bounded, without blocking on a pipe)."""
    if is_lock_file(path):
        return Probe(FileKind.LOCK)
    try:
        data = read_bounded(path, limits)
    except InputRefused as refused:
        return Probe(FileKind.UNREADABLE, str(refused.params.get("reason") or refused.params.get("what", "")))
    except OSError as error:
        return Probe(FileKind.UNREADABLE, error.strerror or type(error).__name__)
    probe = probe_bytes(data, limits=limits)
    if probe.archive is not None:
        probe.archive.close()
    return probe


def probe_bytes(data: bytes, *, limits: ReadLimits = DEFAULT_LIMITS) -> Probe:
    """Say what a file is, from its bytes already in memory. For a readable package the opened
    archive comes with the verdict (`Probe.archive`): the reader parses the zip directory once."""
    head = data[:_HEAD]
    if head.startswith(_OLE_MAGIC):
        return _probe_ole(io.BytesIO(data))
    if head.startswith(_ZIP_MAGIC):
        return _probe_zip(data, limits)
    if _looks_like_text(head):
        return Probe(FileKind.CSV)
    return Probe(FileKind.OTHER)


def _probe_ole(handle: BinaryIO) -> Probe:
    """An OLE compound file is either an encrypted OOXML package or a legacy .xls."""
    try:
        import msoffcrypto  # msoffcrypto-tool tells encrypted packages from BIFF files

        handle.seek(0)
        office = msoffcrypto.OfficeFile(handle)
        if office.format == "ooxml" or office.is_encrypted():
            return Probe(FileKind.ENCRYPTED)
    except Exception as error:  # a damaged OLE file: not ours to diagnose further
        return Probe(FileKind.XLS, type(error).__name__)
    return Probe(FileKind.XLS)


def _probe_zip(data: bytes, limits: ReadLimits) -> Probe:
    try:
        archive = open_package(data, limits)
    except InputRefused as refused:
        if refused.code is Code.FILE_TOO_LARGE:
            return Probe(FileKind.XLSX, "unchecked")  # too many parts to look: the screen reports it
        return Probe(FileKind.UNREADABLE, str(refused.params.get("reason", "")))
    try:
        names = {name.lower(): name for name in archive.namelist()}
        if "mimetype" in names and b"opendocument" in _read_capped(archive, names["mimetype"], 100):
            kind = Probe(FileKind.ODS)
        elif "xl/workbook.xml" not in names:
            kind = Probe(FileKind.OTHER, "zip")
        else:
            kind = Probe(FileKind.XLSM if _has_macros(archive, names) else FileKind.XLSX, archive=archive)
    except Exception as error:  # zipfile raises many types (BadZipFile, EOFError, NotImplementedError...)
        kind = Probe(FileKind.UNREADABLE, f"壊れたzip: {type(error).__name__}: {str(error)[:80]}")
    if kind.archive is None:
        archive.close()
    return kind


def _has_macros(archive: zipfile.ZipFile, names: dict[str, str]) -> bool:
    """VBA projects, Excel 4.0 macro sheets, or a macro-enabled content type."""
    if any(name.endswith("vbaproject.bin") or name.startswith("xl/macrosheets/") for name in names):
        return True
    content_types = names.get("[content_types].xml")
    if content_types is None:
        return False
    text = _read_capped(archive, content_types, _CONTENT_TYPES_BYTES).lower()
    return any(marker in text for marker in _MACRO_MARKERS)


def _read_capped(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as member:
        return member.read(limit)


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:  # incremental: a character cut at the end of the head is not an error
            text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return "," in text or "\t" in text or "\n" in text
    return False
