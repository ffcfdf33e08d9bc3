from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "imcase.organisation"
    label = "organisation"
    verbose_name = "Organisation"
