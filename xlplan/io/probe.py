"""Tell what a file really is before parsing it: a workbook, a lock file, or something else.

Sniffs magic bytes and zip members only; never trusts the extension and never writes.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ..core.findings import Code

__all__ = ["FileKind", "Probe", "is_lock_file", "probe_file"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
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


def probe_file(path: Path) -> Probe:
    """Say what a file is, from its bytes."""
    if is_lock_file(path):
        return Probe(FileKind.LOCK)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as error:
        return Probe(FileKind.UNREADABLE, error.strerror or type(error).__name__)
    if head.startswith(_OLE_MAGIC):
        return _probe_ole(path)
    if head.startswith(_ZIP_MAGIC):
        return _probe_zip(path)
    if _looks_like_text(head):
        return Probe(FileKind.CSV)
    return Probe(FileKind.OTHER)


def _probe_ole(path: Path) -> Probe:
    """An OLE compound file is either an encrypted OOXML package or a legacy .xls."""
    try:
        import msoffcrypto  # msoffcrypto-tool tells encrypted packages from BIFF files

        with path.open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            if office.format == "ooxml" or office.is_encrypted():
                return Probe(FileKind.ENCRYPTED)
    except Exception as error:  # a damaged OLE file: not ours to diagnose further
        return Probe(FileKind.XLS, type(error).__name__)
    return Probe(FileKind.XLS)


def _probe_zip(path: Path) -> Probe:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and b"opendocument" in archive.read("mimetype")[:100]:
                return Probe(FileKind.ODS)
            if "xl/workbook.xml" not in names:
                return Probe(FileKind.OTHER, "zip")
            if "xl/vbaProject.bin" in names:
                return Probe(FileKind.XLSM)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return Probe(FileKind.UNREADABLE, f"壊れたzip: {error}")
    return Probe(FileKind.XLSX)


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return "," in text or "\t" in text or "\n" in text
    return False
