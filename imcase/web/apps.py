from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "imcase.web"
    label = "web"
    verbose_name = "Oberfläche"
