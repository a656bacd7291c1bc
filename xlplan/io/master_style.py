"""Cell formats of the master workbook, created once per workbook (XlsxWriter)."""

from __future__ import annotations

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

__all__ = ["Styles"]

NAVY = "#1F4E78"
PALE = "#DDEBF7"
GREY = "#F2F2F2"
BORDER = {"border": 1, "border_color": "#BFBFBF"}
AMOUNT = '#,##0;-#,##0;"-"'


class Styles:
    """The formats used across the master's sheets."""

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook
        add = workbook.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": NAVY})
        self.subtitle = add({"bold": True, "font_size": 12, "font_color": NAVY})
        self.banner = add({"bold": True, "font_size": 12, "font_color": NAVY})
        self.wide_banner = add({"bold": True, "font_size": 12, "font_color": NAVY, "text_wrap": True, "valign": "top"})
        self.header = add(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": NAVY, "text_wrap": True, "valign": "vcenter", **BORDER}
        )
        self.provenance_header = add(
            {"bold": True, "font_color": "#FFFFFF", "bg_color": "#7F7F7F", "text_wrap": True, **BORDER}
        )
        self.text = add({"valign": "top", "text_wrap": True, **BORDER})
        self.wrap = add({"text_wrap": True, "valign": "top", **BORDER})
        self.number = add({"valign": "top", **BORDER})
        self.amount = add({"num_format": AMOUNT, "valign": "top", **BORDER})
        self.month = add({"num_format": 'yyyy"年"m"月"', "valign": "top", **BORDER})
        self.percent = add({"num_format": "0.0%", **BORDER})
        self.provenance = add({"font_color": "#595959", "font_size": 9, "valign": "top", **BORDER})
        self.label = add({"bold": True, "bg_color": PALE, "valign": "top", "text_wrap": True, **BORDER})
        self.cover_number = add({"num_format": "#,##0", "align": "left", **BORDER})
        self.error = add({"bold": True, "font_color": "#C00000", "valign": "top", **BORDER})
        self.warning = add({"bold": True, "font_color": "#9C5700", "bg_color": "#FFEB9C", "valign": "top", **BORDER})
        self.heading = [
            add({"bold": True, "bg_color": NAVY, "font_color": "#FFFFFF", **BORDER}),
            add({"bold": True, "bg_color": PALE, "indent": 1, **BORDER}),
            add({"bold": True, "bg_color": GREY, "indent": 2, **BORDER}),
            add({"bold": False, "italic": True, "indent": 3, **BORDER}),
        ]
        self.total_label = add({"bold": True, "bg_color": GREY, **BORDER})
        self.total_amount = add({"bold": True, "bg_color": GREY, "num_format": AMOUNT, **BORDER})
        self.total_number = add({"bold": True, "bg_color": GREY, "num_format": "#,##0", **BORDER})
        self.total_percent = add({"bold": True, "bg_color": GREY, "num_format": "0.0%", **BORDER})
        self.count = add({"num_format": "#,##0", **BORDER})
        self.note = add({"font_size": 9, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.card_label = add({"bold": True, "bg_color": PALE, "valign": "vcenter", "text_wrap": True, **BORDER})
        self.card_text = add({"text_wrap": True, "valign": "top", **BORDER})
        self.card_title = add({"bold": True, "font_size": 12, "text_wrap": True, "valign": "top", **BORDER})
        self.card_heading = add({"font_size": 9, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.card_amount = add({"num_format": AMOUNT, "valign": "top", **BORDER})
        self.card_head_cell = add({"bold": True, "bg_color": GREY, "align": "center", **BORDER})
        self._marked: dict[str, Format] = {}

    def marked_amount(self, marks: tuple[str, ...]) -> Format:
        """An amount shown with its shared-project marks, e.g. (*1)2,417 — the cell stays a number."""
        key = "".join(f"({m})" for m in marks)
        if not key:
            return self.amount
        if key not in self._marked:
            self._marked[key] = self._workbook.add_format(
                {"num_format": f'"{key}"#,##0;-#,##0;"{key}-"', "valign": "top", **BORDER}
            )
        return self._marked[key]
