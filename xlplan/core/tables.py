"""A section workbook as read: normalised rows that remember their cells (pure data)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .findings import Code, Finding
from .layout import SheetLayout

__all__ = ["SectionWorkbook", "SheetRows"]


@dataclass(slots=True)
class SheetRows:
    """The data rows of one section sheet, normalised, with their Excel positions."""

    layout: SheetLayout
    sheet_name: str
    letters: dict[str, str]  # field → column letter where its header was found
    rows: list[int] = field(default_factory=list)  # Excel row number of each record
    records: list[dict[str, object]] = field(default_factory=list)

    def cell(self, field_name: str, index: int) -> str:
        """The A1 address of a field in the index-th record ('' when the column is missing)."""
        letter = self.letters.get(field_name)
        return f"{letter}{self.rows[index]}" if letter else ""


@dataclass(slots=True)
class SectionWorkbook:
    """A section workbook as read: metadata, sheets, and what reading it found."""

    path: str
    sha256: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    sheets: dict[str, SheetRows] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True

    @property
    def section(self) -> str:
        """The section (課所室) the workbook was issued to."""
        return self.meta.get("section", "")

    @property
    def fiscal_year(self) -> int | None:
        """The fiscal year the workbook reports on."""
        value = self.meta.get("fiscal_year", "")
        return int(value) if value.isdigit() else None

    def add(self, code: Code, **kwargs: object) -> None:
        """Record a finding about this file."""
        self.findings.append(Finding.of(code, file=self.path, **kwargs))  # type: ignore[arg-type]
