"""The plan pages. Every pattern declares what a successful answer shows of persons, so each
read is audited (``imcase.audit.reads``); a plain ``path()`` is not allowed here."""

from imcase.audit.reads import WRITES_ONLY, Reads
from imcase.audit.reads import audited_path as path
from plans import reads
from plans.views import goal, pdf, plan

# The write actions on the plan page show the page again with their form's errors.
PLAN_PAGE = Reads("Integrationsplan: Ziele, Schritte, Auswertungen", reads.plan_version, "plan")
PLAN_PAGE_OF_GOAL = Reads(
    "Integrationsplan: Ziele, Schritte, Auswertungen", reads.plan_of_goal, "plan"
)
PDF = Reads("Integrationsplan als PDF", reads.plan_version, "plan_pdf")

app_name = "plans"
urlpatterns = [
    path(
        "neu/<uuid:client_code>/",
        plan.plan_create,
        name="create",
        reads=Reads("Anlage des Integrationsplans", reads.client_for_new_plan, "plan"),
    ),
    path("<uuid:code>/", plan.plan_detail, name="detail", reads=PLAN_PAGE),
    path(
        "<uuid:code>/fassungen/<int:number>/", plan.version_detail, name="version", reads=PLAN_PAGE
    ),
    path("<uuid:code>/pdf/", pdf.plan_pdf, name="pdf", reads=PDF),
    path("<uuid:code>/fassungen/<int:number>/pdf/", pdf.plan_pdf, name="version_pdf", reads=PDF),
    path("<uuid:code>/daten/", plan.plan_dates, name="dates", reads=PLAN_PAGE),
    path("<uuid:code>/fortschreibung/", plan.plan_continue, name="continue", reads=PLAN_PAGE),
    path("<uuid:code>/selbstaendigkeit/", plan.plan_ratings, name="ratings", reads=PLAN_PAGE),
    path("<uuid:code>/ziele/<str:part>/", goal.goal_add, name="goal_add", reads=PLAN_PAGE),
    path(
        "ziele/<uuid:code>/",
        goal.goal_detail,
        name="goal",
        reads=Reads("Ziel mit Schritten und Auswertungen", reads.goal, "goal"),
    ),
    path("ziele/<uuid:code>/schritte/", goal.step_add, name="step_add", reads=PLAN_PAGE_OF_GOAL),
    path(
        "ziele/<uuid:code>/schritte/<int:pk>/erledigt/",
        goal.step_done,
        name="step_done",
        reads=WRITES_ONLY,
    ),
    path(
        "ziele/<uuid:code>/auswertung/",
        goal.goal_evaluate,
        name="evaluate",
        reads=PLAN_PAGE_OF_GOAL,
    ),
]
