"""The plan page (current version, editable), earlier versions (read-only), starting a plan,
its dates, the independence ratings and the Fortschreibung."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from imcase.web.actions import Done, run_form_action
from plans import services
from plans.forms import (
    ContinueForm,
    DatesForm,
    EvaluationForm,
    GoalForm,
    PlanCreateForm,
    RatingsForm,
    StepForm,
)
from plans.models import Goal, Plan, PlanVersion
from plans.queries import goals_of, independence_progress
from plans.views.common import (
    can_edit,
    get_plan_or_404,
    get_writable_client_or_404,
    get_writable_plan_or_404,
    goal_fields,
    outcome_kinds,
    regular_services,
)


def plan_url(plan: Plan, anchor: str = "") -> str:
    return reverse("plans:detail", args=[plan.code]) + (f"#{anchor}" if anchor else "")


@login_required
def plan_create(request, client_code):
    client = get_writable_client_or_404(request.user, client_code)
    existing = Plan.objects.filter(client=client).first()
    if existing is not None:
        return redirect(plan_url(existing))
    fields = goal_fields()
    form = PlanCreateForm(request.POST or None, goal_fields=fields)
    if request.method == "POST":

        def action(data: dict) -> Done:
            plan = services.create_plan(
                request.user,
                client,
                data["agreed_on"],
                data["next_review_on"],
                ratings=form.ratings(),
            )
            return Done("Der Integrationsplan wurde angelegt.", plan_url(plan))

        if response := run_form_action(request, form, action):
            return response
    return render(request, "plans/plan_create.html", {"client": client, "form": form})


@login_required
def plan_detail(request, code):
    plan = get_plan_or_404(request.user, code)
    return render_plan(request, plan)


@login_required
def version_detail(request, code, number):
    plan = get_plan_or_404(request.user, code)
    version = get_object_or_404(plan.versions.all(), number=number)
    if version.is_current:
        return redirect(plan_url(plan))
    return render_plan(request, plan, version)


@login_required
@require_POST
def plan_dates(request, code):
    plan = get_writable_plan_or_404(request.user, code)
    form = DatesForm(request.POST)

    def action(data: dict) -> Done:
        services.update_dates(
            request.user,
            plan,
            data["agreed_on"],
            data["next_review_on"],
            expected_lock=data["lock"],
        )
        return Done("Die Daten des Plans wurden gespeichert.", plan_url(plan))

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={"dates": form})


@login_required
@require_POST
def plan_continue(request, code):
    plan = get_writable_plan_or_404(request.user, code)
    form = ContinueForm(request.POST)

    def action(data: dict) -> Done:
        version = services.continue_plan(
            request.user,
            plan,
            data["agreed_on"],
            expected_lock=data["lock"],
            next_review_on=form.review_date(),
        )
        return Done(
            f"Der Plan wurde fortgeschrieben (Fassung {version.number}); die offenen Ziele "
            "wurden übernommen.",
            plan_url(plan),
        )

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={"continue": form})


@login_required
@require_POST
def plan_ratings(request, code):
    plan = get_writable_plan_or_404(request.user, code)
    form = RatingsForm(request.POST, goal_fields=goal_fields())

    def action(data: dict) -> Done:
        services.rate_independence(
            request.user, plan, form.ratings(), data["rated_on"], expected_lock=data["lock"]
        )
        return Done(
            "Die Einschätzung der Selbständigkeit wurde gespeichert.",
            plan_url(plan, "selbstaendigkeit"),
        )

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={"ratings": form})


# --- the page -----------------------------------------------------------------------------


def render_plan(
    request, plan: Plan, version: PlanVersion | None = None, bound: dict | None = None
) -> HttpResponse:
    """The plan page of ``version`` (default: the current one); ``bound`` holds a submitted
    form with errors, shown instead of the empty one so the input is kept."""
    bound = bound or {}
    today = timezone.localdate()
    if version is None:
        version = plan.versions.get(is_current=True)
    version.plan = plan
    editable = version.is_current and can_edit(request.user, plan)
    content = goals_of(version)
    fields = goal_fields()
    lock = {"lock": plan.lock_version}
    forms = {}
    if editable:
        services_list = regular_services()
        kinds = outcome_kinds()
        for goal in content.goals:
            goal.step_form = bound.get(("step", goal.pk)) or StepForm(
                goal=goal, services=services_list, initial=dict(lock)
            )
            goal.evaluation_form = bound.get(("evaluate", goal.pk)) or EvaluationForm(
                goal=goal, kinds=kinds, initial=dict(lock)
            )
            goal.step_form_open = ("step", goal.pk) in bound
            goal.evaluation_form_open = ("evaluate", goal.pk) in bound
        forms = {
            "goal_a": bound.get("goal_A")
            or GoalForm(goal_fields=fields, part=Goal.Part.A, initial=dict(lock)),
            "goal_b": bound.get("goal_B")
            or GoalForm(goal_fields=fields, part=Goal.Part.B, initial=dict(lock)),
            "dates": bound.get("dates")
            or DatesForm(
                initial={
                    **lock,
                    "agreed_on": version.agreed_on,
                    "next_review_on": version.next_review_on,
                }
            ),
            "continue": bound.get("continue") or ContinueForm(initial=dict(lock)),
            "ratings": bound.get("ratings") or RatingsForm(goal_fields=fields, initial=dict(lock)),
        }
    client = plan.client
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "client": client,
            "version": version,
            "versions": plan.versions.select_related("created_by").order_by("-number"),
            "parts": [
                ("A", Goal.Part.A.label, content.goals_a, forms.get("goal_a")),
                ("B", Goal.Part.B.label, content.goals_b, forms.get("goal_b")),
            ],
            "goal_count": len(content.goals),
            "progress": independence_progress(version),
            "forms": forms,
            "open_form": next((key for key in bound if isinstance(key, str)), None),
            "editable": editable,
            "overdue": version.review_overdue(today),
            "today": today,
        },
    )
