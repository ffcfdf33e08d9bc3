from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Klient:innen"

    def ready(self) -> None:
        # Every app's ``caseload`` module registers its sections of "Meine Fälle – fällig".
        from clients.caseload import discover_caseload_sections

        discover_caseload_sections()
