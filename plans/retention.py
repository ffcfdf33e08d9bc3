"""Retention of Integrationspläne (see ``imcase.alerts.retention``): when a client is
anonymised, the free text of his plan goes; the structure stays.

Goal texts and step texts become "anonymisiert", evaluation notes are emptied. Versions, dates,
Handlungsfelder, goal statuses, evaluation results, steps (who, by when, done) and independence
ratings stay, so the Kennzahlen on plans A and B, goals by field and status and independence
gained can still be counted for past years. Alerts about the plan's versions and goals are
deleted (their messages name the person).
"""

from __future__ import annotations

from imcase.alerts.retention import ANONYMISED, anonymiser, delete_alerts
from plans.models import Evaluation, Goal, PlanVersion, Step


@anonymiser("plans")
def anonymise_plans(ids: list[int]) -> dict[str, int]:
    versions = PlanVersion.objects.filter(plan__client_id__in=ids)
    goals = Goal.objects.filter(version__plan__client_id__in=ids)
    goal_texts = goals.exclude(text=ANONYMISED).update(text=ANONYMISED)
    step_texts = (
        Step.objects.filter(goal__in=goals.values("pk"))
        .exclude(what=ANONYMISED)
        .update(what=ANONYMISED)
    )
    notes = Evaluation.objects.filter(goal__in=goals.values("pk")).exclude(note="").update(note="")
    alerts = delete_alerts(PlanVersion, versions.values("pk"))
    alerts += delete_alerts(Goal, goals.values("pk"))
    return {
        "goal_texts": goal_texts,
        "step_texts": step_texts,
        "evaluation_notes": notes,
        "plan_alerts": alerts,
    }
