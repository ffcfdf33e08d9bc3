"""Goals of the current version: adding one (inline on the plan page), its own page with the
edit form and the history of evaluations, steps, marking a step done, and the evaluation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from imcase.audit.models import AuditEntry
from imcase.audit.services import record
from imcase.errors import ServiceError
from plans import services
from plans.forms import EvaluationForm, GoalForm, StepDoneForm, StepForm
from plans.models import Goal
from plans.views.common import (
    can_edit,
    get_goal_or_404,
    get_plan_or_404,
    goal_fields,
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
    plan = get_plan_or_404(request.user, code, for_update=True)
    if part not in Goal.Part.values:
        raise Http404
    form = GoalForm(request.POST, goal_fields=goal_fields(), part=part)
    if form.is_valid():
        try:
            version = plan.versions.get(is_current=True)
            goal = services.add_goal(
                request.user, version, _goal_input(form), expected_lock=form.cleaned_data["lock"]
            )
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Das Ziel wurde in Teil {goal.part} aufgenommen.")
            return redirect(plan_url(plan, _goal_anchor(goal)))
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
            if form.is_valid():
                try:
                    services.update_goal(
                        request.user,
                        goal,
                        _goal_input(form),
                        expected_lock=form.cleaned_data["lock"],
                    )
                except ServiceError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, "Die Änderungen am Ziel wurden gespeichert.")
                    return redirect(plan_url(plan, _goal_anchor(goal)))
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
    record(request.user, AuditEntry.Action.VIEW, client, label=client.aktenzeichen, event="goal")
    return render(
        request,
        "plans/goal_detail.html",
        {
            "goal": goal,
            "plan": plan,
            "client": client,
            "version": goal.version,
            "steps": goal.steps.select_related("service"),
            "evaluations": goal.evaluations.select_related("recorded_by", "rating"),
            "form": form,
        },
    )


@login_required
@require_POST
def step_add(request, code):
    goal = get_goal_or_404(request.user, code, for_update=True)
    plan = goal.version.plan
    form = StepForm(request.POST, goal=goal, services=regular_services())
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_step(
                request.user,
                goal,
                services.StepInput(
                    what=data["what"],
                    who=data["who"],
                    service=data["service"],
                    due_on=data["due_on"],
                ),
                expected_lock=data["lock"],
            )
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Der Schritt wurde gespeichert.")
            return redirect(plan_url(plan, _goal_anchor(goal)))
    return render_plan(request, plan, bound={("step", goal.pk): form})


@login_required
@require_POST
def step_done(request, code, pk):
    goal = get_goal_or_404(request.user, code, for_update=True)
    step = get_object_or_404(goal.steps.all(), pk=pk)
    plan = goal.version.plan
    form = StepDoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Die Eingabe war unvollständig. Bitte versuchen Sie es erneut.")
        return redirect(plan_url(plan, _goal_anchor(goal)))
    done = form.cleaned_data["done"]
    try:
        services.set_step_done(
            request.user, step, done, timezone.localdate(), expected_lock=form.cleaned_data["lock"]
        )
    except ServiceError as error:
        messages.error(request, error.messages[0])
    else:
        state = "erledigt" if done else "wieder offen"
        messages.success(request, f"Der Schritt „{step.what}“ ist {state}.")
    return redirect(plan_url(plan, _goal_anchor(goal)))


@login_required
@require_POST
def goal_evaluate(request, code):
    goal = get_goal_or_404(request.user, code, for_update=True)
    plan = goal.version.plan
    form = EvaluationForm(request.POST, goal=goal)
    if form.is_valid():
        data = form.cleaned_data
        try:
            evaluation = services.evaluate_goal(
                request.user,
                goal,
                data["evaluated_on"],
                data["result"],
                expected_lock=data["lock"],
                note=data["note"],
                rating=data["rating"],
            )
        except ServiceError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Die Auswertung wurde gespeichert; das Ziel ist jetzt "
                f"„{evaluation.get_result_display()}“.",
            )
            return redirect(plan_url(plan, _goal_anchor(goal)))
    return render_plan(request, plan, bound={("evaluate", goal.pk): form})
