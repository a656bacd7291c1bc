"""The VBA project of the HQ workbook: taken from the installed xlwings, never committed.

xlwings ships `quickstart_standalone.xlsm`, whose `xl/vbaProject.bin` holds the xlwings VBA
runtime (module `xlwings`: RunPython and the config lookup, including the `xlwings.conf`
sheet) and `Module1`, whose only Sub is

    Sub SampleCall()
        mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))
        RunPython "import " & mymodule & ";" & mymodule & ".main()"
    End Sub

XlsxWriter cannot edit VBA, so the 実行 button is bound to `SampleCall` and the workbook is
named `xlplan_hq.xlsm`: the RunPython target is then exactly `import xlplan_hq;
xlplan_hq.main()`, the module `build` writes beside the workbook.
"""

from __future__ import annotations

import ast
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import XlplanError
from ..install import not_installed
from ..notes import note_text

__all__ = [
    "BUTTON_SUB",
    "VbaProject",
    "defines_runpython",
    "module_sources",
    "python_target",
    "read_vba_project",
    "resolve_command",
    "runpython_commands",
    "subs",
    "xlwings_template",
]

BUTTON_SUB = "SampleCall"
VBA_PART = "xl/vbaProject.bin"
SIGNATURE_PART = "xl/vbaProjectSignature.bin"
_SUB = re.compile(r"^\s*(?:Public\s+|Private\s+)?Sub\s+(\w+)\s*\(", re.IGNORECASE | re.MULTILINE)
_RUNPYTHON = re.compile(r"^\s*(?:Call\s+)?RunPython\b(?!\s*=)\s*\(?\s*(.+?)\)?\s*$", re.IGNORECASE | re.MULTILINE)
_RUNPYTHON_FUNCTION = re.compile(r"^\s*(?:Public\s+)?Function\s+RunPython\s*\(", re.IGNORECASE | re.MULTILINE)
_STEM_OF_WORKBOOK = re.compile(
    r"^\s*(\w+)\s*=\s*Left\(ThisWorkbook\.Name,\s*\(InStrRev\(ThisWorkbook\.Name,\s*\"\.\"", re.MULTILINE
)
_TOKEN = re.compile(r'\s*(?:"((?:[^"]|"")*)"|(\w+))\s*(?:&|$)')


@dataclass(frozen=True, slots=True)
class VbaProject:
    """The binary VBA project of a macro workbook, with its signature when it is signed."""

    source: Path
    project: bytes
    signature: bytes | None = None


def xlwings_template() -> Path:
    """The standalone quickstart workbook of the installed xlwings package."""
    try:
        import xlwings
    except ImportError as error:
        missing = not_installed("xlwings", "excel")
        raise XlplanError(missing + "。", english=note_text(missing, "en") + ".") from error
    path = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    if not path.is_file():
        raise XlplanError(
            f"xlwings {xlwings.__version__} に quickstart_standalone.xlsm がありません: {path}",
            english=f"xlwings {xlwings.__version__} has no quickstart_standalone.xlsm: {path}",
        )
    return path


def read_vba_project(path: Path | None = None) -> VbaProject:
    """Read `xl/vbaProject.bin` (and its signature, if any) from a macro workbook.

    :param path: an .xlsm; by default the installed xlwings' standalone quickstart workbook.
    """
    source = path or xlwings_template()
    try:
        with zipfile.ZipFile(source) as archive:
            names = set(archive.namelist())
            if VBA_PART not in names:
                raise XlplanError(
                    f"VBAプロジェクト（{VBA_PART}）がありません: {source}",
                    english=f"No VBA project ({VBA_PART}) in {source}",
                )
            signature = archive.read(SIGNATURE_PART) if SIGNATURE_PART in names else None
            return VbaProject(source, archive.read(VBA_PART), signature)
    except (zipfile.BadZipFile, OSError) as error:
        raise XlplanError(
            f"マクロ有効ブックとして読めません: {source}（{error}）",
            english=f"Cannot be read as a macro-enabled workbook: {source} ({error})",
        ) from error


def module_sources(project: bytes) -> dict[str, str] | None:
    """The decompressed source of every VBA module, by module name; None without oletools."""
    try:
        with warnings.catch_warnings():  # its pyparsing grammar warns about deprecated names on import
            warnings.simplefilter("ignore")
            from oletools.olevba import VBA_Parser
    except ImportError:
        return None
    parser = VBA_Parser("vbaProject.bin", data=project)
    try:
        return {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()


def subs(source: str) -> list[str]:
    """The names of the Subs defined in one module's source."""
    return _SUB.findall(source)


def defines_runpython(source: str) -> bool:
    """True when a module's source defines RunPython itself (a standalone xlwings project)."""
    return _RUNPYTHON_FUNCTION.search(source) is not None


def runpython_commands(source: str) -> list[str]:
    """The VBA expressions passed to RunPython in one module's source (as written)."""
    return [m.group(1).strip() for m in _RUNPYTHON.finditer(source)]


def resolve_command(expression: str, source: str, workbook_name: str) -> str:
    """The Python command a RunPython expression runs, for a workbook of a given file name.

    Handles what the xlwings templates use: string literals joined by `&`, and variables set to
    the workbook's name without its extension (`Left(ThisWorkbook.Name, InStrRev(...) - 1)`).

    :param expression: the argument of RunPython as written in VBA.
    :param source: the module's source, where the variables are assigned.
    :param workbook_name: the file name of the workbook, e.g. xlplan_hq.xlsm.
    """
    stem = Path(workbook_name).stem
    variables = {name.lower(): stem for name in _STEM_OF_WORKBOOK.findall(source)}
    parts: list[str] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if not match or match.end() == position:
            raise ValueError(f"unsupported VBA expression: {expression!r}")
        literal, name = match.groups()
        if literal is not None:
            parts.append(literal.replace('""', '"'))
        elif name.lower() in variables:
            parts.append(variables[name.lower()])
        else:
            raise ValueError(f"unknown VBA variable {name!r} in {expression!r}")
        position = match.end()
    return "".join(parts)


def python_target(command: str) -> tuple[str, str] | None:
    """The module a RunPython command imports and the function it calls: `import m; m.f()` → (m, m.f).

    None for any other shape of command.
    """
    try:
        tree = ast.parse(command)
    except SyntaxError:
        return None
    match tree.body:
        case [ast.Import(names=[ast.alias(name=module, asname=None)]), ast.Expr(value=ast.Call(func=func))]:
            return module, ast.unparse(func)
    return None
