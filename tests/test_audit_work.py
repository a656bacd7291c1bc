"""The near-duplicate check compares summaries a number of times that grows with the group, not its square.

A city-sized plan can hold one business under many sections (the bench's 2,000 sections hold
45 copies of each sample measure): each member's closest summary is found once per pair of
distinct texts, and says what comparing it with every other member says.
"""

from __future__ import annotations

from dataclasses import replace

from xlplan.core.audit import audit_plan, duplicates
from xlplan.core.findings import Code
from xlplan.sample import load_sample_plan


def _plan_with_copies(copies: int):
    plan = load_sample_plan()
    base = next(m for m in plan.measures if len(m.summary) > 20)
    measures = [
        replace(base, measure_id=f"M-{900 + n}", primary_section=f"第{n}課", co_sections=(), kpis=(), milestones=())
        for n in range(copies)
    ]
    measures[1] = replace(measures[1], summary=base.summary + "（令和7年度から）")  # worded a little apart
    measures[2] = replace(measures[2], summary="別の言い方で" + base.summary)
    return replace(plan, measures=(*plan.measures, *measures)), {m.measure_id: m for m in measures}


def _near_duplicates(copies: int, monkeypatch) -> tuple[int, list, dict]:
    calls = 0
    compare = duplicates._text_similarity

    def counted(left: str, right: str) -> float:
        nonlocal calls
        calls += 1
        return compare(left, right)

    plan, added = _plan_with_copies(copies)
    monkeypatch.setattr(duplicates, "_text_similarity", counted)
    found = [f for f in audit_plan(plan) if f.code is Code.AUDIT_NEAR_DUPLICATE and f.value in added]
    monkeypatch.undo()
    return calls, found, added


def test_summaries_are_compared_a_number_of_times_linear_in_the_group(monkeypatch):
    counts = {}
    for copies in (10, 20, 40):
        calls, found, _ = _near_duplicates(copies, monkeypatch)
        assert len(found) == copies  # every copy is one group
        counts[copies] = calls
    assert counts[40] - counts[20] <= 2 * (counts[20] - counts[10])  # every pair would be 4×


def test_each_member_names_the_closest_summary_of_the_others(monkeypatch):
    _, found, added = _near_duplicates(10, monkeypatch)
    for finding in found:
        measure = added[finding.value]
        closest = max(duplicates.summary_similarity(measure, m) for m in added.values() if m is not measure)
        assert dict(finding.params)["similarity"] == f"{closest:.0%}"
    assert {dict(f.params)["similarity"] for f in found} != {"100%"}  # the reworded two are not 100%
