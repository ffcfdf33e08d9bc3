from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "imcase.alerts"
    label = "alerts"
    verbose_name = "Fristen und Hinweise"

    def ready(self) -> None:
        # Every app's ``checks`` module registers its nightly checks (like Celery's autodiscover).
        from imcase.alerts.registry import discover_checks

        discover_checks()
