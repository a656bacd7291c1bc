"""What writing every section's pre-filled workbook costs grows with the sections, never faster.

`revise` on a city-sized master writes thousands of workbooks: the shares are found in one
pass over the plan (not one pass per section), the grade rules are read once (not once per
workbook), and the stale-temporary sweep beside each output does not match every file already
written. Work is counted, not timed; the split is also checked against its plain definition.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from xlplan.app import prefill
from xlplan.app.sections import _reference_only, split_by_section
from xlplan.core.model import BudgetProject, Plan
from xlplan.io import atomic, section_writer
from xlplan.sample import load_sample_plan


def _split_by_definition(plan: Plan) -> list[tuple[str, tuple, tuple]]:
    """The split as the docstring defines it, section by section over the whole plan."""
    order: list[str] = []
    for measure in plan.measures:
        for section in measure.sections:
            if section not in order:
                order.append(section)

    def owner(project: BudgetProject) -> str:
        if project.section:
            return project.section
        first = plan.measure(project.measure_ids[0]) if project.measure_ids else None
        return first.primary_section if first else ""

    order += [s for s in dict.fromkeys(owner(p) for p in plan.projects) if s not in order]
    return [
        (
            section,
            tuple(
                m if m.primary_section == section else _reference_only(m)
                for m in plan.measures
                if section in m.sections
            ),
            tuple(p for p in plan.projects if owner(p) == section),
        )
        for section in order
    ]


def _awkward_plan() -> Plan:
    """The sample with a project owned only through its measure, one owned by a section with no
    measure, and a measure naming its primary owner among its co-owners too."""
    plan = load_sample_plan()
    first, *rest = plan.projects
    projects = [replace(first, section=""), replace(rest[0], section="会計課（事業のみ）"), *rest[1:]]
    measures = list(plan.measures)
    measures[1] = replace(measures[1], co_sections=(measures[1].primary_section, *measures[1].co_sections))
    return replace(plan, measures=tuple(measures), projects=tuple(projects))


@pytest.mark.parametrize("plan", [load_sample_plan(), _awkward_plan()], ids=["sample", "awkward"])
def test_the_one_pass_split_is_the_split_by_definition(plan):
    found = [(s.section, s.measures, s.projects) for s in split_by_section(plan)]
    assert found == _split_by_definition(plan)


def test_the_split_reads_each_measure_once_whatever_the_sections(monkeypatch):
    plan = load_sample_plan()
    sections = len(split_by_section(plan))
    reads = 0
    original = type(plan.measures[0]).sections

    def counted(measure):
        nonlocal reads
        reads += 1
        return original.fget(measure)

    monkeypatch.setattr(type(plan.measures[0]), "sections", property(counted))
    split_by_section(plan)
    assert sections > 10
    assert reads == len(plan.measures)  # one look at each measure's owners, not one per section


def test_every_workbook_of_a_revision_reads_the_rules_once(tmp_path: Path, monkeypatch):
    loads = {"prefill": 0, "writer": 0}
    for module, key in ((prefill, "prefill"), (section_writer, "writer")):
        real = module.load_rules

        def counted(*args, _real=real, _key=key, **kwargs):
            loads[_key] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, "load_rules", counted)
    swept = 0
    real_match = atomic._TEMPORARY.match

    class CountingPattern:
        def match(self, name: str) -> re.Match[str] | None:
            nonlocal swept
            swept += 1
            return real_match(name)

    monkeypatch.setattr(atomic, "_TEMPORARY", CountingPattern())
    plan = load_sample_plan()
    written = prefill.write_section_workbooks(plan, tmp_path / "sections", blank_rows=2)
    assert len(written) == len(split_by_section(plan)) > 10
    assert loads == {"prefill": 1, "writer": 0}
    # Only hidden names can be a temporary of ours: the workbooks already written are not matched.
    assert swept <= len(written)
