from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "imcase.exports"
    label = "exports"
    verbose_name = "Exporte"

    def ready(self) -> None:
        # Every app's ``exports`` module registers its export classes.
        from imcase.exports.registry import discover_exports

        discover_exports()
