"""Print every output of the demo to PDF and count the A4 pages per sheet.

Usage: python scripts/print_pages.py [FOLDER]

Runs `xlplan demo` into FOLDER (a temporary folder when omitted; its cards.pdf is counted as
printed), `xlplan revise` on its master (改訂資料) and `revise --changes-template` (the changes
workbook), then prints each workbook to PDF with LibreOffice headless (one bookmark per sheet
gives the pages per sheet) and report.html with headless Chromium. Prints one line per output:
total pages, then pages per sheet; then the same as JSON. Needs LibreOffice, Chromium and pypdf.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the tests' LibreOffice and Chromium helpers

from pypdf import PdfReader

from tests.chromium import print_pdf
from tests.libreoffice import pages_per_sheet, print_to_pdf

SECTION = "企画財政部情報統計課"  # the brief's example section (9 measures, three co-owned)


def make_outputs(folder: Path) -> dict[str, Path]:
    """Run the demo and the revision into `folder`; the workbooks and pages to count, by label."""
    demo = folder / "demo"
    subprocess.run(["xlplan", "demo", "-o", str(demo)], check=True, capture_output=True)
    master = demo / "master.xlsx"
    subprocess.run(["xlplan", "revise", str(master), "-o", str(folder / "rev")], check=True, capture_output=True)
    changes = folder / "changes.xlsx"
    subprocess.run(["xlplan", "revise", str(master), "--changes-template", "-o", str(changes)], check=True)
    return {
        "調査票（課所室）": demo / "sections" / f"{SECTION}.xlsx",
        "評価シート付きの写し": demo / "graded" / f"{SECTION}.xlsx",
        "マスター計画": master,
        "変更ワークブック": changes,
        "改訂資料": next((folder / "rev").glob("改訂資料_*.xlsx")),
        "施策カード": demo / "report" / "cards.pdf",
        "report.html": demo / "report" / "report.html",
    }


def measure(folder: Path) -> dict[str, dict[str, int]]:
    """Pages per sheet (a PDF or HTML output: one entry) for every output, by label."""
    outputs = make_outputs(folder)
    pdf_folder = folder / "pdf"
    pdf_folder.mkdir(exist_ok=True)
    workbooks = [(label, path) for label, path in outputs.items() if path.suffix == ".xlsx"]
    # Two outputs share the section's file name: print copies named by position.
    staged = []
    for index, (_, path) in enumerate(workbooks):
        staged.append(pdf_folder / f"{index:02d}.xlsx")
        shutil.copyfile(path, staged[-1])
    pdfs = print_to_pdf(staged, pdf_folder)
    result = {label: pages_per_sheet(pdf) for (label, _), pdf in zip(workbooks, pdfs, strict=True)}
    result["施策カード"] = {"施策カード": len(PdfReader(outputs["施策カード"]).pages)}
    html_pdf = print_pdf(outputs["report.html"], pdf_folder / "report.pdf")
    result["report.html"] = {"A4": len(PdfReader(html_pdf).pages)}
    return result


def main() -> None:
    if len(sys.argv) > 1:
        folder = Path(sys.argv[1])
        folder.mkdir(parents=True, exist_ok=True)
        result = measure(folder)
    else:
        with tempfile.TemporaryDirectory(prefix="xlplan-pages-") as work:
            result = measure(Path(work))
    for label, sheets in result.items():
        detail = "、".join(f"{sheet} {count}" for sheet, count in sheets.items())
        print(f"{label}: {sum(sheets.values())} ページ（{detail}）")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
