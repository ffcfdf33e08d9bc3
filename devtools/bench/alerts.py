"""Benchmark cases of the nightly deadline run (registered on import; see
``devtools.bench.runner``).

- "erster Lauf": every check over the whole data set, finding and storing all alerts; it runs
  inside a transaction that is rolled back, so each repetition starts from no alerts.
- "zweiter Lauf": the same night again after the first run: must create nothing.
- the alert list of the team lead, who gets the alerts of clients without a manager.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from devtools.bench.runner import BenchError, benchmark, get_page


def _run_for_today():
    from imcase.alerts.services import run_deadline_checks

    return run_deadline_checks(timezone.localdate())


def _clear_alerts() -> None:
    from imcase.alerts.models import Alert, NightlyRun

    # Only ever on the bench database (``manage.py bench`` checks it before any case runs).
    Alert.objects.all().delete()
    NightlyRun.objects.all().delete()


@benchmark("Fristenprüfung: erster Lauf, alle Klient:innen")
def _nightly_first_run():
    _clear_alerts()

    def timed():
        with transaction.atomic():
            result = _run_for_today()
            transaction.set_rollback(True)
        if result.skipped or not result.total_created:
            raise BenchError("Der erste Lauf der Fristenprüfung hat keine Hinweise angelegt.")
        return result

    return timed


@benchmark("Fristenprüfung: zweiter Lauf derselben Nacht (keine neuen Hinweise)")
def _nightly_second_run():
    _clear_alerts()
    first = _run_for_today()
    if not first.total_created:
        raise BenchError("Der erste Lauf der Fristenprüfung hat keine Hinweise angelegt.")

    def timed():
        result = _run_for_today()
        if result.skipped or result.total_created:
            raise BenchError(
                f"Der zweite Lauf hat {result.total_created} neue Hinweise angelegt (erwartet 0)."
            )
        return result

    return timed


@benchmark("Hinweise: Liste der Teamleitung (teamleitung)")
def _alert_list_team_lead():
    return get_page("teamleitung", "/hinweise/")
