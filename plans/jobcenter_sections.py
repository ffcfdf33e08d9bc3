"""The plan's goals about work and training on the Übermittlungsbogen for the Jobcenter (see
``clients.jobcenter``): the goals of the current plan version in the Handlungsfelder of work
and training, with their state and target date; steps and evaluations stay in the plan."""

from __future__ import annotations

from clients.jobcenter import Entry, jobcenter_section
from clients.models import ConsentCategory
from imcase.dates import german_date
from plans.queries import current_version

WORK_FIELDS = ("Ausbildung/Studium", "Weiterqualifizierung", "Arbeitsmarkt")


@jobcenter_section(ConsentCategory.PLAN_GOALS)
def plan_goals(user, client, today):
    version = current_version(user, client)
    if version is None:
        return []
    goals = (
        version.goals.filter(field__name__in=WORK_FIELDS)
        .select_related("field")
        .order_by("part", "target_date", "pk")
    )
    return [
        Entry(
            f"{goal.field.name} (Teil {goal.part})",
            f"{goal.text} – {goal.get_status_display()}"
            + (f", Zieldatum {german_date(goal.target_date)}" if goal.target_date else ""),
        )
        for goal in goals
    ]
