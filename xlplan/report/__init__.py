"""The council pack: a self-contained HTML report, the measure cards as PDF, open data as CSV.

view.py        what the report shows, as values (grade counts, budgets, KPI progress)
svg.py         inline SVG charts (no script, no CDN)
html.py        the report as one HTML file in Japanese
cards_pdf.py   the measure cards printed to PDF by LibreOffice headless or Excel (xlwings)
pdf_engine.py  which of them prints, decided once before any work; a missing one is a note
"""
