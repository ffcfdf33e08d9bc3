from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "imcase.audit"
    label = "audit"
    verbose_name = "Protokoll"

    def ready(self) -> None:
        from imcase.audit import append_only
        from imcase.audit.models import AuditEntry

        append_only.register(AuditEntry)
