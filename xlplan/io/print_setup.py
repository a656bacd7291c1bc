"""Page setup every printed sheet shares: A4, scale >= 60 %, print area, titles, footer.

One function for both writing libraries (XlsxWriter for the section workbook, the master and
the cards; openpyxl for the graded copy's 評価 sheet, the changes workbook and 改訂資料), driven
by `core.print_metrics.print_fit`, so every sheet prints the same way. A sheet added later
(say 入力チェック) gets the same page by calling `print_page` with its worksheet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from xlsxwriter.worksheet import Worksheet as XlsxSheet

from ..core.cells import column_letter
from ..core.print_metrics import PrintFit, print_fit

if TYPE_CHECKING:  # openpyxl (and numpy under it) only where an openpyxl sheet is printed: not in consolidate
    from openpyxl.worksheet.worksheet import Worksheet as OpenpyxlSheet

__all__ = ["PAPER_A4", "footer_text", "print_page"]

PAPER_A4 = 9
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 0.4, 0.6, 0.6  # inches (print_metrics assumes the side margins)


def footer_text(owner: str) -> str:
    """The footer: who (課所室 or the plan) left, file and sheet centre, page of pages right."""
    owner = owner.replace("&", "&&")[:80]
    return f"&L&8{owner}&C&8&F　&A&R&8&P / &N"


def print_page(
    sheet: XlsxSheet | OpenpyxlSheet,
    widths: Sequence[float],
    last_row: int,
    *,
    owner: str,
    title_rows: int = 0,
    title_columns: int = 0,
    landscape: bool = True,
) -> PrintFit:
    """Set a sheet's page (XlsxWriter or openpyxl): A4, the fit or scale, print area rows
    1..`last_row` over all of `widths`' columns, repeated title rows/columns, the footer.

    :param widths: the printed columns' widths, from column A (0 for a hidden one).
    :param owner: who the pages belong to (課所室 or the plan), left in the footer.
    :param title_rows: header rows repeated on each page (0: none).
    :param title_columns: columns repeated on each page when the sheet splits across pages.
    """
    fit = print_fit(widths, title_widths=widths[:title_columns], landscape=landscape)
    if isinstance(sheet, XlsxSheet):
        _xlsxwriter_page(sheet, fit, len(widths), max(last_row, 1), owner, title_rows, title_columns)
    else:
        _openpyxl_page(sheet, fit, len(widths), max(last_row, 1), owner, title_rows, title_columns)
    return fit


def _xlsxwriter_page(
    sheet: XlsxSheet, fit: PrintFit, columns: int, last_row: int, owner: str, rows: int, titles: int
) -> None:
    sheet.set_paper(PAPER_A4)
    if fit.landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_margins(left=MARGIN_SIDE, right=MARGIN_SIDE, top=MARGIN_TOP, bottom=MARGIN_BOTTOM)
    if fit.fit_to_width:
        sheet.fit_to_pages(1, 0)
    else:
        sheet.set_print_scale(fit.scale)
        if titles:
            sheet.repeat_columns(0, titles - 1)
    if rows:
        sheet.repeat_rows(0, rows - 1)
    sheet.print_area(0, 0, last_row - 1, columns - 1)
    sheet.set_footer(footer_text(owner))


def _openpyxl_page(
    sheet: OpenpyxlSheet, fit: PrintFit, columns: int, last_row: int, owner: str, rows: int, titles: int
) -> None:
    setup = sheet.page_setup
    setup.paperSize = PAPER_A4
    setup.orientation = "landscape" if fit.landscape else "portrait"
    sheet.page_margins.left = sheet.page_margins.right = MARGIN_SIDE
    sheet.page_margins.top, sheet.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    sheet.sheet_properties.pageSetUpPr.fitToPage = fit.fit_to_width
    if fit.fit_to_width:
        setup.fitToWidth, setup.fitToHeight = 1, 0
    else:
        setup.scale = fit.scale
        if titles:
            sheet.print_title_cols = f"A:{column_letter(titles)}"
    if rows:
        sheet.print_title_rows = f"1:{rows}"
    sheet.print_area = f"A1:{column_letter(columns)}{last_row}"
    footer = sheet.oddFooter  # the same three parts footer_text gives XlsxWriter
    footer.left.text, footer.left.size = owner[:80], 8
    footer.center.text, footer.center.size = "&F　&A", 8
    footer.right.text, footer.right.size = "&P / &N", 8
