from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Berichte"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from imcase.audit import append_only
        from reporting import input_version

        post_migrate.connect(input_version.install_after_migrate, sender=self)
        from reporting.models import Submission

        append_only.register(Submission)
        from reporting import restore_checks  # noqa: F401 - registers the submissions' check
