"""The core is pure: it imports no file, spreadsheet, CLI or dataframe library and opens no file."""

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "xlplan" / "core"
FORBIDDEN = {
    "openpyxl",
    "python_calamine",
    "xlwings",
    "click",
    "pandas",
    "pandera",
    "rich",
    "xlsxwriter",
    "msoffcrypto",
    "zipfile",
    "shutil",
    "subprocess",
    "tempfile",
    "io",
    "os",
    "pathlib",
}


@pytest.mark.parametrize("module", sorted(CORE.rglob("*.py")), ids=lambda p: str(p.relative_to(CORE)))
def test_core_module_does_no_io(module):
    tree = ast.parse(module.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            imported.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id != "open", f"{module.name} opens a file"
    assert not imported & FORBIDDEN, f"{module.name} imports {imported & FORBIDDEN}"


def test_the_check_sees_the_core_modules():
    assert len(list(CORE.rglob("*.py"))) >= 40
