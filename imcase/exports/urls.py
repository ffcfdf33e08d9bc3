from django.urls import path

from imcase.exports import views

app_name = "exports"
urlpatterns = [
    path("", views.export_list, name="list"),
    path("neu/<slug:identifier>/", views.export_start, name="start"),
    path("<uuid:code>/", views.export_detail, name="detail"),
    path("<uuid:code>/stand/", views.export_status, name="status"),
    path("<uuid:code>/datei/", views.export_download, name="download"),
]
