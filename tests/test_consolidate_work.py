"""Consolidation's work grows with the files, not with their pairs: counted, not timed.

pandera runs once per sheet kind however many workbooks come in, and merging compares a row
only with the first copy of its measure or project: twice the files, at most twice the
comparisons.
"""

from __future__ import annotations

import shutil

import xlplan_validators
from tests.consolidate_helpers import sample_sections
from xlplan.app.consolidate import consolidate
from xlplan.core.master import merge


def _work(paths, output, monkeypatch) -> dict[str, int]:
    counts = {"pandera": 0, "comparisons": 0}

    class Counted:
        def __init__(self, model):
            self.model = model

        def validate(self, *args, **kwargs):
            counts["pandera"] += 1
            return self.model.validate(*args, **kwargs)

    schemas = {key: Counted(model) for key, model in xlplan_validators.SCHEMAS.items()}
    monkeypatch.setattr(xlplan_validators, "SCHEMAS", schemas)
    compare = merge.compare_rows

    def counted_compare(*args, **kwargs):
        counts["comparisons"] += 1
        return compare(*args, **kwargs)

    monkeypatch.setattr(merge, "compare_rows", counted_compare)
    result = consolidate(paths, output, jobs=1, cards=False)
    monkeypatch.undo()
    counts["files"] = sum(1 for i in result.inputs if i.status == "merged")
    return counts


def test_pandera_runs_per_sheet_kind_and_comparisons_grow_linearly(tmp_path_factory, tmp_path, monkeypatch):
    returned = sample_sections(tmp_path_factory)
    once = _work([returned], tmp_path / "once.xlsx", monkeypatch)
    copies = [returned]
    for name in ("again", "third"):  # every section sends its workbook a second, a third time
        copies.append(shutil.copytree(returned, tmp_path / name))
    twice = _work(copies[:2], tmp_path / "twice.xlsx", monkeypatch)
    thrice = _work(copies, tmp_path / "thrice.xlsx", monkeypatch)

    assert (once["files"], twice["files"], thrice["files"]) == (44, 88, 132)
    assert once["pandera"] == twice["pandera"] == thrice["pandera"] <= len(xlplan_validators.SCHEMAS)
    # each further copy is compared with the first copy only: the same number of comparisons
    # for the third copy as for the second (pairwise comparing would add twice as many)
    assert thrice["comparisons"] - twice["comparisons"] == twice["comparisons"] - once["comparisons"] > 0
