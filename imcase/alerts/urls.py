from django.urls import path

from imcase.alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.alert_list, name="list"),
    path("<uuid:code>/", views.alert_open, name="open"),
    path("<uuid:code>/erledigt/", views.alert_done, name="done"),
]
