"""Section workbooks as other producers write them read exactly as the original (issue #13).

A section without Excel returns the workbook re-saved by LibreOffice; others pass it through
tools that write .xlsx their own way. For each producer, `check` and `grade` must give the
same data, value for value, the same grades and no finding the original did not get.

Real producers: LibreOffice headless re-saves the filled workbook through both of its xlsx
export filters, and round-trips it through flat ODS with one value edited (実績値 22.6 → 23.4).
Three soffice launches build the whole LibreOffice corpus once per session. Conventions of
producers that cannot run here are reproduced on the XML: a streaming writer that omits the
`r` of every cell, and Excel's prefixed (`x:`) markup of the main namespace.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests import corpus
from tests.libreoffice import convert, recalculate
from xlplan.cli.main import cli
from xlplan.io.reader import read_section_workbook

pytestmark = [pytest.mark.libreoffice, pytest.mark.slow]

EDITED = ("22.6", "23.4")  # KPI M-001-K1 実績値 (KPI!M3), edited in the flat ODS


def _without_cell_references(data: bytes) -> bytes:
    """Every sheet as a streaming writer writes it: cells in order, none with `r`."""
    sheets = [name for name in corpus.members(data) if name.startswith("xl/worksheets/sheet")]
    change = {name: re.sub(rb'(<c)\s+r="[A-Z]+[0-9]+"', rb"\1", corpus.members(data)[name]) for name in sheets}
    return corpus.rebuild(data, change)


def _prefixed(data: bytes) -> bytes:
    """The workbook, styles and every sheet with the main namespace bound to `x:`, as Excel may."""
    main = corpus.SPREADSHEET_NS.encode()
    targets = [n for n in corpus.members(data) if n.startswith("xl/worksheets/sheet") or n == "xl/workbook.xml"]

    def prefix(xml: bytes) -> bytes:
        xml = re.sub(rb"<(/?)([A-Za-z]+)([\s/>])", rb"<\1x:\2\3", xml)  # unprefixed elements only
        return xml.replace(b'xmlns="' + main + b'"', b'xmlns:x="' + main + b'"', 1)

    return corpus.rebuild(data, {name: prefix(corpus.members(data)[name]) for name in targets})


@pytest.fixture(scope="session")
def producers(tmp_path_factory) -> dict[str, Path]:
    """The original and each producer's copy of it (LibreOffice's built in three launches)."""
    folder = tmp_path_factory.mktemp("producers")
    original = folder / "original.xlsx"
    original.write_bytes(corpus.base_workbook())
    flat = convert(original, "fods", folder / "fods")
    text = flat.read_text(encoding="utf-8")
    value, shown = f'office:value="{EDITED[0]}"', f"<text:p>{EDITED[0]}</text:p>"
    assert text.count(value) == 1 and text.count(shown) == 1, "the value to edit is not where it was"
    edited = folder / "fods" / "edited.fods"
    edited.write_text(
        text.replace(value, f'office:value="{EDITED[1]}"').replace(shown, f"<text:p>{EDITED[1]}</text:p>")
    )
    excel_2007, via_ods = recalculate([original, edited], folder / "excel2007")
    office_open = convert(original, "xlsx:Calc Office Open XML", folder / "ooxml")
    built = {}
    for name, build in (("no-cell-references", _without_cell_references), ("x-prefixed", _prefixed)):
        built[name] = folder / f"{name}.xlsx"
        built[name].write_bytes(build(original.read_bytes()))
    return {
        "original": original,
        "LibreOffice: Calc MS Excel 2007 XML": excel_2007,
        "LibreOffice: Calc Office Open XML": office_open,
        "LibreOffice: ODS round trip, one value edited": via_ods,
        **built,
    }


def outcome(path: Path) -> tuple[int, list[tuple[str, str, str]], object, dict[str, list[dict]]]:
    """(check's exit code, its findings, grade's JSON, the records of every sheet)."""
    checked = CliRunner().invoke(cli, ["check", "--json", str(path)])
    [report] = json.loads(checked.stdout)["files"]
    graded = CliRunner().invoke(cli, ["grade", "--json", str(path)])
    records = {key: table.records for key, table in read_section_workbook(path).sheets.items()}
    findings = [(f["sheet"], f["cell"], f["code"]) for f in report["findings"]]
    return checked.exit_code, findings, json.loads(graded.stdout)["grades"][0]["measures"], records


PRODUCERS = [
    "LibreOffice: Calc MS Excel 2007 XML",
    "LibreOffice: Calc Office Open XML",
    "LibreOffice: ODS round trip, one value edited",
    "no-cell-references",
    "x-prefixed",
]


@pytest.mark.parametrize("producer", PRODUCERS)
def test_a_producers_copy_reads_as_the_original(producers, producer):
    code, findings, grades, records = outcome(producers["original"])
    assert records["kpi"][0]["actual"] == float(EDITED[0])
    if producer.endswith("one value edited"):
        records["kpi"][0]["actual"] = float(EDITED[1])  # the one value edited in LibreOffice, and its trace
        grades = json.loads(
            json.dumps(grades, ensure_ascii=False).replace(f"実績値 {EDITED[0]}", f"実績値 {EDITED[1]}")
        )

    assert outcome(producers[producer]) == (code, findings, grades, records)


def test_libreoffice_copies_use_its_own_markup(producers):
    """The corpus means something only if LibreOffice wrote its own files (shared strings, hidden helper
    sheets) and the streaming copy really has no references."""
    for producer in PRODUCERS[:3]:
        parts = corpus.members(producers[producer].read_bytes())
        assert "xl/sharedStrings.xml" in parts, producer
        assert 'state="hidden"' in parts["xl/workbook.xml"].decode(), producer
    sheet = corpus.members(producers["no-cell-references"].read_bytes())["xl/worksheets/sheet6.xml"]
    assert b"<c r=" not in sheet and b"<c " in sheet
