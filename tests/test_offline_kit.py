"""The offline install kit: built here from the registry, installed with the network cut, then used.

This is what an HQ PC on the LGWAN gets: `pip install --no-index --find-links KIT "xlplan[excel]"`
into a fresh environment with nothing but Python, then the README's first command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _offline_env(tmp: Path) -> dict[str, str]:
    """No pip configuration (no find-links or index of this machine) and no way out to the network."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith(("PIP_", "NO_PROXY"))}
    dead = "http://127.0.0.1:9"  # the discard port: any download attempt fails at once
    env.update(PIP_CONFIG_FILE=os.devnull, HTTP_PROXY=dead, HTTPS_PROXY=dead, http_proxy=dead, https_proxy=dead)
    empty = tmp / "empty-path"  # no LibreOffice, no Chromium: only the new environment's commands
    empty.mkdir(exist_ok=True)
    env["PATH"] = str(empty)
    env.pop("VIRTUAL_ENV", None)
    return env


def test_the_kit_installs_offline_and_runs_the_demo(tmp_path):
    kit = tmp_path / "xlplan-kit"
    built = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_wheelhouse.py"), "-o", str(kit)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    assert ": complete" in built.stdout
    [wheel] = kit.glob("xlplan-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "xlplan/rules/akita.toml" in names
    install = (kit / "INSTALL.txt").read_text(encoding="utf-8-sig")
    assert 'py -m pip install --no-index --find-links . "xlplan[excel]"' in install
    assert 'cd /d "D:\\xlplan-kit"' in install and 'Set-Location "D:\\xlplan-kit"' in install

    env_dir = tmp_path / "fresh"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = _offline_env(tmp_path)
    python = str(bin_dir / "python")
    done = subprocess.run(
        [python, "-m", "pip", "install", "--no-index", "--find-links", str(kit), "xlplan[excel]"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    xlplan = str(bin_dir / "xlplan")

    version = subprocess.run([xlplan, "--version"], capture_output=True, text=True, env=env, check=True)
    assert version.stdout.startswith("xlplan, version 0.1.0\n評価基準ファイル: " + str(env_dir))

    out = tmp_path / "demo"
    demo = subprocess.run([xlplan, "demo", "--no-pdf", "-o", str(out)], capture_output=True, text=True, env=env)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "進捗評価: 67 施策を算定、自己評価と一致 67/67 施策" in demo.stdout
    assert len(list((out / "sections").glob("*.xlsx"))) == 44
    assert (out / "master.xlsx").is_file() and (out / "report" / "report.html").is_file()

    template = subprocess.run(
        [xlplan, "template", "-o", str(tmp_path / "様式.xlsx"), "--section", "企画財政部情報統計課"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert template.returncode == 0, template.stdout + template.stderr
    assert (tmp_path / "様式.xlsx").stat().st_size > 0
    imports = subprocess.run([python, "-c", "import xlwings, xlsxwriter"], env=env)
    assert imports.returncode == 0  # the excel extra came from the kit too
