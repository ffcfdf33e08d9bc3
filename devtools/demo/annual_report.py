"""The texts of the demo Kreis's Jahresbericht 2025 (the office writes them in the browser;
the figures come from the Kennzahl registry). Written only if missing, so a demo user's own
edits stay."""

from __future__ import annotations

from imcase.organisation.models import Landkreis
from reporting.models import AnnualReportText

YEAR = 2025
TEXTS = {
    "introduction": (
        "Gefördert durch das Land Baden-Württemberg (VwV Integrationsmanagement 2023) beraten "
        "die Integrationsmanagerinnen und Integrationsmanager im Landkreis Musterkreis "
        "Geflüchtete in der Anschlussunterbringung: individuell, bedarfsorientiert und mit "
        "Verweisberatung an die Regeldienste.\n\n"
        "Dieser Bericht fasst das Jahr 2025 zusammen. Die Zahlen stammen aus der "
        "Kennzahlentabelle, die der Landkreis dem Regierungspräsidium vorlegt."
    ),
    "sachbericht": (
        "Seit 2025 wird das Land den Landkreis nach der Zahl der Geflüchteten fördern; das "
        "Landratsamt hat den Betrag nach den Personenlisten der Gemeinden verteilt. Zwei "
        "Gemeinden nehmen die Aufgabe selbst wahr.\n\n"
        "Die Beratung findet überwiegend in Sprechstunden statt, ergänzt um aufsuchende "
        "Termine für Familien. Für jede beratene Person wird ein Integrationsplan mit "
        "kurzfristigen Zielen (Teil A) und langfristigen Zielen (Teil B) vereinbart und "
        "fortgeschrieben. Am häufigsten ging es um Wohnen, Sprache und Arbeit; vermittelt wurde "
        "vor allem an das Jobcenter, die Migrationsberatung und die Sprachkursträger."
    ),
    "outlook": (
        "2026 sollen die Sprechstunden in allen Gemeinden angeboten und die Rückmeldung der "
        "Regeldienste über wahrgenommene Termine verbessert werden. Der Beratungszeitraum von "
        "drei Jahren endet für viele der 2023 zugewiesenen Personen; die Ausleitung wird "
        "frühzeitig vorbereitet."
    ),
}


def build_annual_report_texts(kreis: Landkreis) -> int:
    """Create the Kreis's texts for 2025 if there are none; returns how many were created."""
    _, created = AnnualReportText.objects.get_or_create(
        landkreis=kreis, provider=None, year=YEAR, defaults=TEXTS
    )
    return int(created)
