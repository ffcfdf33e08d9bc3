from django.urls import path

from imcase.twofactor import views

app_name = "twofactor"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("einrichten/", views.setup, name="setup"),
    path("bestaetigen/", views.verify, name="verify"),
    path("notfallcodes/", views.new_backup_codes, name="backup_codes"),
    path("verwaltung/", views.manage, name="manage"),
    path("verwaltung/<int:user_id>/zuruecksetzen/", views.reset, name="reset"),
]
