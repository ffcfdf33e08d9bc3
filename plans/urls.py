from django.urls import path

from plans.views import goal, pdf, plan

app_name = "plans"
urlpatterns = [
    path("neu/<uuid:client_code>/", plan.plan_create, name="create"),
    path("<uuid:code>/", plan.plan_detail, name="detail"),
    path("<uuid:code>/fassungen/<int:number>/", plan.version_detail, name="version"),
    path("<uuid:code>/pdf/", pdf.plan_pdf, name="pdf"),
    path("<uuid:code>/fassungen/<int:number>/pdf/", pdf.plan_pdf, name="version_pdf"),
    path("<uuid:code>/daten/", plan.plan_dates, name="dates"),
    path("<uuid:code>/fortschreibung/", plan.plan_continue, name="continue"),
    path("<uuid:code>/selbstaendigkeit/", plan.plan_ratings, name="ratings"),
    path("<uuid:code>/ziele/<str:part>/", goal.goal_add, name="goal_add"),
    path("ziele/<uuid:code>/", goal.goal_detail, name="goal"),
    path("ziele/<uuid:code>/schritte/", goal.step_add, name="step_add"),
    path("ziele/<uuid:code>/schritte/<int:pk>/erledigt/", goal.step_done, name="step_done"),
    path("ziele/<uuid:code>/auswertung/", goal.goal_evaluate, name="evaluate"),
]
