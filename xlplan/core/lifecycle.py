"""The lifecycle model: which stage moves are usual (L1560–1614 of the audit report).

A move outside this table is allowed only with a written reason (the plan is revised by
people), and every tool that proposes or checks a move asks this module.
"""

from __future__ import annotations

from collections.abc import Mapping

from .enums import Stage

__all__ = ["USUAL_MOVES", "is_usual_move", "usual_next_stages"]

S = Stage
# stage → the stages it usually moves to next year (staying put is always usual)
USUAL_MOVES: Mapping[Stage, frozenset[Stage]] = {
    S.BUILD: frozenset({S.EXPAND, S.STABLE}),  # built → expand, or straight to stable
    S.EXPAND: frozenset({S.STABLE, S.ADAPT, S.NEXT_SYSTEM}),  # target met and held → 3; not met → 4/5
    S.STABLE: frozenset({S.ADAPT, S.STABLE_RENOVATING, S.NEXT_SYSTEM}),  # below target → 4; renovation → 3・4
    S.STABLE_RENOVATING: frozenset({S.ADAPT, S.STABLE, S.NEXT_SYSTEM}),  # renovated → 4 (or back to 3)
    S.ADAPT: frozenset({S.EXPAND, S.NEXT_SYSTEM, S.BUILD}),  # improved → 2; beyond repair → 5 or 1
    S.NEXT_SYSTEM: frozenset({S.BUILD, S.ADAPT}),  # rebuild → 1; small change suffices → 4
}


def usual_next_stages(stage: Stage) -> frozenset[Stage]:
    """The stages a measure usually moves to from `stage`, itself included."""
    return USUAL_MOVES[stage] | {stage}


def is_usual_move(old: Stage, new: Stage) -> bool:
    """True when moving from `old` to `new` needs no written reason."""
    return new in usual_next_stages(old)
