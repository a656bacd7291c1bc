"""Hostile and broken packages: every one ends as a finding with a Japanese message, never a traceback.

Each case is built from the real filled section workbook by `tests/corpus.py`, checked with
`xlplan check --json`, and must leave the input byte-identical.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import msoffcrypto.format.ooxml
import pytest
from click.testing import CliRunner

from tests import corpus
from tests.conftest import sha256
from xlplan.cli.main import cli
from xlplan.io.reader import read_section_workbook
from xlplan.io.xlsx.limits import MIB, InputRefused, ReadLimits, check_members, inflate, open_package
from xlplan.io.xlsx.probe import FileKind, Probe, probe_file

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def run_check(path: Path, *extra: str) -> tuple[int, dict]:
    """`xlplan check --json` on one file; the report of that file."""
    result = CliRunner().invoke(cli, ["check", "--json", *extra, str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    [report] = json.loads(result.stdout)["files"]
    return result.exit_code, report


def found(report: dict) -> list[tuple[str, str, str]]:
    return [(f["sheet"], f["cell"], f["code"]) for f in report["findings"]]


def base() -> bytes:
    return corpus.base_workbook()


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _no_end_record(data: bytes) -> bytes:
    return data[:-10]


def _xlsm(data: bytes) -> bytes:
    """A VBA project part and the macro-enabled content type (what Excel writes for .xlsm)."""
    types = corpus.members(data)["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    ).replace("spreadsheetml.sheet.main+xml", "ms-excel.sheet.macroEnabled.main+xml")
    vba = corpus.member("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not run, never parsed")
    return corpus.rebuild(data, {"[Content_Types].xml": types.encode()}, [vba])


def _excel4_macro_sheet(data: bytes) -> bytes:
    """An Excel 4.0 (XLM) macro sheet part: the macro format still used in phishing."""
    sheet = b'<xm:macrosheet xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>'
    return corpus.rebuild(data, extra=[corpus.member("xl/macrosheets/sheet1.xml", sheet)])


def _laughs_in_sheet(data: bytes) -> bytes:
    return corpus.entity_bomb(data, corpus.sheet_part(data, "KPI"))


CSV = "施策ID,施策名\nM-001,オンライン化\n".encode("cp932")

PACKAGES: list[tuple[str, Callable[[bytes], bytes], list[tuple[str, str, str]], str]] = [
    # (case, build, findings, a word the message must contain)
    ("truncated zip", _truncated, [("", "", "file-unreadable")], "読み込めません"),
    ("zip without its end record", _no_end_record, [("", "", "file-unreadable")], "読み込めません"),
    ("corrupt compressed data", corpus.corrupt_member, [("", "", "file-unreadable")], "読み込めません"),
    ("zip bomb: 3 GiB of spaces in a sheet", corpus.zip_bomb, [("", "", "zip-bomb")], "3.0 GB"),
    ("zip bomb: 10 MB of zeros in 10 KB", corpus.small_bomb, [("", "", "zip-bomb")], "圧縮率"),
    ("zip bomb: header lies about the size", corpus.lying_header, [("", "", "zip-bomb")], "偽装"),
    ("zip bomb: overlapping parts", corpus.overlapping, [("", "", "zip-bomb")], "重なって"),
    ("two parts with one name", corpus.duplicate_member, [("", "", "file-unreadable")], "重複"),
    ("5,000 parts", corpus.many_parts, [("", "", "file-too-large")], "部品の数"),
    ("zip-encrypted part", corpus.encrypted_member, [("", "", "file-encrypted")], "パスワード"),
    ("bzip2-compressed part", corpus.bzip2_member, [("", "", "file-unreadable")], "圧縮方式"),
    ("billion laughs in workbook.xml", corpus.entity_bomb, [("", "", "xml-entities")], "xl/workbook.xml"),
    ("billion laughs in a sheet", _laughs_in_sheet, [("", "", "xml-entities")], "DOCTYPE"),
    ("external entity (XXE)", corpus.external_entity, [("", "", "xml-entities")], "DOCTYPE"),
    ("DOCTYPE in a UTF-16 part", corpus.utf16_doctype, [("", "", "xml-entities")], "DOCTYPE"),
    ("150 sheets", corpus.many_sheets, [("", "", "file-too-large")], "シートの数"),
    ("one shared string in 20,000 cells", corpus.shared_string_bomb, [("", "", "file-too-large")], "文字数"),
    ("an .ods renamed .xlsx", lambda _: corpus.fake_ods(), [("", "", "file-ods")], "OpenDocument"),
    ("an .xls renamed .xlsx", lambda _: corpus.fake_xls(), [("", "", "file-xls")], ".xls"),
    ("a .csv renamed .xlsx", lambda _: CSV, [("", "", "file-csv")], "CSV"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "expected", "word"), [p[1:] for p in PACKAGES], ids=[p[0] for p in PACKAGES])
def test_a_hostile_or_broken_package_is_one_finding(tmp_path, build, expected, word):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(build(base()))
    before = sha256(path)

    code, report = run_check(path)

    assert code == 1
    assert found(report) == expected
    assert report["skipped"] is True
    [finding] = report["findings"]
    assert JAPANESE.search(finding["message"]) and word in finding["message"], finding["message"]
    assert sha256(path) == before


@pytest.mark.parametrize("build", [_xlsm, _excel4_macro_sheet], ids=["vba project", "excel 4.0 macro sheet"])
def test_macros_are_never_run_and_the_data_is_still_read(tmp_path, build):
    path = tmp_path / "マクロ付き.xlsx"
    path.write_bytes(build(base()))
    before = sha256(path)
    code, report = run_check(path)
    assert code == 0
    assert [(f["code"], f["severity"]) for f in report["findings"]] == [("file-has-macros", "warning")]
    assert report["skipped"] is False
    assert sha256(path) == before


def test_a_password_encrypted_workbook(tmp_path):
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(base())
    path = tmp_path / "暗号化.xlsx"
    with plain.open("rb") as source, path.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(source).encrypt("secret", out)
    before = sha256(path)
    _, report = run_check(path)
    assert found(report) == [("", "", "file-encrypted")]
    assert sha256(path) == before


def test_a_file_over_the_size_limit_is_not_even_read(tmp_path, monkeypatch):
    path = tmp_path / "巨大.xlsx"
    with path.open("wb") as handle:
        handle.truncate(21 * MIB)  # sparse: 21 MB on paper, nothing on disk
    reads: list[int] = []
    real_fdopen = os.fdopen

    class Recorder:
        def __init__(self, handle: BinaryIO) -> None:
            self.handle = handle

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *_: object) -> None:
            self.handle.close()

        def fileno(self) -> int:
            return self.handle.fileno()

        def read(self, size: int = -1) -> bytes:
            reads.append(size)
            return self.handle.read(size)

    monkeypatch.setattr("xlplan.io.xlsx.limits.os.fdopen", lambda fd, mode: Recorder(real_fdopen(fd, mode)))
    _, report = run_check(path)
    assert found(report) == [("", "", "file-too-large")]
    assert "21.0 MB" in report["findings"][0]["message"] and "20.0 MB" in report["findings"][0]["message"]
    assert reads == []  # refused from its size, before a byte was read


def test_a_named_pipe_called_xlsx_does_not_hang_the_run(tmp_path):
    path = tmp_path / "pipe.xlsx"
    os.mkfifo(path)
    _, report = run_check(path)
    assert found(report) == [("", "", "file-unreadable")]
    assert "通常のファイルではありません" in report["findings"][0]["message"]


def test_the_probe_alone_does_not_block_on_a_named_pipe(tmp_path):
    path = tmp_path / "pipe.xlsx"
    os.mkfifo(path)
    assert probe_file(path) == Probe(FileKind.UNREADABLE, "通常のファイルではありません")


def test_limits_come_from_the_command_line(tmp_path):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(corpus.far_cell(base(), "S150"))  # one value at S150: fine by default
    assert run_check(path)[0] == 0
    code, report = run_check(path, "--max-rows", "120")
    assert code == 1
    assert found(report) == [("KPI", "S150", "too-many-rows")]
    assert "120" in report["findings"][0]["message"]
    _, report = run_check(path, "--max-file-mb", "0.01")
    assert found(report) == [("", "", "file-too-large")]


def test_a_bad_limit_on_the_command_line_is_a_usage_error(tmp_path):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(base())
    result = CliRunner().invoke(cli, ["check", "--max-rows", "0", str(path)])
    assert result.exit_code == 2
    assert "--max-rows" in result.output


def test_limits_must_be_positive():
    with pytest.raises(ValueError, match="max_rows"):
        ReadLimits(max_rows=0)


def test_inflate_stops_at_the_first_byte_past_a_lying_header():
    data = corpus.lying_header(base())
    limits = ReadLimits()
    archive = open_package(data, limits)
    spans = {name: span for name, span in check_members(archive, data, limits).items() if "media" in name}
    produced = 0
    with pytest.raises(InputRefused) as refused:
        for chunk in inflate(data, spans["xl/media/image1.png"], limits.max_uncompressed_bytes):
            produced += len(chunk)
    assert refused.value.code == "zip-bomb"
    assert produced <= 1024  # never more than the header declared


def test_the_reader_returns_the_same_findings_as_the_command(tmp_path):
    path = tmp_path / "提出.xlsx"
    path.write_bytes(corpus.zip_bomb(base()))
    book = read_section_workbook(path)
    assert book.readable is False
    assert [(f.sheet, f.cell, f.code) for f in book.findings] == [("", "", "zip-bomb")]
    assert book.sha256 == sha256(path)  # what was refused is still identified
