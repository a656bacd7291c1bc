import pytest

from xlplan.core.enums import Stage
from xlplan.core.lifecycle import is_usual_move, usual_next_stages

S = Stage


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (S.BUILD, S.EXPAND),
        (S.BUILD, S.STABLE),
        (S.EXPAND, S.STABLE),
        (S.EXPAND, S.ADAPT),
        (S.EXPAND, S.NEXT_SYSTEM),
        (S.STABLE, S.ADAPT),
        (S.STABLE, S.STABLE_RENOVATING),
        (S.ADAPT, S.EXPAND),
        (S.ADAPT, S.NEXT_SYSTEM),
        (S.ADAPT, S.BUILD),
        (S.NEXT_SYSTEM, S.BUILD),
        (S.NEXT_SYSTEM, S.ADAPT),
        (S.EXPAND, S.EXPAND),
    ],
)
def test_usual_moves_of_the_lifecycle(old, new):
    assert is_usual_move(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    # M-012 moved from 2 back to 1 for FY2025: outside the model, so it needs a reason
    [(S.EXPAND, S.BUILD), (S.BUILD, S.NEXT_SYSTEM), (S.STABLE, S.EXPAND), (S.NEXT_SYSTEM, S.STABLE)],
)
def test_moves_outside_the_model_need_a_reason(old, new):
    assert not is_usual_move(old, new)


def test_every_stage_has_usual_moves_and_may_stay():
    for stage in Stage:
        assert stage in usual_next_stages(stage)
        assert len(usual_next_stages(stage)) >= 3
