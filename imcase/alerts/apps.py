from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "imcase.alerts"
    label = "alerts"
    verbose_name = "Fristen und Hinweise"

    def ready(self) -> None:
        # Every app's ``checks`` module registers its nightly checks (like Celery's autodiscover),
        # its ``retention`` module what the nightly anonymisation removes.
        from imcase.alerts.registry import discover_checks
        from imcase.alerts.retention import discover_retention

        discover_checks()
        discover_retention()
