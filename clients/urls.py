from django.urls import path

from clients.views import case, detail, edit, transfer
from clients.views import list as list_views

app_name = "clients"
urlpatterns = [
    path("", list_views.client_list, name="list"),
    path("faellig/", list_views.caseload, name="caseload"),
    path("neu/", edit.client_create, name="create"),
    path("import/", transfer.import_upload, name="import"),
    path("import/<uuid:code>/", transfer.import_job, name="import_job"),
    path("import/<uuid:code>/stand/", transfer.import_job_status, name="import_job_status"),
    path("export/", transfer.export_download, name="export"),
    path("<uuid:code>/", detail.client_detail, name="detail"),
    path("<uuid:code>/bearbeiten/", edit.client_edit, name="edit"),
    path("<uuid:code>/einwilligungen/", edit.consent_add, name="consent_add"),
    path(
        "<uuid:code>/einwilligungen/<int:pk>/widerruf/", edit.consent_revoke, name="consent_revoke"
    ),
    path("<uuid:code>/kontakt/", detail.consultation_create, name="consultation_create"),
    path("kontakte/<uuid:code>/", detail.consultation_edit, name="consultation_edit"),
    path("vermittlungen/<int:pk>/", detail.referral_status, name="referral_status"),
    path("<uuid:code>/verlaengerung/", case.extension_request, name="extension_request"),
    path("verlaengerungen/<int:pk>/", case.extension_decide, name="extension_decide"),
    path("<uuid:code>/umzug/", case.move, name="move"),
    path("<uuid:code>/ausleitung/", case.close, name="close"),
    path("<uuid:code>/wiedereroeffnung/", case.reopen, name="reopen"),
]
