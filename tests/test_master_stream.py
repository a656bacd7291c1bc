"""The master written row by row (`io.xlsxwriter_stream`) is the master XlsxWriter writes at close.

Compared part by part: every part but the styles byte for byte (shared strings, charts,
drawings, workbook), every sheet byte for byte once each cell's style index is replaced by
the style it names (only the numbering of the formats may differ), and with openpyxl cell by
cell (value, font, fill, border, alignment, number format). Memory is bounded in bytes
(tracemalloc), never in time.
"""

from __future__ import annotations

import gc
import re
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from copy import copy
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

import xlplan.app.consolidate as consolidate_module
import xlplan.io.master_writer as master_writer
from tests.consolidate_helpers import sample_sections
from xlplan.core.grading import grade_plan
from xlplan.core.tables import SectionWorkbook
from xlplan.io import xlsxwriter_stream
from xlplan.io.master_writer import MasterContent, write_master
from xlplan.io.rules_file import load_rules
from xlplan.io.xlsxwriter_stream import RowAlreadyWritten, StreamedWorkbook
from xlplan.io.xlsxwriter_text import TextWorkbook
from xlplan.sample import load_sample_plan

_MAIN = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}


def _content(copies: int = 1) -> MasterContent:
    """The sample plan (its measures and projects `copies` times over), graded."""
    plan = load_sample_plan()
    plan = replace(plan, measures=plan.measures * copies, projects=plan.projects * copies)
    grades = grade_plan(plan, load_rules())
    return MasterContent(plan=plan, grades=grades, kpi_years=True)


def _styles(archive: zipfile.ZipFile) -> list[str]:
    """Each cellXfs entry (by index) as the font, fill, border, number format and alignment it names."""
    root = ET.fromstring(archive.read("xl/styles.xml"))

    def parts(tag: str, child: str) -> list[str]:
        return [ET.tostring(e, encoding="unicode") for e in root.find(f"m:{tag}", _MAIN).findall(f"m:{child}", _MAIN)]

    fonts, fills, borders = parts("fonts", "font"), parts("fills", "fill"), parts("borders", "border")
    formats = {e.get("numFmtId"): e.get("formatCode") for e in root.find("m:numFmts", _MAIN) or []}
    named = []
    for xf in root.find("m:cellXfs", _MAIN):
        attributes = dict(xf.attrib)
        font, fill = fonts[int(attributes.pop("fontId", 0))], fills[int(attributes.pop("fillId", 0))]
        border = borders[int(attributes.pop("borderId", 0))]
        number = formats.get(attributes.get("numFmtId"), attributes.pop("numFmtId", "0"))
        inner = "".join(ET.tostring(child, encoding="unicode") for child in xf)
        named.append(repr((font, fill, border, number, sorted(attributes.items()), inner)))
    return named


def _same_parts(streamed: Path, at_close: Path) -> None:
    with zipfile.ZipFile(streamed) as a, zipfile.ZipFile(at_close) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        styles_a, styles_b = _styles(a), _styles(b)
        assert sorted(set(styles_a)) == sorted(set(styles_b))  # the same formats, perhaps numbered otherwise
        sheets = 0
        for name in a.namelist():
            if name in ("xl/styles.xml", "docProps/core.xml"):  # numbering; the time of writing
                continue
            if name.startswith("xl/worksheets/sheet"):
                sheets += 1
                named_a = re.sub(rb' s="(\d+)"', lambda m: b' s="' + styles_a[int(m[1])].encode() + b'"', a.read(name))
                named_b = re.sub(rb' s="(\d+)"', lambda m: b' s="' + styles_b[int(m[1])].encode() + b'"', b.read(name))
                assert named_a == named_b, name
            else:
                assert a.read(name) == b.read(name), name
        assert sheets >= 15


def _style(cell: openpyxl.cell.Cell) -> tuple[object, ...]:
    return tuple(copy(style) for style in (cell.font, cell.fill, cell.border, cell.alignment, cell.protection))


def _same_cells(streamed: Path, at_close: Path) -> None:
    a, b = openpyxl.load_workbook(streamed), openpyxl.load_workbook(at_close)
    assert a.sheetnames == b.sheetnames
    for sheet_a, sheet_b in zip(a.worksheets, b.worksheets, strict=True):
        assert sheet_a.max_row == sheet_b.max_row and sheet_a.max_column == sheet_b.max_column
        assert sorted(map(str, sheet_a.merged_cells.ranges)) == sorted(map(str, sheet_b.merged_cells.ranges))
        heights = {r: d.height for r, d in sheet_a.row_dimensions.items()}
        assert heights == {r: d.height for r, d in sheet_b.row_dimensions.items()}
        for row_a, row_b in zip(sheet_a.iter_rows(), sheet_b.iter_rows(), strict=True):
            for cell_a, cell_b in zip(row_a, row_b, strict=True):
                assert cell_a.value == cell_b.value, cell_a.coordinate
                assert cell_a.number_format == cell_b.number_format, cell_a.coordinate
                assert _style(cell_a) == _style(cell_b), cell_a.coordinate


@pytest.mark.parametrize("chunk", [xlsxwriter_stream.CHUNK_ROWS, 16])
def test_the_streamed_master_is_the_master_xlsxwriter_writes_at_close(tmp_path, monkeypatch, chunk):
    # chunks of 16 rows write every sheet longer than 32 rows out, span block by span block
    monkeypatch.setattr(xlsxwriter_stream, "CHUNK_ROWS", chunk)
    content = _content(copies=2)  # cards and data sheets of hundreds of rows
    streamed = write_master(tmp_path / "streamed.xlsx", content)
    monkeypatch.setattr(master_writer, "StreamedWorkbook", TextWorkbook)  # every cell held until close
    at_close = write_master(tmp_path / "at_close.xlsx", content)
    _same_parts(streamed, at_close)
    if chunk == 16:
        _same_cells(streamed, at_close)


def test_a_cell_or_height_for_a_row_already_written_out_is_refused(tmp_path):
    workbook = StreamedWorkbook(str(tmp_path / "rows.xlsx"))
    sheet = workbook.add_worksheet("rows")
    for row in range(3 * xlsxwriter_stream.CHUNK_ROWS):
        sheet.write_string(row, 0, f"row {row}")
    with pytest.raises(RowAlreadyWritten):
        sheet.write_string(0, 1, "too late")
    with pytest.raises(RowAlreadyWritten):
        sheet.set_row(0, 30)
    sheet.write_string(3 * xlsxwriter_stream.CHUNK_ROWS - 10, 1, "recent rows stay open")
    workbook.close()
    values = [row[:2] for row in openpyxl.load_workbook(tmp_path / "rows.xlsx")["rows"].iter_rows(values_only=True)]
    assert values[0] == ("row 0", None) and len(values) == 3 * xlsxwriter_stream.CHUNK_ROWS
    assert values[-10] == (f"row {len(values) - 10}", "recent rows stay open")


def _write_peak(content: MasterContent, path: Path) -> int:
    """Bytes the write allocates at its peak beyond what it is given (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        held = tracemalloc.get_traced_memory()[0]
        write_master(path, content)
        return tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()


def test_writing_four_times_the_plan_takes_less_than_three_times_the_memory(tmp_path):
    # XlsxWriter alone holds every cell until close: four times the rows took over five times the memory
    once = _write_peak(_content(copies=1), tmp_path / "once.xlsx")
    four_times = _write_peak(_content(copies=4), tmp_path / "four.xlsx")
    assert four_times < 3 * once, (once, four_times)


def test_the_rows_as_read_are_dropped_before_the_merge(tmp_path_factory, tmp_path, monkeypatch):
    alive: list[int] = []
    merge = consolidate_module.merge_sections

    def counting_merge(*args, **kwargs):
        gc.collect()
        alive.append(sum(1 for o in gc.get_objects() if isinstance(o, SectionWorkbook)))
        return merge(*args, **kwargs)

    monkeypatch.setattr(consolidate_module, "merge_sections", counting_merge)
    result = consolidate_module.consolidate([sample_sections(tmp_path_factory)], tmp_path / "m.xlsx", cards=False)
    assert result.merged == 44 and alive == [0]
