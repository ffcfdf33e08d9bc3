from plans.models.goal import (
    Evaluation,
    Goal,
    GoalStatus,
    GoalStatusChange,
    IndependenceRating,
    Step,
    initial_status_history,
)
from plans.models.plan import GoalField, Plan, PlanQuerySet, PlanVersion, PlanVersionQuerySet

__all__ = [
    "Evaluation",
    "Goal",
    "GoalField",
    "GoalStatus",
    "GoalStatusChange",
    "IndependenceRating",
    "Plan",
    "PlanQuerySet",
    "PlanVersion",
    "PlanVersionQuerySet",
    "Step",
    "initial_status_history",
]
