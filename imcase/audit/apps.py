from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imcase.audit"
    label = "audit"
    verbose_name = "Protokoll"
