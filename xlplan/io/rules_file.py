"""Read a grade rules file (TOML) into `GradeRules`; Akita's `xlplan/rules/akita.toml` by default."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path

from ..core.grading.rules import GradeRules
from ..errors import XlplanError

__all__ = ["DEFAULT_RULES", "load_rules", "rules_text"]

DEFAULT_RULES = "akita.toml"


def rules_text(path: Path | None = None) -> str:
    """The text of a rules file (the bundled default when `path` is None).

    :raises XlplanError: when the file cannot be read.
    """
    if path is None:
        return resources.files("xlplan.rules").joinpath(DEFAULT_RULES).read_text(encoding="utf-8")
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise XlplanError(
            f"評価基準ファイル {path} が見つかりません。パスを確認してください。",
            english=f"The rules file {path} is not there. Check the path.",
        ) from None
    except UnicodeDecodeError:
        raise XlplanError(
            f"評価基準ファイル {path} を UTF-8 のテキストとして読めません。UTF-8 で保存し直してください。",
            english=f"The rules file {path} cannot be read as UTF-8 text. Save it again as UTF-8.",
        ) from None
    except OSError as error:
        raise XlplanError(
            f"評価基準ファイル {path} を読めません（{error.strerror or error}）。",
            english=f"The rules file {path} cannot be read ({error.strerror or error}).",
        ) from None


def load_rules(path: Path | None = None) -> GradeRules:
    """Load grade rules from a TOML file; None loads the bundled Akita rules.

    :param path: a copy of `xlplan/rules/akita.toml` edited for another city, or None.
    :raises XlplanError: when the file is missing, is not TOML, or holds a value not allowed
        (the message says which key and what to write).
    """
    name = str(path) if path is not None else DEFAULT_RULES
    text = rules_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise XlplanError(
            f"評価基準ファイル {name} を TOML として読めません（{error}）。",
            english=f"The rules file {name} cannot be read as TOML ({error}).",
        ) from None
    try:
        return GradeRules.from_dict(data)
    except XlplanError as error:
        raise XlplanError(
            f"評価基準ファイル {name}: {error}", english=f"Rules file {name}: {error.message('en')}"
        ) from None
