"""Each file is read in one pass, and reading starts light: counted, not timed.

Screening and reading share one inflation of every part of the package: the bytes inflated
are the package's own uncompressed size, once per file, and no sheet is parsed twice (the
fast path takes every sheet the writer wrote). Reading the template's hundred formatted empty
rows a sheet costs no per-cell look. The modules a reading process imports hold neither pandas
nor pandera (a spawned reader starts in a fraction of a second); nor does `consolidate` until
the workbooks are read.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

from tests.consolidate_helpers import sample_sections
from xlplan.app.reading import read_all
from xlplan.io import reader
from xlplan.io.section_writer import TemplateOptions, write_section_workbook
from xlplan.io.xlsx.package import WORK


def _uncompressed(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def test_every_part_is_inflated_once_and_every_sheet_parsed_once(tmp_path_factory):
    files = sorted(sample_sections(tmp_path_factory).glob("*.xlsx"))
    inflated, parsed = WORK.inflated, WORK.parsed
    books = read_all(files, jobs=1)
    assert all(book.readable for book in books) and len(books) > 10
    assert WORK.inflated - inflated == sum(_uncompressed(path) for path in files)
    # the workbook-level parts and each sheet, each once: never more than was inflated
    assert WORK.parsed - parsed <= WORK.inflated - inflated


def test_the_empty_formatted_rows_cost_no_look_at_their_cells(tmp_path, monkeypatch):
    looked = {"rows": 0}  # rows whose read cells the reader looks at, one by one
    touching = reader._rows_touching

    def counted(*args):
        rows = touching(*args)
        looked["rows"] += len(rows)
        return rows

    monkeypatch.setattr(reader, "_rows_touching", counted)
    costs = []
    for blank_rows in (5, 500):
        path = write_section_workbook(tmp_path / f"{blank_rows}.xlsx", TemplateOptions(blank_rows=blank_rows))
        looked["rows"] = 0
        book = reader.read_section_workbook(path)
        assert book.readable and not any(table.records for table in book.sheets.values())
        costs.append(looked["rows"])
    assert costs == [0, 0]  # a hundred times the empty rows, not one row looked at


def _modules_after(code: str, watched: tuple[str, ...] = ("pandas", "pandera", "xlplan_validators")) -> list[str]:
    listing = f"print(sorted({{m.split('.')[0] for m in sys.modules}} & {set(watched)!r}))"
    done = subprocess.run([sys.executable, "-c", f"import sys; {code}; {listing}"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return eval(done.stdout)  # a list of names printed by the child


def test_a_reading_process_and_consolidate_start_without_pandas():
    # what a spawned reader imports: the main script, then the reading function's module
    assert _modules_after("import xlplan.__main__, xlplan.app.reading") == []
    # nor openpyxl, which imports numpy (0.3 s of CPU): the reader states its date rules itself
    assert _modules_after("import xlplan.__main__, xlplan.app.reading", ("openpyxl", "numpy")) == []
    assert _modules_after("import xlplan.cli.consolidate, xlplan.cli.check") == []
    # pandera comes when the workbooks have been read (or while worker processes read them)
    assert _modules_after("from xlplan.app.check import prepare_validation; prepare_validation()") == [
        "pandas",
        "pandera",
        "xlplan_validators",
    ]
