"""``manage.py bench``: time the main pages per role on a large synthetic data set."""

from __future__ import annotations

import time
import warnings

from django.core.management.base import BaseCommand, CommandError

from devtools import bench


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

    def handle(self, *args, clients: int, repeat: int, only: str, **options):
        if clients < 1 or repeat < 1:
            raise CommandError("--clients und --repeat müssen mindestens 1 sein.")
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
