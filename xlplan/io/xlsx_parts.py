"""Structure that the value reader cannot see, read from the workbook's zip/XML parts.

python-calamine gives values fast; it does not say which cells hold a formula without a
saved result, nor which cells carry a percent number format (Excel stores "22.6%" typed by a
person as 0.226). This module answers exactly those two questions, streaming the XML.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree

__all__ = ["SheetParts", "WorkbookParts"]

_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_PERCENT_BUILTIN = {9, 10}
_QUOTED = re.compile(r'"[^"]*"|\\.')


@dataclass(slots=True)
class SheetParts:
    """What the XML of one sheet says about its cells."""

    formulas_without_value: set[str] = field(default_factory=set)
    percent_cells: set[str] = field(default_factory=set)


class WorkbookParts:
    """Lazy access to the parts of an .xlsx package held in memory."""

    def __init__(self, data: bytes) -> None:
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self._sheet_paths: dict[str, str] | None = None
        self._percent_styles: set[int] | None = None

    def close(self) -> None:
        """Release the archive."""
        self._zip.close()

    def sheet_paths(self) -> dict[str, str]:
        """Sheet name → part name (xl/worksheets/sheet3.xml)."""
        if self._sheet_paths is None:
            rels = ElementTree.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
            workbook = ElementTree.fromstring(self._zip.read("xl/workbook.xml"))
            paths: dict[str, str] = {}
            for sheet in workbook.iter(f"{_NS_MAIN}sheet"):
                target = targets.get(sheet.get(f"{_NS_REL}id"), "")
                if target:
                    part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                    paths[sheet.get("name", "")] = posixpath.normpath(part)
            self._sheet_paths = paths
        return self._sheet_paths

    def percent_styles(self) -> set[int]:
        """Indexes of cell formats (cellXfs) whose number format shows a percent."""
        if self._percent_styles is None:
            self._percent_styles = set()
            try:
                styles = ElementTree.fromstring(self._zip.read("xl/styles.xml"))
            except KeyError:
                return self._percent_styles
            custom = {
                int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "") for fmt in styles.iter(f"{_NS_MAIN}numFmt")
            }
            percent_ids = set(_PERCENT_BUILTIN)
            percent_ids.update(i for i, code in custom.items() if "%" in _QUOTED.sub("", code))
            xfs = styles.find(f"{_NS_MAIN}cellXfs")
            if xfs is not None:
                for index, xf in enumerate(xfs.iter(f"{_NS_MAIN}xf")):
                    if int(xf.get("numFmtId", "0")) in percent_ids:
                        self._percent_styles.add(index)
        return self._percent_styles

    def scan_sheet(self, sheet_name: str, *, want_percent: bool) -> SheetParts:
        """Find formula cells with no saved value and, if asked, percent-formatted cells."""
        result = SheetParts()
        part = self.sheet_paths().get(sheet_name)
        if part is None:
            return result
        with self._zip.open(part) as raw:
            data = raw.read()
        if b"<f" not in data and not want_percent:
            return result
        percent = self.percent_styles() if want_percent else set()
        for cell in _iter_cells(data):
            ref = cell.get("r", "")
            formula = cell.find(f"{_NS_MAIN}f")
            if formula is not None:
                value = cell.find(f"{_NS_MAIN}v")
                if value is None or not (value.text or "").strip():
                    result.formulas_without_value.add(ref)
            style = cell.get("s")
            if percent and style is not None and int(style) in percent:
                result.percent_cells.add(ref)
        return result


def _iter_cells(data: bytes) -> Iterable[ElementTree.Element]:
    """Stream `<c>` elements, clearing each row once done so memory stays flat."""
    for _, element in ElementTree.iterparse(io.BytesIO(data), events=("end",)):
        if element.tag == f"{_NS_MAIN}c":
            yield element
        elif element.tag == f"{_NS_MAIN}row":
            element.clear()
