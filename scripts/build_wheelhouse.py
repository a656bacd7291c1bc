"""Build the offline install kit: every wheel xlplan and its `excel` extra need, plus INSTALL.txt.

    python scripts/build_wheelhouse.py                                   # this platform and Python
    python scripts/build_wheelhouse.py --platform win_amd64 --python 3.11 3.12 3.13 -o xlplan-kit

HQ's PCs are on the closed LGWAN segment, without PyPI; xlplan is not on PyPI at all. So the kit
is built on a PC with internet access and carried over: a folder of wheels (xlplan's own, built
from this checkout, and every dependency for each target platform and Python) and INSTALL.txt
(Japanese) with the exact `pip install --no-index --find-links` commands for cmd.exe and
PowerShell. Nothing is ever built on the HQ PC: every file is a wheel.

How the set is made complete:

1. xlplan's wheel is built from the checkout (`pip wheel --no-deps`).
2. For each target, `pip download --only-binary=:all: --platform … --python-version …` fetches
   the wheels. When that fails because a dependency is published only as a source archive
   (pure Python), it is built into a wheel here, once (`pip wheel` for this platform, keeping
   only the `*-none-any` wheels, which fit every target), and the download is tried again.
3. pip evaluates environment markers for the machine it runs on, not the target
   (`pywin32; platform_system == "Windows"` would be left out on Linux), so the requirements
   of every downloaded wheel are evaluated again with the target's markers and whatever is
   missing is downloaded with the rest, until nothing is.
4. The kit is then checked as pip on the target would see it, offline: every requirement of
   xlplan[extras], followed through every wheel's metadata with the target's markers, must
   be met by a wheel in the folder whose tags the target accepts. Anything unmet is printed
   and the script exits 1.
"""

from __future__ import annotations

import argparse
import email.parser
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging import tags
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EXTRAS = ("excel",)

# Environment markers of the Windows targets (PEP 508), for the Python version filled in.
_WINDOWS = {
    "win_amd64": {"platform_machine": "AMD64"},
    "win_arm64": {"platform_machine": "ARM64"},
}


@dataclass(frozen=True, slots=True)
class Target:
    """One platform and Python version the kit must install on."""

    platform: str  # a wheel platform tag (win_amd64), or "" for this machine
    python: str  # 3.11, or "" for this interpreter

    @property
    def label(self) -> str:
        """How INSTALL.txt and the output name the target."""
        if not self.platform:
            return f"このPC（{sys.platform}、Python {_python_here()}）"
        return f"{self.platform}、Python {self.python}"

    def markers(self) -> dict[str, str]:
        """The PEP 508 marker values pip would use on the target."""
        if not self.platform:
            return dict(default_environment())
        version = self.python
        return {
            **default_environment(),
            "implementation_name": "cpython",
            "platform_python_implementation": "CPython",
            "python_version": version,
            "python_full_version": f"{version}.0",
            "implementation_version": f"{version}.0",
            "sys_platform": "win32",
            "platform_system": "Windows",
            "os_name": "nt",
            "platform_release": "10",
            "platform_version": "10.0.19045",
            **_WINDOWS[self.platform],
        }

    def tags(self) -> set[tags.Tag]:
        """The wheel tags pip accepts on the target."""
        if not self.platform:
            return set(tags.sys_tags())
        major, minor = (int(part) for part in self.python.split("."))
        found = set(tags.cpython_tags((major, minor), platforms=[self.platform]))
        found |= set(tags.compatible_tags((major, minor), interpreter=f"cp{major}{minor}", platforms=[self.platform]))
        return found

    def pip_options(self) -> list[str]:
        """`pip download` options selecting the target's wheels."""
        if not self.platform:
            return []
        nodot = self.python.replace(".", "")
        return [
            "--platform",
            self.platform,
            "--python-version",
            self.python,
            "--implementation",
            "cp",
            "--abi",
            f"cp{nodot}",
            "--abi",
            "abi3",
            "--abi",
            "none",
        ]


def _python_here() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


class PipFailed(RuntimeError):
    """pip exited non-zero; the message holds the end of its output."""


def pip(*args: str) -> None:
    """Run pip of this interpreter; raise PipFailed with its output when it fails."""
    done = subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise PipFailed(f"pip {args[0]} failed (exit {done.returncode}):\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def build_xlplan_wheel(folder: Path) -> Path:
    """xlplan's wheel, built from this checkout into `folder`."""
    pip("wheel", "--no-deps", "--quiet", "--wheel-dir", str(folder), str(ROOT))
    [wheel] = sorted(folder.glob("xlplan-*.whl"))
    return wheel


def build_source_only(requirement: str, kit: Path) -> None:
    """Wheels for what this platform needs, so that pure-Python sdists become wheels; keep those."""
    with tempfile.TemporaryDirectory(prefix="xlplan-wheels-") as work:
        pip("wheel", "--quiet", "--wheel-dir", work, "--find-links", str(kit), requirement)
        for wheel in Path(work).glob("*.whl"):
            if wheel.name.endswith("-none-any.whl") and not (kit / wheel.name).exists():
                shutil.copy2(wheel, kit / wheel.name)


def download(target: Target, requirements: Iterable[str], kit: Path) -> None:
    """`pip download` the wheels of `requirements` for `target` into the kit (wheels only)."""
    pip(
        "download",
        "--quiet",
        "--only-binary=:all:",
        "--dest",
        str(kit),
        "--find-links",
        str(kit),
        *target.pip_options(),
        *requirements,
    )


def wheel_requirements(wheel: Path) -> list[Requirement]:
    """The Requires-Dist lines of a wheel."""
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if re.fullmatch(r"[^/]+\.dist-info/METADATA", n)]
        metadata = email.parser.Parser().parsestr(archive.read(name).decode("utf-8"))
    return [Requirement(line) for line in metadata.get_all("Requires-Dist") or []]


def unmet(kit: Path, top: Requirement, target: Target) -> list[str]:
    """What pip on the target, offline, would not find in the kit for `top` (empty: complete).

    Follows the requirements through the wheels' metadata with the target's markers, taking for
    each project the newest wheel whose version fits and whose tags the target accepts.
    """
    accepted = target.tags()
    wheels: dict[str, list[tuple[object, Path]]] = {}
    for path in kit.glob("*.whl"):
        name, version, _, wheel_tags = parse_wheel_filename(path.name)
        if wheel_tags & accepted:
            wheels.setdefault(name, []).append((version, path))
    environment = target.markers()
    missing: list[str] = []
    seen: set[tuple[str, frozenset[str]]] = set()
    queue = [(top, frozenset(top.extras))]
    while queue:
        requirement, extras = queue.pop()
        name = canonicalize_name(requirement.name)
        key = (name, extras)
        if key in seen:
            continue
        seen.add(key)
        fitting = sorted(
            ((v, p) for v, p in wheels.get(name, []) if requirement.specifier.contains(v, prereleases=True)),
            key=lambda pair: pair[0],
        )
        if not fitting:  # named without its marker: pip would evaluate it for this machine, not the target
            wanted = (
                f"{requirement.name}[{','.join(sorted(requirement.extras))}]"
                if requirement.extras
                else requirement.name
            )
            missing.append(f"{wanted}{requirement.specifier}")
            continue
        for child in wheel_requirements(fitting[-1][1]):
            contexts = [{**environment, "extra": extra} for extra in extras] or [{**environment, "extra": ""}]
            if child.marker is None or any(child.marker.evaluate(c) for c in contexts):
                queue.append((child, frozenset(child.extras)))
    return sorted(missing)


def complete(kit: Path, top: Requirement, spec: str, target: Target) -> list[str]:
    """Download the target's wheels until the kit meets every requirement (at most a few rounds)."""
    extra: list[str] = []
    for _ in range(6):
        try:
            download(target, [spec, *extra], kit)
        except PipFailed:  # a source-only dependency, most likely: make its wheel here, then retry
            build_source_only(spec, kit)
            download(target, [spec, *extra], kit)
        missing = unmet(kit, top, target)
        if not missing or set(missing) <= set(extra):
            return missing
        extra = sorted(set(extra) | set(missing))
    return unmet(kit, top, target)


def _targets_text(targets: list[Target]) -> str:
    """「Windows 64ビット（win_amd64）: Python 3.11 / 3.12」, one group per platform."""
    names = {"win_amd64": "Windows 64ビット（win_amd64）", "win_arm64": "Windows ARM64（win_arm64）"}
    groups: dict[str, list[str]] = {}
    for target in targets:
        platform = names.get(target.platform, target.platform) or f"このPCと同じ環境（{sys.platform}）"
        groups.setdefault(platform, []).append(target.python or _python_here())
    return "、".join(f"{platform}: Python {' / '.join(versions)}" for platform, versions in groups.items())


def install_text(kit: Path, wheel: Path, extras: tuple[str, ...], targets: list[Target]) -> str:
    """INSTALL.txt: what the kit is and the exact commands (cmd.exe and PowerShell)."""
    version = parse_wheel_filename(wheel.name)[1]
    requirement = f"xlplan[{','.join(extras)}]" if extras else "xlplan"
    pythons = sorted({t.python or _python_here() for t in targets})
    command = f'py -m pip install --no-index --find-links . "{requirement}"'
    lines = [
        f"xlplan {version} オフラインインストールキット",
        "=" * 40,
        "",
        "インターネットにつながらないPC（LGWAN系）に xlplan を入れるための一式です。",
        f"中身: このフォルダの .whl ファイル {len(list(kit.glob('*.whl')))} 個（xlplan と、必要なパッケージすべて）。",
        "対象: " + _targets_text(targets),
        "",
        "1. Python を入れる（まだなら）",
        f"   Python {' / '.join(pythons)} のどれかを、python.org の Windows 用インストーラで入れます",
        "   （インストーラもインターネットにつながるPCで入手して持ち込みます）。",
        "   「Add python.exe to PATH」に印を付けてください。",
        "",
        "2. このフォルダをPCにコピーする（例: D:\\xlplan-kit）。",
        "",
        "3. コマンドプロンプト（cmd.exe）で、次の2行を実行する:",
        "",
        '   cd /d "D:\\xlplan-kit"',
        f"   {command}",
        "",
        "   PowerShell なら:",
        "",
        '   Set-Location "D:\\xlplan-kit"',
        f"   {command}",
        "",
        "   py が見つからないと表示されたら、py の部分を python に置き換えます"
        f'（python -m pip install --no-index --find-links . "{requirement}"）。',
        f"   Python が複数あるときは、対象の版（{' / '.join(pythons)}）を py -{pythons[-1]} のように指定します。",
        f'   Linux・macOS では: python3 -m pip install --no-index --find-links . "{requirement}"',
        "   --no-index によって、インターネットには一切接続しません。",
        "",
        "4. 確かめる:",
        "",
        "   xlplan --version",
        '   xlplan demo --no-pdf -o "C:\\xlplan\\demo"',
        "",
        "   xlplan が見つからないと表示されたら、xlplan の代わりに py -m xlplan と入力します。",
        "",
        "5. 本部用のExcelブックを作る（README の「Windows: step by step」）:",
        "",
        '   xlplan excel init "C:\\xlplan\\本部"',
        "",
        "新しい版に更新するときは、新しいキットのフォルダで次を実行し、本部用ブックを作り直します:",
        "",
        f'   py -m pip install --upgrade --no-index --find-links . "{requirement}"',
        '   xlplan excel init "C:\\xlplan\\本部" --force',
        "",
    ]
    return "\r\n".join(lines)  # Notepad on older Windows shows LF-only files on one line


def main(argv: list[str] | None = None) -> int:
    """Build the kit; exit 1 when a target's set is incomplete."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, default=Path("xlplan-kit"), help="the kit folder")
    parser.add_argument("--platform", nargs="*", default=[], choices=sorted(_WINDOWS), help="Windows wheel platforms")
    parser.add_argument("--python", nargs="*", default=[], help="Python versions for --platform (3.11 3.12 3.13)")
    parser.add_argument("--extras", nargs="*", default=list(DEFAULT_EXTRAS), help="xlplan extras (default: excel)")
    parser.add_argument("--no-current", action="store_true", help="leave out this platform's wheels")
    args = parser.parse_args(argv)
    if args.platform and not args.python:
        parser.error("--platform needs --python (e.g. --python 3.11 3.12 3.13)")
    targets = [Target(p, v) for p in args.platform for v in args.python]
    if not args.no_current and not args.platform:
        targets.insert(0, Target("", ""))
    kit: Path = args.output
    kit.mkdir(parents=True, exist_ok=True)
    wheel = build_xlplan_wheel(kit)
    extras = tuple(args.extras)
    top = Requirement(f"xlplan[{','.join(extras)}]" if extras else "xlplan")
    spec = f"{wheel}[{','.join(extras)}]" if extras else str(wheel)
    failed = False
    for target in targets:
        try:
            missing = complete(kit, top, spec, target)
        except PipFailed as error:
            print(f"{target.label}: {error}", file=sys.stderr)
            missing = ["(pip failed)"]
        print(f"{target.label}: {'complete' if not missing else 'MISSING ' + ', '.join(missing)}")
        failed |= bool(missing)
    (kit / "INSTALL.txt").write_text(install_text(kit, wheel, extras, targets), encoding="utf-8-sig")
    wheels = sorted(kit.glob("*.whl"))
    size = sum(p.stat().st_size for p in wheels) / 1e6
    print(f"{kit}: {len(wheels)} wheels, {size:.1f} MB, INSTALL.txt")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
