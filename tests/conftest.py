"""Fixtures that build real section workbooks with the real template writer."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from hypothesis import settings

from xlplan.io.section_writer import TemplateOptions, write_section_workbook

# CI explores the same examples on every run, so a red CI is reproducible and never a coin toss;
# a developer's run explores new examples each time (failures are replayed from .hypothesis/).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

SECTION = "企画財政部情報統計課"

# Two measures from the seed (L1896, L2006), as a section fills them for FY2024.
FILLED_RECORDS: dict[str, list[dict[str, object]]] = {
    "measures": [
        {
            "measure_id": "M-001",
            "name": "オンライン化による行政サービスの推進",
            "hierarchy": "I デジタル化の基礎条件整備 > (i) デジタル基盤の整備",
            "primary_section": SECTION,
            "co_sections": "デジタル化推進本部",
            "self_grade": "B",
            "results": "新電子申請システムへ切り替え、職員研修を実施した。",
        },
        {
            "measure_id": "M-002",
            "name": "自治体システムの最適化",
            "primary_section": SECTION,
            "self_grade": "B",
        },
    ],
    "lifecycle": [
        {"measure_id": "M-001", "fiscal_year": 2024, "stage": "2"},
        {"measure_id": "M-002", "fiscal_year": 2024, "stage": "3・4"},
    ],
    "schedule": [
        {
            "measure_id": "M-002",
            "name": "標準準拠システムへの移行",
            "planned_from": "2024-04",
            "planned_to": "2027-03",
            "status": "実施中",
        },
    ],
    "kpi": [
        {
            "measure_id": "M-001",
            "kpi_id": "M-001-K1",
            "name": "電子申請による手続件数の割合",
            "kpi_type": "アウトカム",
            "unit": "%",
            "aggregation": "年",
            "direction": "高いほど良い",
            "baseline": 21.1,
            "baseline_fy": 2023,
            "target": 30.0,
            "target_fy": 2026,
            "actual": 22.6,
            "reference": 43.8,
        },
    ],
    "projects": [
        {
            "project_id": "P-001-1",
            "name": "地域情報化推進経費",
            "measure_ids": "M-001",
            "section": SECTION,
            "initial": 2873,
            "revised": 2873,
            "settlement": 2653,
        },
    ],
    "budget": [
        {
            "project_id": "P-001-1",
            "item": "負担金、補助及び交付金",
            "initial": 2873,
            "revised": 2873,
            "settlement": 2653,
        },
    ],
    "funding": [
        {"project_id": "P-001-1", "funding_source": "一般財源", "initial": 2873, "revised": 2873, "settlement": 2653},
    ],
}


def sha256(path: Path) -> str:
    """The digest of a file, to show inputs are never changed."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def filled_workbook(tmp_path: Path) -> Path:
    """A correctly filled section workbook (the real template, two measures)."""
    path = tmp_path / "情報統計課.xlsx"
    write_section_workbook(path, TemplateOptions(fiscal_year=2024, section=SECTION), FILLED_RECORDS)
    return path


@pytest.fixture
def edit_workbook() -> Callable[..., Path]:
    """Change cells of a workbook as a person would in Excel: `edit(path, {"KPI!J3": "約30"})`."""

    def edit(path: Path, cells: dict[str, object], *, target: Path | None = None) -> Path:
        workbook = openpyxl.load_workbook(path)
        for address, value in cells.items():
            sheet, cell = address.split("!")
            workbook[sheet][cell] = value
        out = target or path
        workbook.save(out)
        return out

    return edit


@pytest.fixture
def no_pdf_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without LibreOffice or Excel: PATH stripped, every OS's install folders pointed at empty fake ones."""
    from xlplan.report import pdf_engine

    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(pdf_engine.SOFFICE_VARIABLE, raising=False)
    fake = str(tmp_path / "fake-install" / "LibreOffice" / "program" / "soffice")
    monkeypatch.setattr(pdf_engine, "INSTALL_PLACES", dict.fromkeys(pdf_engine.INSTALL_PLACES, (fake,)))
    assert pdf_engine.find_libreoffice() is None
    assert pdf_engine.excel_unavailable_reason()
