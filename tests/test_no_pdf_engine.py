"""A fresh machine with nothing but Python: no LibreOffice anywhere, no Excel. Demo and report still succeed."""

from __future__ import annotations

from click.testing import CliRunner

from xlplan.cli.main import cli

NOTE = "施策カードのPDFは作成していません"


def test_demo_and_report_write_everything_but_the_pdf_and_exit_0(tmp_path, no_pdf_engine):
    out = tmp_path / "demo"
    demo = CliRunner().invoke(cli, ["demo", "-o", str(out)])
    assert demo.exit_code == 0, demo.output
    assert demo.output.count(NOTE) == 1
    assert "LibreOffice" in demo.output and "--no-pdf" in demo.output
    assert len(list((out / "sections").glob("*.xlsx"))) == 44
    assert len(list((out / "graded").glob("*.xlsx"))) == 44
    assert (out / "master.xlsx").stat().st_size > 0
    report = out / "report"
    assert "M-060" in (report / "report.html").read_text(encoding="utf-8")
    assert "cards.pdf" not in (report / "report.html").read_text(encoding="utf-8")
    assert not (report / "cards.pdf").exists()
    csvs = sorted(p.name for p in report.glob("*.csv"))
    assert len(csvs) >= 3 and all((report / name).read_bytes().startswith(b"\xef\xbb\xbf") for name in csvs)

    pack = tmp_path / "pack"
    result = CliRunner().invoke(cli, ["report", str(out / "master.xlsx"), "-o", str(pack)])
    assert result.exit_code == 0, result.output
    assert result.output.count(NOTE) == 1
    assert (pack / "report.html").exists() and not (pack / "cards.pdf").exists()
    assert sorted(p.name for p in pack.glob("*.csv")) == csvs

    asked = CliRunner().invoke(
        cli, ["report", str(out / "master.xlsx"), "-o", str(pack), "--pdf-engine", "libreoffice"]
    )
    assert asked.exit_code == 0 and "LibreOffice が見つかりません" in asked.output
    quiet = CliRunner().invoke(cli, ["report", str(out / "master.xlsx"), "-o", str(pack), "--no-pdf"])
    assert quiet.exit_code == 0 and NOTE not in quiet.output
