"""Fuzzing in CI: a small run of scripts/fuzz.py, and hypothesis over cell text, numbers and bytes.

The full bar is `python scripts/fuzz.py --cases 5000` with zero crashes; CI runs 60 cases every
time (about 10 s) so a regression shows up on the next push.
"""

from __future__ import annotations

import importlib.util
import math
import sys
import tempfile
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import corpus
from xlplan.app.check import check_paths
from xlplan.io.reader import read_section_workbook

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_fuzz() -> ModuleType:
    """scripts/fuzz.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("xlplan_fuzz_script", ROOT / "scripts" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


# Crashes the fuzzer once found, now fixed; a crash not listed here fails CI.
KNOWN_CRASHES: dict[str, str] = {}


def test_sixty_mutated_workbooks_through_check_and_consolidate_without_a_new_crash():
    fuzz = load_fuzz()
    reports: list[str] = []
    tally = fuzz.fuzz(60, seed=1, bases=3, batch=30, out=reports.append)
    assert tally.counts["cases"] == 60
    assert set(tally.crashes) <= set(KNOWN_CRASHES), "\n".join(reports)
    assert tally.counts["consolidate-runs"] == 2
    assert tally.counts["finding"] > 30  # the mutations do bite
    assert tally.counts["finding"] + tally.counts["clean"] + tally.counts["crash"] == 60


@pytest.mark.parametrize("renamed", [lambda name: name + "x", lambda name: "xl/" + name])  # .upper() is still found
def test_a_sheet_whose_part_was_renamed_is_findings_not_a_crash(tmp_path, renamed):
    """The fuzzer's `zip rename xl/worksheets/sheetN.xml` (seed 1, case 49): the workbook still
    lists the sheet, its part is gone, so no header and no cell is found. read_sheet took
    max() of a single int and raised TypeError; now every header is reported missing."""
    base = corpus.base_workbook()
    part = corpus.sheet_part(base, "KPI")
    data = corpus.rebuild(base, {part: None}, [corpus.member(renamed(part), corpus.members(base)[part])])
    path = tmp_path / "提出.xlsx"
    path.write_bytes(data)
    [checked] = check_paths([path])
    at_kpi = {(f.cell, f.code) for f in checked.report.findings if f.sheet == "KPI"}
    assert ("A2", "header-missing") in at_kpi
    assert "file-unreadable" not in {f.code for f in checked.report.findings}  # the other sheets are read


def test_the_same_seed_builds_the_same_cases(tmp_path):
    fuzz = load_fuzz()
    bases = fuzz.make_bases(tmp_path, 2)
    assert fuzz.build_case(bases, 5, 17) == fuzz.build_case(bases, 5, 17)
    assert fuzz.build_case(bases, 5, 17)[0] != fuzz.build_case(bases, 6, 17)[0]


def test_the_command_line_prints_the_counts(capsys):
    fuzz = load_fuzz()
    assert fuzz.main(["--cases", "3", "--bases", "1", "--batch", "0", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert "cases 3: crash 0" in out


def test_output_faults_at_random_writes_of_every_writing_command_crash_nothing(capsys):
    """`--output-faults`: each case a writing command whose Nth write fails; the summary counts crashes.

    `revise` (the slowest, a workbook per section) is left out here; test_output_faults runs it.
    """
    fuzz = load_fuzz()
    assert fuzz.main(["--output-faults", "--cases", "6", "--seed", "4", "--skip", "revise"]) == 0
    out = capsys.readouterr().out
    assert "output faults, cases 6: crash 0  refused (exit 3) " in out


INVISIBLE = {chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]} | set(
    "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(sorted(INVISIBLE)),
        st.sampled_from(list("あア亜漢字０１２ＡＢ ・、。「」\u3000\t\n😀👨\u200d👩\u200d👧🎉𠮷")),
        st.characters(codec="utf-8", exclude_characters="_\ud800\udfff", exclude_categories=["Cs"]),
    ),
    max_size=60,
)


def _excel_escaped(text: str) -> str:
    """Text as Excel writes it into XML: markup escaped, characters XML 1.0 forbids as _xHHHH_."""
    out = []
    for char in text:
        code = ord(char)
        if (code < 0x20 and char not in "\t\n\r") or code in (0xFFFE, 0xFFFF):
            out.append(f"_x{code:04X}_")
        else:
            out.append(char.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
    return "".join(out).replace("\r", "&#13;")


@SETTINGS
@given(text=TEXT)
def test_any_text_in_a_long_text_cell_is_kept_without_invisible_characters(text):
    inner = f'<is><t xml:space="preserve">{_excel_escaped(text)}</t></is>'
    data = corpus.edit_sheet(
        corpus.base_workbook(), "施策", lambda xml: corpus.set_cell(xml, "J3", inner, ' t="inlineStr"')
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "提出.xlsx"
        path.write_bytes(data)
        book = read_section_workbook(path)
    assert book.readable, book.findings
    kept = "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n") if c not in INVISIBLE)
    stored = book.sheets["measures"].records[0]["results"]
    assert (stored or "") == kept.strip(" \t\r\n\u3000")
    controls = [(f.sheet, f.cell) for f in book.findings if f.code == "control-characters"]
    assert controls == ([("施策", "J3")] if set(text) & INVISIBLE else [])


@SETTINGS
@given(number=st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from(["1e309", "-1e309", "NaN", "-0"]))
def test_any_number_in_an_amount_cell_ends_as_a_value_or_a_finding(number):
    shown = number if isinstance(number, str) else repr(number)
    data = corpus.edit_sheet(
        corpus.base_workbook(), "予算", lambda xml: corpus.set_cell(xml, "C3", f"<v>{shown}</v>", ' t="n"')
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "提出.xlsx"
        path.write_bytes(data)
        [checked] = check_paths([path])
    value = float(shown)
    at_c3 = [f.code for f in checked.report.findings if (f.sheet, f.cell) == ("予算", "C3")]
    if not math.isfinite(value):
        assert at_c3 == ["number-invalid"]
        assert "#NUM!" in checked.report.findings[0].message() or any(
            "#NUM!" in f.message() for f in checked.report.findings
        )
    elif value < 0:
        assert at_c3 == ["value-out-of-range"]


@pytest.mark.parametrize("shown", ["inf", "-inf", "nan", "Infinity", "NaN", "INF"])
def test_python_spellings_of_non_numbers_in_an_amount_cell_are_number_invalid(tmp_path, shown):
    """`<v>nan</v>` (what a pandas export writes) was read as the text "nan", which the schema's
    coercion turned into an empty amount: a wrong value in silence. "inf" passed as a number."""
    data = corpus.edit_sheet(
        corpus.base_workbook(), "予算", lambda xml: corpus.set_cell(xml, "C3", f"<v>{shown}</v>", ' t="n"')
    )
    path = tmp_path / "提出.xlsx"
    path.write_bytes(data)
    [checked] = check_paths([path])
    assert [f.code for f in checked.report.findings if (f.sheet, f.cell) == ("予算", "C3")] == ["number-invalid"]


@SETTINGS
@given(flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=1, max_value=255)), max_size=8))
def test_flipped_bytes_never_raise(flips):
    data = bytearray(corpus.base_workbook())
    for offset, mask in flips:
        data[offset % len(data)] ^= mask
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "提出.xlsx"
        path.write_bytes(bytes(data))
        [checked] = check_paths([path])
    assert checked.report.findings or not flips or checked.book.readable


def test_text_that_reads_as_infinity_in_an_amount_cell_is_a_finding(filled_workbook, edit_workbook):
    edit_workbook(filled_workbook, {"予算!C3": "1e400"})
    [checked] = check_paths([filled_workbook])
    at_c3 = [f.code for f in checked.report.findings if (f.sheet, f.cell) == ("予算", "C3")]
    assert at_c3 in (["number-invalid"], ["value-out-of-range"])
