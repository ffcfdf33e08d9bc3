from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running imcase: health endpoints for the load balancer, backup and restore."""

    name = "imcase.operations"
    label = "operations"
    verbose_name = "Betrieb"

    def ready(self) -> None:
        from imcase.operations import checks  # noqa: F401 - registers the core's restore checks
