from plans.models.goal import Evaluation, Goal, GoalStatus, IndependenceRating, Step
from plans.models.plan import GoalField, Plan, PlanQuerySet, PlanVersion, PlanVersionQuerySet

__all__ = [
    "Evaluation",
    "Goal",
    "GoalField",
    "GoalStatus",
    "IndependenceRating",
    "Plan",
    "PlanQuerySet",
    "PlanVersion",
    "PlanVersionQuerySet",
    "Step",
]
