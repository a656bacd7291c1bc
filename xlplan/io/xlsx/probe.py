"""Tell what a file really is before parsing it: a workbook, a lock file, or something else.

Sniffs magic bytes and zip member names only; never trusts the extension and never writes.
It reads at most a few bounded pieces of a zip (the end record, `mimetype`, the content
types), so a hostile archive cannot make the probe itself expensive.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import BinaryIO

from ...core.findings import Code
from .limits import DEFAULT_LIMITS, ReadLimits, directory_fits

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
    """Say what a file is, from its bytes (read lazily from disk)."""
    if is_lock_file(path):
        return Probe(FileKind.LOCK)
    try:  # without blocking: a FIFO named .xlsx would otherwise hang the run
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return Probe(FileKind.UNREADABLE, "通常のファイルではありません")
            return _probe(handle, limits)
    except OSError as error:
        return Probe(FileKind.UNREADABLE, error.strerror or type(error).__name__)


def probe_bytes(data: bytes, *, limits: ReadLimits = DEFAULT_LIMITS) -> Probe:
    """Say what a file is, from its bytes already in memory."""
    return _probe(io.BytesIO(data), limits)


def _probe(handle: BinaryIO, limits: ReadLimits) -> Probe:
    head = handle.read(_HEAD)
    if head.startswith(_OLE_MAGIC):
        return _probe_ole(handle)
    if head.startswith(_ZIP_MAGIC):
        return _probe_zip(handle, limits)
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


def _probe_zip(handle: BinaryIO, limits: ReadLimits) -> Probe:
    if not directory_fits(handle, limits):
        return Probe(FileKind.XLSX, "unchecked")  # too many parts to look: the screen reports it
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            names = {name.lower(): name for name in archive.namelist()}
            if "mimetype" in names and b"opendocument" in _read_capped(archive, names["mimetype"], 100):
                return Probe(FileKind.ODS)
            if "xl/workbook.xml" not in names:
                return Probe(FileKind.OTHER, "zip")
            if _has_macros(archive, names):
                return Probe(FileKind.XLSM)
    except Exception as error:  # zipfile raises many types (BadZipFile, EOFError, NotImplementedError...)
        return Probe(FileKind.UNREADABLE, f"壊れたzip: {type(error).__name__}: {str(error)[:80]}")
    return Probe(FileKind.XLSX)


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
