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


def _two_businesses(copies: int):
    """One place and name ending, two different businesses (summaries), each in `copies` sections:
    what the bench's replicated plan holds in every bucket (two 「…の導入」 of different tasks)."""
    plan = load_sample_plan()
    base = next(m for m in plan.measures if len(m.summary) > 20)
    other = replace(base, name="別業務" + base.name, summary="まったく別の業務の概要です。" * 3)
    measures = [
        replace(kind, measure_id=f"M-{900 + 2 * n + k}", primary_section=f"第{n}課", co_sections=(), kpis=())
        for n in range(copies)
        for k, kind in enumerate((base, other))
    ]
    return replace(plan, measures=tuple(measures))


def test_copies_of_two_businesses_compare_each_pair_of_texts_once(monkeypatch):
    """Two businesses in b sections each: b² pairs of members, but two distinct texts, so the
    number of summary comparisons does not grow with b (it was b², 30 s at 2,000 sections)."""
    counts = {}
    for copies in (5, 40):
        calls = 0
        compare = duplicates._text_similarity

        def counted(left: str, right: str, _compare=compare) -> float:
            nonlocal calls
            calls += 1
            return _compare(left, right)

        monkeypatch.setattr(duplicates, "_text_similarity", counted)
        groups = duplicates.near_duplicate_groups(_two_businesses(copies).measures, 8, 0.75)
        monkeypatch.undo()
        assert sorted(len(g) for g in groups) == [copies, copies]  # the businesses stay apart
        counts[copies] = calls
    assert counts[40] == counts[5] <= 4  # each ordered pair of the two texts at most once


def test_a_finding_names_at_most_so_many_other_members():
    """g findings naming g-1 IDs each grow with g²; past LISTED_IDS the rest is a count."""
    found = [f for f in audit_plan(_two_businesses(60)) if f.code is Code.AUDIT_NEAR_DUPLICATE]
    assert len(found) == 120
    for finding in found:
        others = dict(finding.params)["others"]
        assert others.count("M-") == duplicates.LISTED_IDS
        assert others.endswith(f" ほか {59 - duplicates.LISTED_IDS} 件")
        assert dict(finding.params)["others_en"].endswith(f" and {59 - duplicates.LISTED_IDS} more")
        assert finding.value not in others.removesuffix(f" ほか {59 - duplicates.LISTED_IDS} 件").split("、")
