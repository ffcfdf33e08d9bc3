"""``manage.py setup_db_roles --app-role NAME``: the database role the application runs as."""

from __future__ import annotations

import os

from django.core.management.base import BaseCommand, CommandError

from imcase.audit.db_roles import RoleSetupError, setup_app_role

PASSWORD_VARIABLE = "DATABASE_APP_PASSWORD"  # noqa: S105 - a variable name, no secret


class Command(BaseCommand):
    help = (
        "Legt die App-Rolle an (falls sie fehlt) und gibt ihr Lese- und Schreibrechte auf alle "
        "Tabellen, aber kein TRUNCATE, DROP oder ALTER und kein UPDATE/DELETE auf den nur "
        "fortschreibbaren Tabellen (Protokoll, Abgaben). Als Eigentümerrolle nach migrate "
        "ausführen; mehrfaches Ausführen ändert nichts. Das Passwort kommt aus --password oder "
        f"der Umgebungsvariable {PASSWORD_VARIABLE}; ohne beide bleibt es unverändert."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--app-role", required=True, help="Name der Rolle von Webserver und Worker"
        )
        parser.add_argument(
            "--password",
            default=None,
            help=f"Passwort der App-Rolle (besser: Umgebungsvariable {PASSWORD_VARIABLE})",
        )

    def handle(self, *args, app_role: str, password: str | None, **options):
        password = password or os.environ.get(PASSWORD_VARIABLE) or None
        try:
            result = setup_app_role(app_role, password)
        except RoleSetupError as error:
            raise CommandError(str(error)) from error
        action = "angelegt" if result.created else "aktualisiert"
        self.stdout.write(
            self.style.SUCCESS(
                f"App-Rolle {result.role} {action}: SELECT, INSERT, UPDATE, DELETE auf "
                f"{result.tables} Tabellen; kein UPDATE/DELETE auf "
                f"{', '.join(result.append_only) or '–'}; kein TRUNCATE, DROP oder ALTER."
            )
        )
