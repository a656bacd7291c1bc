"""The plan's order of measures and budget projects (pure).

The list table of the plan groups measures under their hierarchy (体系); IDs are stable but
new measures get new IDs at the end, so order comes from the hierarchy first and IDs second.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from ..model import BudgetProject, Measure

__all__ = ["id_sort_key", "plan_order", "project_order"]

_ID_NUMBER = re.compile(r"(\d+)")


def id_sort_key(identifier: str) -> tuple[object, ...]:
    """Natural order of IDs: M-2 < M-010 < M-0100, P-001-2 < P-001-10."""
    return tuple(int(part) if part.isdigit() else part for part in _ID_NUMBER.split(identifier))


def plan_order(measures: Iterable[Measure], previous_order: Sequence[str] = ()) -> list[Measure]:
    """Measures in plan order: grouped by their hierarchy (体系), like the plan's list table.

    Measures of the previous master keep their order; new ones follow by ID. Each hierarchy
    node is placed where its first measure appears, so a new measure joins its group.
    """
    rank = {measure_id: i for i, measure_id in enumerate(previous_order)}

    def key(measure: Measure) -> tuple[object, ...]:
        if measure.measure_id in rank:
            return (0, rank[measure.measure_id])
        return (1, id_sort_key(measure.measure_id))

    root: _Node = _Node()
    for measure in sorted(measures, key=key):
        node = root
        for label in measure.hierarchy:
            node = node.child(label)
        node.items.append(measure)
    return list(root.walk())


class _Node:
    __slots__ = ("children", "items")

    def __init__(self) -> None:
        self.items: list[Measure | _Node] = []
        self.children: dict[str, _Node] = {}

    def child(self, label: str) -> _Node:
        if label not in self.children:
            self.children[label] = _Node()
            self.items.append(self.children[label])
        return self.children[label]

    def walk(self) -> Iterator[Measure]:
        for item in self.items:
            if isinstance(item, _Node):
                yield from item.walk()
            else:
                yield item


def project_order(projects: Iterable[BudgetProject], measures: Sequence[Measure]) -> list[BudgetProject]:
    """Budget projects in the order of the first measure they fund, then by ID."""
    position = {m.measure_id: i for i, m in enumerate(measures)}
    last = len(position)

    def key(project: BudgetProject) -> tuple[object, ...]:
        first = min((position.get(m, last) for m in project.measure_ids), default=last)
        return (first, id_sort_key(project.project_id))

    return sorted(projects, key=key)
