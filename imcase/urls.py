from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from imcase.operations import health, metrics
from imcase.web import views
from imcase.web.forms import LoginForm

admin.site.site_header = "imcase – Verwaltung"
admin.site.site_title = "imcase"
admin.site.index_title = "Stammdaten und Zugänge"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(authentication_form=LoginForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "passwort/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "passwort/geaendert/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("protokoll/", views.audit_log, name="audit_log"),
    path("zwei-faktor/", include("imcase.twofactor.urls")),
    path("klienten/", include("clients.urls")),
    path("hinweise/", include("imcase.alerts.urls")),
    path("exporte/", include("imcase.exports.urls")),
    path("foerderung/", include("funding.urls")),
    path("plaene/", include("plans.urls")),
    path("berichte/", include("reporting.urls")),
    path("verwaltung/", admin.site.urls),
]
