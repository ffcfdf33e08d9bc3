from django.urls import path

from reporting.views import annual_report, dashboard, figures, rp, submissions

app_name = "reporting"
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("kennzahlen/", figures.figures, name="figures"),
    path("kennzahlen/<int:year>/kennzahlentabelle.xlsx", figures.figures_xlsx, name="figures_xlsx"),
    path("kennzahlen/<int:year>/abgeben/", figures.finalise, name="finalise"),
    path("kennzahlen/<int:year>/neu-berechnen/", figures.recompute, name="figures_recompute"),
    path("kennzahlen/<int:year>/stand/", figures.figures_status, name="figures_status"),
    path("abgaben/", submissions.submission_list, name="submissions"),
    path("abgaben/<uuid:code>/", submissions.submission_detail, name="submission"),
    path(
        "abgaben/<uuid:code>/kennzahlentabelle.xlsx",
        submissions.submission_download,
        name="submission_download",
    ),
    path("jahresbericht/", annual_report.annual_report, name="annual_report"),
    path(
        "jahresbericht/<int:year>/texte/",
        annual_report.annual_report_texts,
        name="annual_report_texts",
    ),
    path(
        "jahresbericht/<int:year>/jahresbericht.pdf",
        annual_report.annual_report_pdf,
        name="annual_report_pdf",
    ),
    path(
        "jahresbericht/<int:year>/jahresbericht.docx",
        annual_report.annual_report_docx,
        name="annual_report_docx",
    ),
    path("kreise/", rp.overview, name="rp_overview"),
    path("kreise/<int:year>/<int:kreis_id>/", rp.kreis, name="rp_kreis"),
    path(
        "kreise/<int:year>/kennzahlen-der-kreise.xlsx",
        rp.consolidated_xlsx,
        name="rp_consolidated",
    ),
]
