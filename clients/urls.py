from django.urls import path

from clients import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("<uuid:code>/", views.client_detail, name="detail"),
]
