"""The fast section writer draws the very workbook the openpyxl writer drew, cell by cell.

Both writers write the same sample sections; openpyxl reads both files back and every fact a
section lead or the reader meets is compared: values and formulas, styles of every cell
(fill, font, border, alignment, number format, locked), dropdowns and input messages,
conditional formats, sheet and workbook protection, sheet states, freeze panes, filters,
print settings (fit or scale, print area, repeated titles, footer), row heights, column
widths. The work of writing is bounded too: the empty rows are stamped, not written cell by cell.
"""

from __future__ import annotations

import zipfile
from functools import partial
from pathlib import Path

import openpyxl
import pytest

from xlplan.app.sections import split_by_section
from xlplan.core.disassemble import section_records
from xlplan.core.layout import FIRST_DATA_ROW, SECTION_SHEETS
from xlplan.core.self_check import SELF_CHECK_SHEET
from xlplan.io import section_writer
from xlplan.io.openpyxl_layout import build_reference_section_workbook
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.io.stamped_sheet import StampedWorksheet
from xlplan.sample import load_sample_plan

# xlsxwriter stores a column width with the cell padding Excel adds (the width typed is the
# width shown); openpyxl stored the bare number. Anything further apart is a real change.
WIDTH_PADDING = 0.72


def _colour(colour) -> str | None:
    if colour is None or colour.rgb is None or not isinstance(colour.rgb, str):
        return None
    return colour.rgb[-6:].upper()


def _style(cell) -> tuple:
    fill = cell.fill
    font, border, align = cell.font, cell.border, cell.alignment
    return (
        cell.number_format,
        cell.protection.locked,
        fill.fill_type,
        _colour(fill.fgColor) if fill.fill_type else None,
        bool(font.b),
        font.name,
        font.sz or 11.0,  # unset: the default 11 pt
        _colour(font.color),
        tuple((side.style, _colour(side.color)) for side in (border.left, border.right, border.top, border.bottom)),
        align.horizontal,
        align.vertical,
        bool(align.wrap_text),
    )


def _value(value: object) -> object:
    return None if value == "" else value  # an empty text cell is an empty cell


def _rule_fill(rule) -> str | None:
    fill = rule.dxf.fill if rule.dxf else None
    if fill is None:
        return None
    # openpyxl wrote a rule's solid fill as fgColor, XlsxWriter as bgColor; the unset one reads 00000000
    colours = [c for c in (fill.bgColor, fill.fgColor) if c is not None and c.rgb != "00000000"]
    return _colour(colours[0]) if colours else None


def facts(path: Path) -> dict[str, object]:
    """Everything comparable about a workbook, as openpyxl reads it (the 入力チェック sheet aside:
    the reference writer does not draw it; tests/test_self_check.py checks it in a real engine)."""
    workbook = openpyxl.load_workbook(path)
    if SELF_CHECK_SHEET in workbook.sheetnames:
        assert workbook.sheetnames.index(SELF_CHECK_SHEET) == 1, "入力チェック is the second sheet"
        workbook.remove(workbook[SELF_CHECK_SHEET])
    out: dict[str, object] = {
        "sheets": [(s.title, s.sheet_state) for s in workbook.worksheets],
        "active": workbook.active.title,
        "structure locked": bool(workbook.security and workbook.security.lockStructure),
    }
    for sheet in workbook.worksheets:
        name = sheet.title
        cells = {}
        for row in sheet.iter_rows(min_row=1, max_row=sheet.max_row, max_col=sheet.max_column):
            for cell in row:
                cells[cell.coordinate] = (_value(cell.value), _style(cell))
        out[f"{name} cells"] = cells
        out[f"{name} validations"] = sorted(
            (
                str(v.sqref),
                v.type,
                v.formula1,
                v.formula2,
                (v.operator or "between") if v.type else None,  # "between" is the default
                bool(v.allow_blank),
                bool(v.showInputMessage),
                bool(v.showErrorMessage),
                v.promptTitle,
                v.prompt,
                v.errorTitle,
                v.error,
                (v.errorStyle or "stop") if v.showErrorMessage else None,  # "stop" is the default
                v.imeMode,
            )
            for v in sheet.data_validations.dataValidation
        )
        out[f"{name} rules"] = sorted(
            (
                str(rng.sqref),
                rule.type,
                tuple(rule.formula),
                _rule_fill(rule),
                bool(rule.dxf.font and rule.dxf.font.b),
                _colour(rule.dxf.font.color) if rule.dxf.font else None,
            )
            for rng in sheet.conditional_formatting
            for rule in rng.rules
        )
        protection = sheet.protection
        out[f"{name} protection"] = {
            flag: getattr(protection, flag)
            for flag in (
                "sheet",
                "autoFilter",
                "sort",
                "formatColumns",
                "formatRows",
                "formatCells",
                "insertRows",
                "insertColumns",
                "deleteRows",
                "deleteColumns",
                "selectLockedCells",
                "selectUnlockedCells",
            )
        }
        setup = sheet.page_setup
        out[f"{name} print"] = (
            setup.orientation,
            str(setup.paperSize) if setup.paperSize else None,
            # fit to pages: 1 is the default of both numbers, written or not
            (int(setup.fitToWidth or 1), int(setup.fitToHeight if setup.fitToHeight is not None else 1))
            if sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
            else None,
            # the scale when not fitted; 100 is the default, written or not
            None
            if sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage
            else int(setup.scale or 100),
            sheet.print_area,
            sheet.print_title_rows,
            sheet.print_title_cols,
            (sheet.oddFooter.left.text, sheet.oddFooter.center.text, sheet.oddFooter.right.text),
        )
        out[f"{name} view"] = (sheet.freeze_panes, sheet.auto_filter.ref)
        out[f"{name} heights"] = {  # in whole pixels: XlsxWriter rounds points to the pixel grid
            row: round(dim.height * 4 / 3) for row, dim in sheet.row_dimensions.items() if dim.height
        }
        out[f"{name} columns"] = {  # a <col> may span several columns
            index: (round(dim.width, 2) if dim.customWidth else None, bool(dim.hidden))
            for dim in sheet.column_dimensions.values()
            if dim.customWidth or dim.hidden
            for index in range(dim.min, dim.max + 1)
        }
    return out


def _assert_same(new: dict[str, object], old: dict[str, object]) -> None:
    assert new.keys() == old.keys()
    for key in old:
        if key.endswith(" columns"):
            assert new[key].keys() == old[key].keys(), key
            for letter, (width, hidden) in old[key].items():
                new_width, new_hidden = new[key][letter]
                assert new_hidden == hidden, f"{key} {letter}"
                assert 0 <= new_width - width <= WIDTH_PADDING, f"{key} {letter}: {new_width} vs {width}"
        elif key.endswith(" cells"):
            differ = {c: (new[key].get(c), v) for c, v in old[key].items() if new[key].get(c) != v}
            extra = set(new[key]) - set(old[key])
            assert not differ and not extra, f"{key}: {len(differ)} differ, e.g. {list(differ.items())[:2]}; {extra}"
        else:
            assert new[key] == old[key], key


def _both(tmp_path: Path, options: TemplateOptions, records) -> tuple[Path, Path]:
    new = write_section_workbook(tmp_path / "new.xlsx", options, records)
    old = tmp_path / "old.xlsx"
    build_reference_section_workbook(options, records).save(old)
    return new, old


PLAN = load_sample_plan()
SHARES = split_by_section(PLAN)


def _records(share):
    return section_records(share.measures, share.projects, PLAN.evaluated_fy)


def _largest_share():
    return max(SHARES, key=lambda s: sum(len(rows) for rows in _records(s).values()))


def test_blank_template_equals_the_reference(tmp_path):
    new, old = _both(tmp_path, TemplateOptions(fiscal_year=2024, blank_rows=20), {})
    _assert_same(facts(new), facts(old))


def test_prefilled_sample_section_equals_the_reference(tmp_path):
    share = _largest_share()
    options = TemplateOptions(
        fiscal_year=PLAN.evaluated_fy, section=share.section, plan_name=PLAN.name, plan_version=PLAN.version
    )
    records = _records(share)
    assert all(records[layout.key] for layout in SECTION_SHEETS[:4]), "the case must fill the graded sheets"
    new, old = _both(tmp_path, options, records)
    _assert_same(facts(new), facts(old))


@pytest.mark.slow
def test_every_sample_section_equals_the_reference(tmp_path):
    for index, share in enumerate(SHARES):
        options = TemplateOptions(fiscal_year=PLAN.evaluated_fy, section=share.section, blank_rows=5)
        folder = tmp_path / str(index)
        folder.mkdir()
        new, old = _both(folder, options, _records(share))
        _assert_same(facts(new), facts(old))


def test_hostile_text_is_written_as_typed(tmp_path):
    """Text that looks like a formula, a number or XlsxWriter's rich-string markup stays that text."""
    texts = ["=1+1", "0012", "<r><t>x</t></r>", "a&b<c>", " lead and trail "]
    records = {"measures": [{"measure_id": "M-001", "name": text, "summary": text} for text in texts]}
    path = write_section_workbook(tmp_path / "x.xlsx", TemplateOptions(blank_rows=1), records)
    sheet = openpyxl.load_workbook(path)["施策"]
    assert [sheet.cell(row=FIRST_DATA_ROW + i, column=2).value for i in range(len(texts))] == texts


def test_empty_rows_are_stamped_not_written_cell_by_cell(tmp_path, monkeypatch):
    """The work per workbook does not grow with the empty rows cell by cell: XlsxWriter is
    handed only the banner, headers and pre-filled cells, whatever `blank_rows` is."""
    records = _records(_largest_share())
    write_section_workbook(tmp_path / "warm.xlsx", TemplateOptions(blank_rows=1), records)  # renders once per process
    calls = {"cells": 0}
    original = StampedWorksheet._write_blank

    def counting(self, *args, **kwargs):
        calls["cells"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(StampedWorksheet, "_write_blank", counting)
    write_section_workbook(tmp_path / "a.xlsx", TemplateOptions(blank_rows=10), records)
    few = calls["cells"]
    calls["cells"] = 0
    path = write_section_workbook(tmp_path / "b.xlsx", TemplateOptions(blank_rows=1000), records)
    assert calls["cells"] == few
    sheet = openpyxl.load_workbook(path, read_only=True)["施策"]
    assert sheet.max_row == FIRST_DATA_ROW + len(records["measures"]) + 1000 - 1


def _never(*args, **kwargs):
    raise AssertionError("called")


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:  # docProps/core.xml holds the time of writing
        return {name: archive.read(name) for name in archive.namelist() if name != "docProps/core.xml"}


@pytest.mark.parametrize(
    ("section", "blank_rows", "share"),
    [
        ("", 20, None),  # the blank template: the self-check formulas take their form without a section
        (None, 100, 0),  # a sample section, pre-filled
        ('総務"課&<x>\ue000', 0, 1),  # quotes, markup and the private-use mark in the name; no empty rows
    ],
)
def test_stamped_sheets_are_the_sheets_drawn_cell_by_cell(tmp_path, monkeypatch, section, blank_rows, share):
    """What is stamped from one rendering per process (the 入力チェック sheet, the lists sheet, the
    data validations) is, byte for byte, the workbook written with every cell and validation
    passed through XlsxWriter one by one (the sheets, shared strings and styles)."""
    records = _records(SHARES[share]) if share is not None else {}
    name = SHARES[share].section if section is None else section
    options = TemplateOptions(fiscal_year=PLAN.evaluated_fy, section=name, blank_rows=blank_rows)
    stamped = _parts(write_section_workbook(tmp_path / "stamped.xlsx", options, records))

    def lists_drawn(sheet, context):
        sheet.very_hidden()
        section_writer._draw_lists(sheet, context.options.fiscal_year)

    drawn = partial(section_writer.write_self_check_sheet, stamped=False)
    monkeypatch.setattr(section_writer, "write_self_check_sheet", drawn)
    monkeypatch.setattr(section_writer, "_stamp_validations", section_writer._add_validations)
    monkeypatch.setattr(section_writer, "_write_lists", lists_drawn)
    for method in ("stamp_rows", "stamp_validations"):  # nothing is stamped from a rendering now
        monkeypatch.setattr(StampedWorksheet, method, _never)
    direct = _parts(write_section_workbook(tmp_path / "direct.xlsx", options, records))
    assert stamped.keys() == direct.keys()
    assert [name for name in direct if stamped[name] != direct[name]] == []


def test_a_full_disk_is_advice_and_leaves_nothing_behind(tmp_path, monkeypatch):
    """The OSError reaches the atomic output, which turns it into advice naming the file;
    XlsxWriter's own wrapper would be a traceback."""
    import errno

    import xlsxwriter.workbook

    from xlplan.errors import OutputError

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", full)
    with pytest.raises(OutputError) as raised:
        write_section_workbook(tmp_path / "x.xlsx", TemplateOptions(blank_rows=1))
    assert "x.xlsx" in str(raised.value) and "ディスクの空きが足りません" in str(raised.value)  # ENOSPC recognised
    assert list(tmp_path.iterdir()) == []
