"""The council pack as people see it: the HTML in headless Chromium, the cards printed to PDF."""

from __future__ import annotations

import re

import pytest

from tests.chromium import count_colour, png_pixels, screenshot
from tests.libreoffice import require_soffice
from xlplan.app.lint import lint_plan
from xlplan.app.report import build_report
from xlplan.io.rules_file import load_rules
from xlplan.report.cards_pdf import write_cards_pdf
from xlplan.report.html import GRADE_COLOURS
from xlplan.sample import load_sample_plan

PLAN = load_sample_plan()
FINDINGS, GRADES = lint_plan(PLAN, grade_rules=load_rules())


def pdf_pages(data: bytes) -> int:
    """Pages of a PDF as LibreOffice writes it (no object streams): its /Type /Page objects."""
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", data))


def test_the_report_renders_offline_in_headless_chromium(tmp_path):
    pack = build_report(PLAN, GRADES, FINDINGS, tmp_path / "pack", pdf=False)
    png = screenshot(pack.html, tmp_path / "report.png", width=1280, height=2000)
    width, height, rows = png_pixels(png, max_rows=800)  # the title, the summary and the grade chart
    assert (width, height) == (1280, 2000)
    assert count_colour(rows, "#1F4E78") > 10_000  # headings, rules and summary figures in navy
    # The grade chart is drawn: every grade's colour is there, B (43 measures) the widest.
    counts = {g: count_colour(rows, GRADE_COLOURS[g]) for g in "ABCD"}
    assert all(n > 300 for n in counts.values()), counts
    assert counts["B"] > counts["A"] > counts["C"] > counts["D"], counts


@pytest.mark.libreoffice
def test_the_cards_pdf_has_a_page_or_more_per_measure(tmp_path):
    require_soffice()
    pdf = write_cards_pdf(tmp_path / "cards.pdf", PLAN, GRADES)
    pages = pdf_pages(pdf.read_bytes())
    assert len(PLAN.measures) <= pages <= 2 * len(PLAN.measures)
