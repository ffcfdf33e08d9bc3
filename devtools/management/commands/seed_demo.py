"""``manage.py seed_demo``: build or complete the fictional demo Kreis "Landkreis Musterkreis"."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from devtools.demo import DEMO_TODAY, build_demo, demo_logins
from devtools.demo.consultations import CONTACTS_PER_YEAR


class Command(BaseCommand):
    help = (
        "Legt den fiktiven Demo-Kreis „Landkreis Musterkreis“ mit Gemeinden, Trägern, Teams, "
        "Mitarbeitenden, Demo-Zugängen und Klient:innen an. Ein zweiter Lauf ändert nichts."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients", type=int, default=2000, help="Zahl der Klient:innen (Standard: 2000)"
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Startwert des Zufallsgenerators (2026)"
        )
        parser.add_argument(
            "--contacts-per-year",
            type=float,
            default=CONTACTS_PER_YEAR,
            help=(
                "Beratungskontakte je erwachsener Klient:in und Jahr im Beratungszeitraum "
                f"(Standard: {CONTACTS_PER_YEAR:g}; ergibt etwa 10 je Klient:in)"
            ),
        )

    def handle(self, *args, clients: int, seed: int, contacts_per_year: float, **options):
        if clients < 0:
            raise CommandError("--clients darf nicht negativ sein.")
        if contacts_per_year < 0:
            raise CommandError("--contacts-per-year darf nicht negativ sein.")
        started = time.monotonic()
        summary = build_demo(
            clients=clients, seed=seed, stdout=self.stdout, contacts_per_year=contacts_per_year
        )
        seconds = time.monotonic() - started
        created = sum(n for key, n in summary.created.items() if key != "client")
        updated = sum(summary.updated.values())
        out = self.stdout
        out.write(
            self.style.SUCCESS(f"Demo-Kreis „Landkreis Musterkreis“ bereit ({seconds:.1f} s).")
        )
        out.write(
            f"  {summary.municipalities} Gemeinden, {summary.providers} Träger, "
            f"{summary.teams} Regionalteams, {summary.managers} Integrationsmanager:innen"
        )
        out.write(
            f"  {summary.clients_total} Klient:innen, davon {summary.clients_created} neu angelegt"
        )
        out.write(
            f"  {summary.consultations_total} Beratungskontakte, davon "
            f"{summary.consultations_created} neu angelegt, {summary.consultations_withdrawn} "
            "storniert"
        )
        out.write(f"  {summary.plans_created} Integrationspläne neu angelegt")
        out.write(f"  {summary.created['network_activity']} Einträge Netzwerkarbeit neu angelegt")
        out.write(f"  {summary.outcomes_created} Wirkungen neu erfasst")
        if summary.created.get("imported"):
            out.write(
                f"  Zuweisungsliste vom 30.10.2026 importiert: {summary.created['imported']} "
                "Personen, noch nicht zugeordnet"
            )
        funding = summary.funding
        out.write(
            f"  Förderverfahren: {funding.years} Förderjahre, {funding.lists} Personenlisten, "
            f"{funding.decisions} Entscheidungen, {funding.invoices} Rechnungen, "
            f"{funding.programmes} Programm nach Einwohnerzahl, {funding.usage_reports} "
            f"Verwendungsnachweise, {funding.submissions} Abgabe der Kennzahlentabelle neu angelegt"
        )
        out.write(
            f"  Fristenprüfung zum {DEMO_TODAY:%d.%m.%Y}: {summary.alerts_created} Hinweise neu, "
            f"{summary.alerts_open} offen"
        )
        out.write(f"  Stammdaten: {created} Datensätze neu angelegt, {updated} aktualisiert")
        out.write("")
        out.write("Demo-Zugänge:")
        rows = [("Benutzername", "Rolle", "Passwort", "Zuordnung")]
        rows += [(r.username, r.role, r.password, r.description) for r in demo_logins()]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for index, row in enumerate(rows):
            out.write(
                "  "
                + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            )
            if index == 0:
                out.write("  " + "  ".join("-" * w for w in widths))
        out.write(
            "Generierte Integrationsmanager:innen haben kein nutzbares Passwort "
            "(Anmeldung nur über die Demo-Zugänge)."
        )
