from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Klient:innen"

    def ready(self) -> None:
        # Every app's ``caseload`` module registers its sections of "Meine Fälle – fällig",
        # its ``client_page`` module what it shows on the client's page; ``import_jobs``
        # registers the clean-up of expired import jobs with the nightly task of the exports.
        import clients.handover  # noqa: F401 - the handover notes' section of the client page
        import clients.import_jobs  # noqa: F401
        import clients.outcome_page  # noqa: F401  (the section "Wirkungen" of the client page)
        from clients.caseload import discover_caseload_sections
        from clients.client_page import discover_client_page_sections
        from clients.jobcenter import discover_jobcenter_sections

        discover_caseload_sections()
        discover_client_page_sections()
        # Every app's ``jobcenter_sections`` module gives its data for the Übermittlungsbogen.
        discover_jobcenter_sections()

        # The name search's index narrowing needs pg_trgm's threshold on every connection.
        from django.db.backends.signals import connection_created

        from clients.search import set_trigram_threshold

        connection_created.connect(set_trigram_threshold, dispatch_uid="clients-trigram-threshold")
