"""A corpus of hostile and broken section workbooks, built compactly from the real template.

Every builder takes the bytes of a real, correctly filled section workbook (written by the
real template writer) and returns the bytes of a broken or hostile variant. Big inputs are
built without ever holding their inflated form: a 3 GiB zip bomb is a 1 MiB block of deflated
spaces repeated (each block ends with a full flush, so its compressed form never changes) with
its CRC combined arithmetically, and the million-row sheet is streamed into the deflater.

`write_zip` writes archives byte by byte, so headers can lie, parts can overlap and names
can repeat: things zipfile refuses to write.
"""

from __future__ import annotations

import functools
import io
import random
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from xlplan.io.section_writer import TemplateOptions, write_section_workbook

GIB = 1 << 30
MIB = 1 << 20
SPREADSHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


# ---- the base ---------------------------------------------------------------------------


@functools.cache
def base_workbook() -> bytes:
    """The filled section workbook of `tests/conftest.py`, as bytes (built once per session)."""
    import tempfile

    from tests.conftest import FILLED_RECORDS, SECTION

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        write_section_workbook(path, TemplateOptions(fiscal_year=2024, section=SECTION), FILLED_RECORDS)
        return path.read_bytes()


STRINGS_PART = "xl/sharedStrings.xml"


def members(data: bytes) -> dict[str, bytes]:
    """Name → uncompressed bytes of every member of a (well-formed) zip."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sheet_part(data: bytes, sheet: str) -> str:
    """The zip member holding a sheet's cells (xl/worksheets/sheetN.xml)."""
    parts = members(data)
    workbook = parts["xl/workbook.xml"].decode()
    rels = parts["xl/_rels/workbook.xml.rels"].decode()
    rel = re.search(rf'<sheet name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', workbook)
    assert rel, sheet
    target = re.search(rf'Target="([^"]+)"[^>]*Id="{rel.group(1)}"', rels) or re.search(
        rf'Id="{rel.group(1)}"[^>]*Target="([^"]+)"', rels
    )
    assert target, rel.group(1)
    path = target.group(1)
    return path.lstrip("/") if path.startswith("/") else f"xl/{path}"


# ---- a zip writer that can lie ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RawMember:
    """One member exactly as written: compressed payload, declared CRC and sizes."""

    name: str
    payload: bytes
    crc: int
    size: int  # declared uncompressed size
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    same_data_as: str | None = None  # central entry pointing at another member's local header


def deflate(raw: bytes) -> bytes:
    """Raw deflate, as a zip member stores it."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(raw) + compressor.flush()


def member(name: str, raw: bytes, **overrides: object) -> RawMember:
    """An honest deflated member (then `overrides` may make it lie)."""
    honest = RawMember(name, deflate(raw), zlib.crc32(raw), len(raw))
    return replace(honest, **overrides) if overrides else honest  # type: ignore[arg-type]


def write_zip(entries: Iterable[RawMember]) -> bytes:
    """Local headers, then the central directory, then the end record; no zip64."""
    entries = list(entries)
    out = bytearray()
    offsets: list[int] = []  # local header of each entry (shared ones: their target's)
    first_of: dict[str, int] = {}
    for entry in entries:
        if entry.same_data_as is not None:
            offsets.append(first_of[entry.same_data_as])
            continue
        first_of.setdefault(entry.name, len(out))
        offsets.append(len(out))
        out += _header(b"PK\x03\x04", entry) + entry.name.encode() + entry.payload
    directory = len(out)
    for entry, offset in zip(entries, offsets, strict=True):
        out += _header(b"PK\x01\x02", entry, offset) + entry.name.encode()
    size = len(out) - directory
    out += struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(entries), len(entries), size, directory, 0)
    return bytes(out)


def _header(signature: bytes, entry: RawMember, offset: int | None = None) -> bytes:
    """A local header (offset None) or a central directory entry."""
    flags, name_length = entry.flags | 0x800, len(entry.name.encode())  # 0x800: names are UTF-8
    sizes = (entry.crc, len(entry.payload), entry.size)
    if offset is None:
        return struct.pack("<4s5H3L2H", signature, 20, flags, entry.method, 0, 0x21, *sizes, name_length, 0)
    return struct.pack(
        "<4s6H3L5H2L", signature, 20, 20, flags, entry.method, 0, 0x21, *sizes, name_length, 0, 0, 0, 0, 0, offset
    )


def stored(name: str, raw: bytes) -> RawMember:
    """A member stored without compression."""
    return RawMember(name, raw, zlib.crc32(raw), len(raw), method=zipfile.ZIP_STORED)


def rebuild(data: bytes, change: dict[str, bytes | None] | None = None, extra: Iterable[RawMember] = ()) -> bytes:
    """The workbook with some members replaced (bytes) or removed (None), plus extra members."""
    change = change or {}
    kept = [
        member(name, change.get(name, raw)) for name, raw in members(data).items() if change.get(name, raw) is not None
    ]
    return write_zip([*kept, *extra])


def edit_part(data: bytes, part: str, edit: Callable[[str], str]) -> bytes:
    """The workbook with one XML member edited as text."""
    return rebuild(data, {part: edit(members(data)[part].decode()).encode()})


def edit_sheet(data: bytes, sheet: str, edit: Callable[[str], str]) -> bytes:
    """The workbook with one sheet's XML edited as text."""
    return edit_part(data, sheet_part(data, sheet), edit)


def _cell_pattern(ref: str) -> re.Pattern[str]:
    """The `<c>` element whose `r` is `ref`, whatever its other attributes, their order, its
    children or its self-closing form (`<c r="L3" s="1"/>`, `<c s="6" r="M3" t="n"><v>…</v></c>`)."""
    return re.compile(rf'<c(?=\s)(?=[^>]*?\sr="{ref}")[^>]*?(?:/>|(?<!/)>.*?</c>)', re.S)


def replace_cell(xml: str, ref: str, element: str | Callable[[str], str]) -> str:
    """Replace the whole `<c r=ref>` element of a sheet's XML (it must exist) with `element`,
    or with what `element` makes of the cell's own style attribute (' s="7"', or "" for none)."""
    pattern = _cell_pattern(ref)
    found = pattern.search(xml)
    assert found, ref
    if callable(element):
        style = re.search(r'\ss="(\d+)"', found.group(0).split(">", 1)[0])
        element = element(f' s="{style.group(1)}"' if style else "")
    return xml[: found.start()] + element + xml[found.end() :]


def set_cell(xml: str, ref: str, inner: str, attrs: str = "") -> str:
    """Replace the `<c r=ref>` element of a sheet's XML (it must exist) by one with these
    attributes and children."""
    return replace_cell(xml, ref, f'<c r="{ref}"{attrs}>{inner}</c>')


def inline(text: str) -> tuple[str, str]:
    """(inner XML, attributes) of an inline string cell."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<is><t xml:space="preserve">{escaped}</t></is>', ' t="inlineStr"'


# ---- CRC of long runs, without the bytes ------------------------------------------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total = 0
    for row in matrix:
        if not vector:
            break
        if vector & 1:
            total ^= row
        vector >>= 1
    return total


def _gf2_square(matrix: list[int]) -> list[int]:
    return [_gf2_times(matrix, row) for row in matrix]


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """zlib's crc32_combine: the CRC of A+B from crc(A), crc(B) and len(B)."""
    if length2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << i for i in range(31)]
    even = _gf2_square(odd)
    odd = _gf2_square(even)
    while True:
        even = _gf2_square(odd)
        if length2 & 1:
            crc1 = _gf2_times(even, crc1)
        length2 >>= 1
        if not length2:
            break
        odd = _gf2_square(even)
        if length2 & 1:
            crc1 = _gf2_times(odd, crc1)
        length2 >>= 1
        if not length2:
            break
    return crc1 ^ crc2


def crc32_repeated(block: bytes, times: int) -> int:
    """CRC of `block * times`, by doubling."""
    result, length = 0, 0
    power_crc, power_length = zlib.crc32(block), len(block)
    while times:
        if times & 1:
            result = crc32_combine(result, power_crc, power_length) if length else power_crc
            length += power_length
        times >>= 1
        if times:
            power_crc = crc32_combine(power_crc, power_crc, power_length)
            power_length *= 2
    return result


def repeated_member(name: str, head: bytes, block: bytes, times: int, tail: bytes) -> RawMember:
    """A member inflating to head + block*times + tail, built from one compressed block."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    start = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    first = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    second = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert first == second, "a fully flushed block must compress the same every time"
    end = compressor.compress(tail) + compressor.flush()
    payload = start + first * times + end
    crc = crc32_combine(
        crc32_combine(zlib.crc32(head), crc32_repeated(block, times), len(block) * times), zlib.crc32(tail), len(tail)
    )
    return RawMember(name, payload, crc, len(head) + len(block) * times + len(tail))


# ---- the hostile and broken cases ---------------------------------------------------------


def zip_bomb(data: bytes, size: int = 3 * GIB) -> bytes:
    """The KPI sheet inflates to `size` bytes of spaces inside valid XML (a few MB on disk)."""
    part = sheet_part(data, "KPI")
    head = f'<worksheet xmlns="{SPREADSHEET_NS}"><sheetData>'.encode()
    tail = b"</sheetData></worksheet>"
    bomb = repeated_member(part, head, b" " * MIB, (size - len(head) - len(tail)) // MIB, tail)
    return rebuild(data, {part: None}, [bomb])


def small_bomb(data: bytes) -> bytes:
    """A picture of 10 MB of zeros deflated to ~10 KB: a ratio of about 1,000."""
    return rebuild(data, extra=[member("xl/media/image1.png", bytes(10 * MIB))])


def lying_header(data: bytes) -> bytes:
    """A member declaring 1 KB that inflates to 100 MB (readers trusting headers are fooled)."""
    honest = repeated_member("xl/media/image1.png", b"", bytes(MIB), 100, b"")
    return rebuild(data, extra=[replace(honest, size=1024)])


def overlapping(data: bytes) -> bytes:
    """Several entries sharing one compressed body: the "non-recursive" zip bomb."""
    kernel = member("xl/media/image1.png", random.Random(0).randbytes(MIB))  # incompressible: no ratio alarm
    copies = [replace(kernel, name=f"xl/media/image{n}.png", same_data_as=kernel.name) for n in range(2, 10)]
    return rebuild(data, extra=[kernel, *copies])


def duplicate_member(data: bytes) -> bytes:
    """Two members named xl/workbook.xml: readers may pick different ones."""
    return rebuild(data, extra=[member("xl/workbook.xml", members(data)["xl/workbook.xml"])])


def many_parts(data: bytes, count: int = 5_000) -> bytes:
    """Thousands of tiny members (each becomes an object in every zip reader)."""
    return rebuild(data, extra=[member(f"customXml/item{n}.xml", b"<a/>") for n in range(count)])


def encrypted_member(data: bytes) -> bytes:
    """A member flagged as zip-encrypted (Excel never does this)."""
    part = sheet_part(data, "KPI")
    return rebuild(data, {part: None}, [member(part, members(data)[part], flags=0x1)])


def bzip2_member(data: bytes) -> bytes:
    """A member compressed with a method Excel never uses (bzip2)."""
    import bz2

    part = sheet_part(data, "KPI")
    raw = members(data)[part]
    return rebuild(data, {part: None}, [RawMember(part, bz2.compress(raw), zlib.crc32(raw), len(raw), method=12)])


def corrupt_member(data: bytes) -> bytes:
    """Bytes flipped inside the KPI sheet's compressed data (a damaged copy)."""
    part = sheet_part(data, "KPI")
    raw = members(data)[part]
    bad = member(part, raw)
    payload = bytearray(bad.payload)
    # at the stream's first bytes: the block header breaks whatever the sheet holds (flipped further
    # in, some contents still inflate, to another size, and read as a size-lying zip bomb instead)
    for offset in range(16):
        payload[offset] ^= 0x5A
    return rebuild(data, {part: None}, [replace(bad, payload=bytes(payload))])


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)


def entity_bomb(data: bytes, part: str = "xl/workbook.xml") -> bytes:
    """Billion laughs: nine levels of ten entity references (a few hundred bytes → 3 GB)."""
    return edit_part(data, part, lambda xml: LAUGHS + xml.replace("<sheets>", "<sheets>&lol9;", 1))


def external_entity(data: bytes) -> bytes:
    """XXE: an entity that would read a local file into a cell."""
    part = sheet_part(data, "KPI")

    def edit(xml: str) -> str:
        xml = '<!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + xml
        inner, attrs = inline("&xxe;")
        return set_cell(xml, "C3", inner.replace("&amp;xxe;", "&xxe;"), attrs)

    return edit_part(data, part, edit)


def utf16_doctype(data: bytes) -> bytes:
    """The DOCTYPE hidden in a UTF-16 part (a byte search for UTF-8 '<!DOCTYPE' misses it)."""
    part = sheet_part(data, "KPI")
    xml = members(data)[part].decode()
    text = '<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS + xml
    return rebuild(data, {part: "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")})


def million_rows(data: bytes, rows: int = 1_000_000) -> bytes:
    """The KPI sheet with a value in each of a million rows after its own (31 MB of XML, streamed).

    Rows and cells carry no `r` attribute (it is optional): they are numbered by counting, as
    calamine does, which keeps the sheet under the default 32 MiB budget, so that the rows, not
    the size, are what refuses it. Values differ row to row, so it compresses like a real sheet.
    """
    part = sheet_part(data, "KPI")
    head, _, tail = members(data)[part].partition(b"</sheetData>")
    compressor = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS)
    chunks, crc, size = [compressor.compress(head)], zlib.crc32(head), len(head)
    for start in range(0, rows, 100_000):
        block = "".join(f"<row><c><v>{n}</v></c></row>" for n in range(start, start + 100_000)).encode()
        chunks.append(compressor.compress(block))
        crc, size = zlib.crc32(block, crc), size + len(block)
    end = b"</sheetData>" + tail
    chunks.append(compressor.compress(end) + compressor.flush())
    return rebuild(data, {part: None}, [RawMember(part, b"".join(chunks), zlib.crc32(end, crc), size + len(end))])


def far_cell(data: bytes, ref: str = "XFD1048576", sheet: str = "KPI") -> bytes:
    """One value at the far corner (calamine would allocate 17 billion cells and abort)."""
    return edit_sheet(
        data,
        sheet,
        lambda xml: xml.replace(
            "</sheetData>", f'<row r="{_row(ref)}"><c r="{ref}" t="n"><v>1</v></c></row></sheetData>'
        ),
    )


def _row(ref: str) -> str:
    return re.sub(r"^[A-Z]+", "", ref)


_STRINGS_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def add_shared_strings(data: bytes, items: Iterable[str], part: str | None = None) -> tuple[bytes, int]:
    """The workbook with `<si>` items appended to its shared strings, and the index of the first.

    The table is the one the workbook's relationships name (made, with its relationship, when
    there is none). With `part`, the table ends up in that member, the relationship (and the
    content type, if listed) following it: Excel and others do not all name it sharedStrings.xml.
    """
    parts = members(data)
    rels_name = "xl/_rels/workbook.xml.rels"
    named = None if part is None else part[3:] if part.startswith("xl/") else f"/{part}"  # as rels name it
    rels = parts[rels_name].decode()
    found = re.search(rf'<Relationship\b(?=[^>]*Type="{_STRINGS_TYPE}")[^>]*Target="([^"]+)"[^>]*/>', rels)
    added = "".join(items)
    if found is None:
        old, index = None, 0
        strings = f'<sst xmlns="{SPREADSHEET_NS}">{added}</sst>'
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="rIdSst" Type="{_STRINGS_TYPE}" Target="{named or "sharedStrings.xml"}"/>'
            "</Relationships>",
        )
    else:
        target = found.group(1)
        old = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        text = parts[old].decode()
        index = text.count("<si>") + text.count("<si ")
        strings = text.replace("</sst>", added + "</sst>")  # count attributes are hints; readers count <si>
        if part is not None and part != old:
            rels = rels.replace(found.group(0), found.group(0).replace(f'"{target}"', f'"{named}"'))
    new = part or old or STRINGS_PART
    types = parts["[Content_Types].xml"].decode()
    if old is not None:
        types = types.replace(f'PartName="/{old}"', f'PartName="/{new}"')
    change: dict[str, bytes | None] = {rels_name: rels.encode(), "[Content_Types].xml": types.encode()}
    if old is not None and old != new:
        change[old] = None
    if old == new:
        return rebuild(data, {**change, new: strings.encode()}), index
    return rebuild(data, change, [member(new, strings.encode())]), index


def shared_string_bomb(data: bytes, uses: int = 20_000) -> bytes:
    """One 30,000-character shared string used by 20,000 cells: 600 million characters.

    The string is added to the workbook's shared strings (or a new table when it has none)."""
    data, index = add_shared_strings(data, [f"<si><t>{'あ' * 30_000}</t></si>"])
    rows = "".join(f'<row r="{r}"><c r="S{r}" t="s"><v>{index}</v></c></row>' for r in range(200, 200 + uses))
    return edit_sheet(data, "KPI", lambda xml: xml.replace("</sheetData>", rows + "</sheetData>"))


def too_long_text(data: bytes, chars: int = 40_000) -> bytes:
    """A cell longer than Excel allows (32,767 characters): no Excel file holds one."""
    inner, attrs = inline("長" * chars)
    return edit_sheet(data, "KPI", lambda xml: set_cell(xml, "C3", inner, attrs))


def many_merges(data: bytes, count: int = 20_000) -> bytes:
    """20,000 merged ranges in one sheet."""
    merges = "".join(f'<mergeCell ref="T{r}:U{r}"/>' for r in range(1, count + 1))
    block = f'<mergeCells count="{count}">{merges}</mergeCells>'
    return edit_sheet(data, "KPI", lambda xml: xml.replace("</sheetData>", "</sheetData>" + block, 1))


def many_sheets(data: bytes, count: int = 150) -> bytes:
    """A workbook listing 150 sheets."""
    extra = "".join(f'<sheet name="S{n}" sheetId="{100 + n}" r:id="rId1"/>' for n in range(count))
    return edit_part(data, "xl/workbook.xml", lambda xml: xml.replace("</sheets>", extra + "</sheets>"))


def duplicate_sheet(data: bytes) -> bytes:
    """A second sheet named KPI (Excel cannot make one), with other values in its own part."""
    parts = members(data)
    kpi = sheet_part(data, "KPI")
    copy = parts[kpi].decode().replace("<v>30</v>", "<v>999</v>").encode()
    rels = (
        parts["xl/_rels/workbook.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"'
            ' Target="/xl/worksheets/sheet99.xml" Id="rId99" /></Relationships>',
        )
    )
    workbook = (
        parts["xl/workbook.xml"]
        .decode()
        .replace("</sheets>", '<sheet name="KPI" sheetId="99" state="visible" r:id="rId99" /></sheets>')
    )
    return rebuild(
        data,
        {"xl/_rels/workbook.xml.rels": rels.encode(), "xl/workbook.xml": workbook.encode()},
        [member("xl/worksheets/sheet99.xml", copy)],
    )


def fake_ods() -> bytes:
    """An OpenDocument spreadsheet renamed .xlsx (just enough of one to be recognised)."""
    return write_zip(
        [
            stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            member(
                "content.xml",
                b'<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>',
            ),
        ]
    )


def fake_xls() -> bytes:
    """An OLE compound file header (what a legacy .xls starts with) and nothing valid after it."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096)
