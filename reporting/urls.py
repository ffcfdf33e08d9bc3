from django.urls import path

from reporting.views import dashboard, figures, submissions

app_name = "reporting"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("kennzahlen/", figures.figures, name="figures"),
    path("kennzahlen/<int:year>/kennzahlentabelle.xlsx", figures.figures_xlsx, name="figures_xlsx"),
    path("kennzahlen/<int:year>/abgeben/", figures.finalise, name="finalise"),
    path("abgaben/", submissions.submission_list, name="submissions"),
    path("abgaben/<uuid:code>/", submissions.submission_detail, name="submission"),
    path(
        "abgaben/<uuid:code>/kennzahlentabelle.xlsx",
        submissions.submission_download,
        name="submission_download",
    ),
]
