"""Audit checks on budget execution, per budget project (pure).

Hearing viewpoint ④ of the audit (L4612: is the execution rate very low, and why) and
opinion 16 (nothing spent). A project funding several measures (the shared LINE project) is
checked once, and its finding names every measure it funds. Amounts are thousand yen; the
budget is the final one (補正後予算, else 当初予算).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Code, Finding
from ..model import BudgetProject
from .catalog import audit_finding
from .context import AuditInput

__all__ = ["execution_rate_low", "nothing_spent", "settlement_over_budget"]


def _figures(project: BudgetProject) -> tuple[int, int] | None:
    budget, settlement = project.total.final_budget, project.total.settlement
    if budget is None or settlement is None:
        return None
    return budget, settlement


def _params(project: BudgetProject, budget: int, settlement: int) -> dict[str, str]:
    return {
        "name": project.name,
        "measure": "、".join(project.measure_ids) or "なし",
        "budget": f"{budget:,}",
        "settlement": f"{settlement:,}",
    }


def nothing_spent(a: AuditInput) -> Iterator[Finding]:
    """Projects with a budget and a settlement of zero (opinion 16)."""
    for project in a.projects():
        figures = _figures(project)
        if figures and figures[0] > 0 and figures[1] == 0:
            yield audit_finding(
                Code.AUDIT_NOTHING_SPENT,
                a,
                project,
                "settlement",
                "決算",
                project.project_id,
                **_params(project, *figures),
            )


def settlement_over_budget(a: AuditInput) -> Iterator[Finding]:
    """Projects that settled more than their final budget (viewpoint ④)."""
    for project in a.projects():
        figures = _figures(project)
        if figures and figures[1] > figures[0]:
            yield audit_finding(
                Code.AUDIT_SETTLEMENT_OVER_BUDGET,
                a,
                project,
                "settlement",
                "決算",
                project.project_id,
                excess=f"{figures[1] - figures[0]:,}",
                **_params(project, *figures),
            )


def execution_rate_low(a: AuditInput) -> Iterator[Finding]:
    """Projects that spent something, but less than `execution_rate_min` of the budget (viewpoint ④)."""
    for project in a.projects():
        figures = _figures(project)
        if not figures or figures[0] <= 0 or figures[1] <= 0:
            continue
        rate = figures[1] / figures[0]
        if rate < a.rules.execution_rate_min:
            yield audit_finding(
                Code.AUDIT_EXECUTION_RATE_LOW,
                a,
                project,
                "settlement",
                "決算",
                project.project_id,
                rate=f"{rate:.1%}",
                threshold=f"{a.rules.execution_rate_min:.0%}",
                **_params(project, *figures),
            )
