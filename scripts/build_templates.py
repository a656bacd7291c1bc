"""Regenerate the committed blank templates in workbook_templates/.

Run after changing the layout or the writer: `python scripts/build_templates.py`.
`tests/test_template.py` fails while a committed template differs from what this writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from xlplan.io.section_writer import TemplateOptions, write_section_workbook

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"

# file name → what is stamped into it
BLANK_TEMPLATES: dict[str, TemplateOptions] = {
    "section_template.xlsx": TemplateOptions(fiscal_year=2024),
}


def build(directory: Path = TEMPLATES) -> list[Path]:
    """Write every blank template into `directory`; return the paths written."""
    written = []
    for name, options in BLANK_TEMPLATES.items():
        written.append(write_section_workbook(directory / name, options))
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATES):
        print(path)
