"""``manage.py bench``: time the main pages per role on a large synthetic data set."""

from __future__ import annotations

import os
import time
import warnings

from django.core.management.base import BaseCommand, CommandError

from devtools import bench
from devtools.bench.load import MAX_SECONDS
from devtools.bench.runner import prepare_client_settings


class Command(BaseCommand):
    help = (
        "Misst Serverzeit und SQL-Abfragen der wichtigsten Seiten je Rolle auf einem großen "
        "Demo-Datensatz. Nur auf einer PostgreSQL-Datenbank, deren Name auf „_bench“ endet."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients",
            type=int,
            default=50_000,
            help="Anzahl Klient:innen im Datensatz (Standard: 50000).",
        )
        parser.add_argument(
            "--repeat",
            type=int,
            default=20,
            help="Gemessene Wiederholungen je Fall, nach 2 Aufwärmläufen (Standard: 20).",
        )
        parser.add_argument(
            "--contacts-per-year",
            type=float,
            default=None,
            help=(
                "Beratungskontakte je erwachsener Klient:in und Jahr im Beratungszeitraum beim "
                "Anlegen (Standard wie seed_demo: etwa 10 Kontakte je Klient:in)."
            ),
        )
        parser.add_argument("--only", default="", help="Nur Fälle, deren Name diesen Text enthält.")
        parser.add_argument(
            "--load",
            action="store_true",
            help=(
                "Lasttest statt der Fälle: gunicorn auf 127.0.0.1 (freier Port), Anmeldeseite "
                "(Boden), Klientenliste, Suche und Klientenakte der Integrationsmanager:in "
                "nacheinander mit --concurrency gleichzeitigen Clients je --seconds Sekunden."
            ),
        )
        parser.add_argument(
            "--workers", type=int, default=3, help="gunicorn-Worker im Lasttest (Standard: 3)."
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=8,
            help="Gleichzeitige Clients im Lasttest (Standard: 8, höchstens 64).",
        )
        parser.add_argument(
            "--seconds",
            type=float,
            default=10.0,
            help=f"Sekunden je Seite im Lasttest (Standard: 10, höchstens {MAX_SECONDS}).",
        )

    def handle(self, *args, clients: int, repeat: int, only: str, **options):
        if clients < 1 or repeat < 1:
            raise CommandError("--clients und --repeat müssen mindestens 1 sein.")
        if options["load"] and not 0 < options["seconds"] <= MAX_SECONDS:
            raise CommandError(f"--seconds muss größer als 0 und höchstens {MAX_SECONDS} sein.")
        per_year = options["contacts_per_year"]
        if per_year is not None and per_year < 0:
            raise CommandError("--contacts-per-year darf nicht negativ sein.")
        # WhiteNoise warns once that STATIC_ROOT is missing; irrelevant for the measurement.
        warnings.filterwarnings("ignore", "No directory at", UserWarning)
        try:
            bench.ensure_bench_database()
            self.stdout.write(f"Datensatz mit {clients} Klient:innen prüfen …")
            started = time.monotonic()
            if bench.ensure_data(clients, stdout=self.stdout, contacts_per_year=per_year):
                seconds = time.monotonic() - started
                self.stdout.write(f"Datensatz angelegt bzw. ergänzt ({seconds:.0f} s).")
            else:
                self.stdout.write("Datensatz ist schon vorhanden.")
            counts = bench.data_counts()
            self.stdout.write(", ".join(f"{n} {label}" for label, n in counts.items()))
            if options["load"]:
                self._load(options)
                return
            results = []
            for result in bench.run_cases(repeat, only=only):
                results.append(result)
                if options["verbosity"] > 1:
                    self.stdout.write(f"  {result.name}: {result.median_ms:.1f} ms")
        except bench.BenchError as exc:
            raise CommandError(str(exc)) from exc
        if not results:
            raise CommandError(f"Kein Benchmark-Fall passt zu „{only}“.")
        self.stdout.write("")
        self.stdout.write(bench.format_table(results))

    def _load(self, options) -> None:
        from devtools.bench.clients import most_contacts_page
        from devtools.bench.load import format_load_table, run_load

        with prepare_client_settings():
            results = run_load(
                options["workers"],
                options["concurrency"],
                options["seconds"],
                most_contacts_page(),
                progress=self.stdout.write,
            )
        self.stdout.write("")
        self.stdout.write(
            f"Last: {options['workers']} gunicorn-Worker, {options['concurrency']} gleichzeitige "
            f"Clients, je Seite {options['seconds']:g} s (Maschinenlast {_load_average()})"
        )
        self.stdout.write(format_load_table(results))


def _load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unbekannt"
