from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Berichte"

    def ready(self) -> None:
        from imcase.audit import append_only
        from reporting.models import Submission

        append_only.register(Submission)
        from reporting import restore_checks  # noqa: F401 - registers the submissions' check
