"""Goals of the current version: adding one (inline on the plan page), its own page with the
edit form and the history of evaluations, steps, marking a step done, and the evaluation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from imcase.web.actions import Done, run_button_action, run_form_action
from plans import services
from plans.forms import EvaluationForm, GoalForm, StepDoneForm, StepForm
from plans.models import Goal
from plans.views.common import (
    can_edit,
    get_goal_or_404,
    get_writable_goal_or_404,
    get_writable_plan_or_404,
    goal_fields,
    outcome_kinds,
    regular_services,
)
from plans.views.plan import plan_url, render_plan


def _goal_anchor(goal: Goal) -> str:
    return f"ziel-{goal.code}"


def _goal_input(form: GoalForm) -> services.GoalInput:
    data = form.cleaned_data
    return services.GoalInput(
        part=data["part"],
        field=data["field"],
        text=data["text"],
        target_date=data["target_date"],
        status=data["status"],
    )


@login_required
@require_POST
def goal_add(request, code, part):
    plan = get_writable_plan_or_404(request.user, code)
    if part not in Goal.Part.values:
        raise Http404
    form = GoalForm(request.POST, goal_fields=goal_fields(), part=part)

    def action(data: dict) -> Done:
        version = plan.versions.get(is_current=True)
        goal = services.add_goal(
            request.user, version, _goal_input(form), expected_lock=data["lock"]
        )
        return Done(
            f"Das Ziel wurde in Teil {goal.part} aufgenommen.", plan_url(plan, _goal_anchor(goal))
        )

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={f"goal_{part}": form})


@login_required
def goal_detail(request, code):
    goal = get_goal_or_404(request.user, code)
    plan = goal.version.plan
    editable = goal.version.is_current and can_edit(request.user, plan)
    form = None
    if editable:
        fields = goal_fields(include=goal.field)
        if request.method == "POST":
            form = GoalForm(request.POST, goal_fields=fields)

            def action(data: dict) -> Done:
                services.update_goal(
                    request.user, goal, _goal_input(form), expected_lock=data["lock"]
                )
                return Done(
                    "Die Änderungen am Ziel wurden gespeichert.",
                    plan_url(plan, _goal_anchor(goal)),
                )

            if response := run_form_action(request, form, action):
                return response
        else:
            form = GoalForm(
                goal_fields=fields,
                initial={
                    "lock": plan.lock_version,
                    "part": goal.part,
                    "field": str(goal.field_id),
                    "text": goal.text,
                    "target_date": goal.target_date,
                    "status": goal.status,
                },
            )
    client = plan.client
    return render(
        request,
        "plans/goal_detail.html",
        {
            "goal": goal,
            "plan": plan,
            "client": client,
            "version": goal.version,
            "steps": goal.steps.select_related("service"),
            "evaluations": goal.evaluations.select_related(
                "recorded_by", "rating", "outcome__kind"
            ),
            "form": form,
        },
    )


@login_required
@require_POST
def step_add(request, code):
    goal = get_writable_goal_or_404(request.user, code)
    plan = goal.version.plan
    form = StepForm(request.POST, goal=goal, services=regular_services())

    def action(data: dict) -> Done:
        step = services.StepInput(
            what=data["what"], who=data["who"], service=data["service"], due_on=data["due_on"]
        )
        services.add_step(request.user, goal, step, expected_lock=data["lock"])
        return Done("Der Schritt wurde gespeichert.", plan_url(plan, _goal_anchor(goal)))

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={("step", goal.pk): form})


@login_required
@require_POST
def step_done(request, code, pk):
    goal = get_writable_goal_or_404(request.user, code)
    step = get_object_or_404(goal.steps.all(), pk=pk)
    plan = goal.version.plan
    form = StepDoneForm(request.POST)
    back_to = plan_url(plan, _goal_anchor(goal))

    def action(data: dict) -> Done:
        services.set_step_done(
            request.user, step, data["done"], timezone.localdate(), expected_lock=data["lock"]
        )
        state = "erledigt" if data["done"] else "wieder offen"
        return Done(f"Der Schritt „{step.what}“ ist {state}.", back_to)

    return run_button_action(
        request,
        form,
        action,
        back_to,
        invalid_message="Die Eingabe war unvollständig. Bitte versuchen Sie es erneut.",
    )


@login_required
@require_POST
def goal_evaluate(request, code):
    goal = get_writable_goal_or_404(request.user, code)
    plan = goal.version.plan
    form = EvaluationForm(request.POST, goal=goal, kinds=outcome_kinds())

    def action(data: dict) -> Done:
        evaluation = services.evaluate_goal(
            request.user,
            goal,
            data["evaluated_on"],
            data["result"],
            expected_lock=data["lock"],
            note=data["note"],
            rating=data["rating"],
            outcome=form.outcome(),
        )
        message = (
            "Die Auswertung wurde gespeichert; das Ziel ist jetzt "
            f"„{evaluation.get_result_display()}“."
        )
        if evaluation.outcome is not None:
            message += f" Die Wirkung „{evaluation.outcome}“ wurde erfasst."
        return Done(message, plan_url(plan, _goal_anchor(goal)))

    if response := run_form_action(request, form, action):
        return response
    return render_plan(request, plan, bound={("evaluate", goal.pk): form})
