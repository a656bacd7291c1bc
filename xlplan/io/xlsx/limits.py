"""What one input may cost, enforced before any parser sees the file.

A section workbook is a few hundred kilobytes. A hostile or broken one can be a zip bomb (a
small file that inflates to gigabytes), a zip whose headers lie about sizes, parts that
overlap, a sheet with a million rows or a million cells.

`ReadLimits` bounds each of these. This module enforces the file and the zip container:

* `read_bounded` reads at most `max_file_bytes` from a regular file (never a pipe or device);
* `open_package` bounds the central directory from the end record *before* zipfile parses it;
* `check_members` checks declared sizes, ratios, encryption, methods and overlapping parts;
* `inflate` decompresses one part itself, counting every byte against the declared size and
  the remaining budget, so a lying header is caught at the first byte too many.

`package` enforces the rest (rows, cells, text) while streaming the XML. Every breach
raises `InputRefused`, which the reader turns into a finding; nothing here writes.

Exceptions::

    InputRefused          the input breaks a limit or is malformed; carries the finding
"""

from __future__ import annotations

import io
import itertools
import os
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import BinaryIO

from ...core.enums import Severity
from ...core.findings import Code, Finding

__all__ = [
    "DEFAULT_LIMITS",
    "EXCEL_MAX_CELL_CHARS",
    "KIB",
    "MASTER_LIMITS",
    "MIB",
    "InputRefused",
    "MemberSpan",
    "ReadLimits",
    "check_members",
    "directory_fits",
    "directory_size",
    "human_size",
    "inflate",
    "open_package",
    "read_bounded",
]

KIB = 1024
MIB = 1024 * KIB
EXCEL_MAX_CELL_CHARS = 32_767  # Excel's own limit: a longer text cannot come from Excel
_RATIO_FLOOR = 1 * MIB  # small parts may compress extremely well without being a bomb
_CHUNK = 256 * KIB  # compressed bytes fed to zlib at a time
_OUT_CHUNK = 1 * MIB  # most bytes zlib may produce per call
_CD_BYTES_PER_ENTRY = 1 * KIB  # generous bound on one central-directory entry


@dataclass(frozen=True, slots=True)
class ReadLimits:
    """What one input workbook may cost. The defaults fit a section workbook a hundred times over.

    :param max_file_bytes: size of the file on disk.
    :param max_uncompressed_bytes: all parts of the zip together, once inflated.
    :param max_compression_ratio: inflated / compressed size of one part larger than 1 MiB.
    :param max_rows: highest row number holding a value, in any sheet.
    :param max_filled_cells: cells holding a value, all sheets together (bounds the checking time).
    :param max_cell_chars: a cell's text longer than this gets a warning (text is kept).
    :param max_text_chars: text of all cells together, a shared string counted at each use.
    :param max_parts: members of the zip.
    :param max_sheets: sheets listed in the workbook.
    :param max_merged_ranges: merged ranges of one sheet.
    :param max_shared_strings: entries of the shared string table.
    """

    max_file_bytes: int = 20 * MIB
    max_uncompressed_bytes: int = 32 * MIB
    max_compression_ratio: float = 100.0
    max_rows: int = 20_000
    max_filled_cells: int = 50_000
    max_cell_chars: int = 5_000
    max_text_chars: int = 10_000_000
    max_parts: int = 1_000
    max_sheets: int = 100
    max_merged_ranges: int = 10_000
    max_shared_strings: int = 1_000_000

    def __post_init__(self) -> None:
        for item in fields(self):
            if getattr(self, item.name) <= 0:
                raise ValueError(f"{item.name} must be positive")


DEFAULT_LIMITS = ReadLimits()
# HQ's own workbooks (masters, the roster): written by xlplan for up to thousands of sections,
# still read through the same guard, so a damaged or hostile one is a message, never a crash.
MASTER_LIMITS = ReadLimits(
    max_file_bytes=256 * MIB,
    max_uncompressed_bytes=1024 * MIB,
    max_rows=1_048_576,
    max_filled_cells=20_000_000,
    max_text_chars=1_000_000_000,
    max_parts=10_000,
    max_sheets=1_000,
    max_merged_ranges=1_000_000,
    max_shared_strings=10_000_000,
)


class InputRefused(Exception):
    """The input breaks a limit or is malformed; says which finding to report, and where."""

    def __init__(
        self,
        code: Code,
        *,
        sheet: str = "",
        cell: str = "",
        column: str = "",
        value: object = "",
        severity: Severity | None = None,
        **params: object,
    ) -> None:
        super().__init__(f"{code}: {sheet}!{cell} {value} {params}")
        self.code = code
        self.sheet = sheet
        self.cell = cell
        self.column = column
        self.value = value
        self.severity = severity
        self.params = params

    def finding(self, file: str) -> Finding:
        """The finding to report for `file` (messages name the sheet and show the cell as the value)."""
        params = {"sheet_name": self.sheet, **self.params} if self.sheet else self.params
        return Finding.of(
            self.code,
            file=file,
            sheet=self.sheet,
            cell=self.cell,
            column=self.column,
            value=self.value or self.cell,
            severity=self.severity,
            **params,
        )


def human_size(size: float) -> str:
    """1536 → '1.5 KB', for messages."""
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def read_bounded(path: Path, limits: ReadLimits) -> bytes:
    """Read a regular file whole, refusing more than `max_file_bytes`.

    Opens without blocking (a FIFO named `.xlsx` would otherwise hang the run) and refuses
    anything that is not a regular file. OSError (PermissionError included) propagates.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(Code.FILE_UNREADABLE, reason="通常のファイルではありません")
        if info.st_size > limits.max_file_bytes:
            raise _too_large("ファイルの大きさ", info.st_size, limits.max_file_bytes)
        data = handle.read(limits.max_file_bytes + 1)
    if len(data) > limits.max_file_bytes:  # it grew while we read
        raise _too_large("ファイルの大きさ", len(data), limits.max_file_bytes)
    return data


def _too_large(what: str, size: int, limit: int, *, bytes_: bool = True) -> InputRefused:
    shown = (human_size(size), human_size(limit)) if bytes_ else (f"{size:,}", f"{limit:,}")
    return InputRefused(Code.FILE_TOO_LARGE, value=shown[0], what=what, size=shown[0], limit=shown[1])


def open_package(data: bytes, limits: ReadLimits) -> zipfile.ZipFile:
    """Open a zip held in memory, bounding its central directory before zipfile reads it.

    zipfile builds one object per entry; a 20 MB file can declare 400,000 of them. The end
    record says how many entries and how many bytes the directory has: both are checked first.
    """
    if not directory_fits(io.BytesIO(data), limits):
        entries, _ = directory_size(io.BytesIO(data))
        raise _too_large("zipの部品の数", entries, limits.max_parts, bytes_=False)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, struct.error) as error:
        raise InputRefused(Code.FILE_UNREADABLE, reason=f"壊れたzip: {error}") from None
    if len(archive.infolist()) > limits.max_parts:
        archive.close()
        raise _too_large("zipの部品の数", len(archive.infolist()), limits.max_parts, bytes_=False)
    return archive


def directory_fits(handle: BinaryIO, limits: ReadLimits) -> bool:
    """True when a zip's end record declares a central directory within `max_parts`."""
    entries, length = directory_size(handle)
    return entries <= limits.max_parts and length <= limits.max_parts * _CD_BYTES_PER_ENTRY


def directory_size(handle: BinaryIO) -> tuple[int, int]:
    """(entries, bytes) of a zip's central directory from its (zip64) end record; (0, 0) if none.

    :param handle: a seekable binary file; its position is left anywhere.
    """
    size = handle.seek(0, os.SEEK_END)
    start = max(0, size - 65_557)
    handle.seek(start)
    tail = handle.read()
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return 0, 0  # zipfile will say what is wrong
    _, _, _, _, entries, length, _, _ = struct.unpack("<4s4H2LH", tail[end : end + 22])
    locator = end - 20
    if (entries == 0xFFFF or length == 0xFFFFFFFF) and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[locator + 8 : locator + 16])
        if offset + 56 <= size:
            handle.seek(offset)
            record = handle.read(56)
            if record[:4] == b"PK\x06\x06":
                entries, length = struct.unpack("<QQ", record[32:48])
    return entries, length


@dataclass(frozen=True, slots=True)
class MemberSpan:
    """Where a member's compressed bytes sit in the file."""

    info: zipfile.ZipInfo
    start: int  # first byte of compressed data
    end: int  # one past the last


def check_members(archive: zipfile.ZipFile, data: bytes, limits: ReadLimits) -> dict[str, MemberSpan]:
    """Check every member's declared sizes, method, encryption and position; return their spans.

    Raises `InputRefused` for duplicate names (two readers may pick different ones),
    overlapping members (the "non-recursive" zip bomb), declared sizes over the budget or a
    suspicious compression ratio, encrypted members and compression methods Excel never uses.
    """
    infos = archive.infolist()
    seen: set[str] = set()
    for info in infos:
        key = info.filename.lower()  # parts are looked up ignoring ASCII case
        if key in seen:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"zipの部品名が重複しています: {info.filename}")
        seen.add(key)
    declared = sum(info.file_size for info in infos)
    bomb = max(infos, key=_ratio, default=None)
    if declared > limits.max_uncompressed_bytes:
        if bomb is not None and _ratio(bomb) > limits.max_compression_ratio:
            raise _bomb(bomb, f"展開すると {human_size(declared)} になります")
        raise _too_large("展開後の大きさ", declared, limits.max_uncompressed_bytes)
    if bomb is not None and bomb.file_size > _RATIO_FLOOR and _ratio(bomb) > limits.max_compression_ratio:
        raise _bomb(bomb, f"圧縮率が異常です（{_ratio(bomb):,.0f}倍）")
    spans: dict[str, MemberSpan] = {}
    for info in infos:
        if info.flag_bits & 0x1:
            raise InputRefused(Code.FILE_ENCRYPTED)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"未対応の圧縮方式です（{info.compress_type}）")
        spans[info.filename] = _span(info, data)
    ordered = sorted(spans.values(), key=lambda s: s.info.header_offset)
    for before, after in itertools.pairwise(ordered):
        if after.info.header_offset < before.end:
            raise _bomb(after.info, "zipの部品が重なっています")
    return spans


def _ratio(info: zipfile.ZipInfo) -> float:
    return info.file_size / max(info.compress_size, 1)


def _bomb(info: zipfile.ZipInfo, reason: str) -> InputRefused:
    return InputRefused(Code.ZIP_BOMB, value=info.filename, part=info.filename, reason=reason)


def _span(info: zipfile.ZipInfo, data: bytes) -> MemberSpan:
    offset = info.header_offset
    header = data[offset : offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise InputRefused(Code.FILE_UNREADABLE, reason=f"壊れたzip: {info.filename} の見出しがありません")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    end = start + info.compress_size
    if end > len(data):
        raise InputRefused(Code.FILE_UNREADABLE, reason=f"ファイルが途中で切れています（{info.filename}）")
    return MemberSpan(info, start, end)


def inflate(data: bytes, span: MemberSpan, budget: int) -> Iterator[bytes]:
    """Yield a member's bytes in chunks, decompressed here rather than trusting its header.

    :param data: the whole file.
    :param span: where the member sits (from `check_members`).
    :param budget: bytes still allowed for the whole package; exceeding it is a zip bomb.
    Raises `InputRefused` when the output passes its declared size or the budget (zip-bomb),
    or when the stream is corrupt, truncated or fails its CRC (file-unreadable).
    """
    info = span.info
    allowed = min(info.file_size, budget)
    raw = memoryview(data)[span.start : span.end]
    produced = 0
    crc = 0
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > allowed:
            raise _bomb(info, "展開後の大きさが宣言または上限を超えます")
        for position in range(0, len(raw), _OUT_CHUNK):
            chunk = bytes(raw[position : position + _OUT_CHUNK])
            produced += len(chunk)
            crc = zlib.crc32(chunk, crc)
            yield chunk
    else:
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        position = 0
        try:
            while not inflater.eof:
                if inflater.unconsumed_tail:
                    piece = inflater.unconsumed_tail
                elif position < len(raw):
                    piece = raw[position : position + _CHUNK]
                    position += _CHUNK
                else:
                    break
                chunk = inflater.decompress(piece, _OUT_CHUNK)
                produced += len(chunk)
                if produced > allowed:
                    break
                crc = zlib.crc32(chunk, crc)
                if chunk:
                    yield chunk
        except zlib.error as error:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"壊れたzip: {info.filename}: {error}") from None
        if produced <= allowed and not inflater.eof:
            raise InputRefused(Code.FILE_UNREADABLE, reason=f"ファイルが途中で切れています（{info.filename}）")
    if produced > info.file_size:
        raise _bomb(info, "展開すると宣言より大きくなります（見出しの偽装）")
    if produced > budget:
        raise _bomb(info, "展開後の大きさが上限を超えます")
    if produced != info.file_size or crc != info.CRC:
        raise InputRefused(Code.FILE_UNREADABLE, reason=f"壊れたzip: {info.filename} の検査値（CRC）が合いません")
