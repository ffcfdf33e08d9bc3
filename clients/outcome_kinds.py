"""The default outcome vocabulary (also written by migration 0014, which keeps its own copy),
for code that must not rely on the data migration's rows: the demo data and tests whose
database was flushed (the browser tests)."""

from __future__ import annotations

from clients.models import OutcomeKind

# Flags: P has a period (start, end), L a certificate level, H an hours band; W counts as work
# or training, T as own tenancy.
DEFAULT_KINDS = [
    ("integrationskurs", "Integrationskurs", "sprache", "PL"),
    ("berufssprachkurs", "Berufssprachkurs (DeuFöV)", "sprache", "PL"),
    ("sprachkurs-andere", "anderer Deutschkurs", "sprache", "PL"),
    ("schulanmeldung", "Anmeldung an einer Schule", "bildung", ""),
    ("anerkennung-begonnen", "Anerkennungsverfahren begonnen", "bildung", ""),
    ("anerkennung-entschieden", "Anerkennungsverfahren entschieden", "bildung", ""),
    ("svb", "sozialversicherungspflichtige Beschäftigung", "arbeit", "PHW"),
    ("minijob", "Minijob", "arbeit", "PHW"),
    ("ausbildung", "Ausbildung", "arbeit", "PW"),
    ("praktikum", "Praktikum", "arbeit", "PHW"),
    ("arbeitsgelegenheit", "Arbeitsgelegenheit", "arbeit", "PH"),
    ("studium", "Studium", "arbeit", "PW"),
    ("eigene-wohnung", "eigene Wohnung außerhalb der AU (Mietvertrag)", "wohnen", "T"),
    (
        "leistungsunabhaengig",
        "keine Leistungen nach SGB II / AsylbLG mehr (laut Person)",
        "leistungen",
        "",
    ),
]
CODES = [row[0] for row in DEFAULT_KINDS]


def ensure_default_kinds() -> dict[str, OutcomeKind]:
    """The default kinds by code, created if missing (one query when all exist); kinds an
    administrator changed are left as they are."""
    found = {kind.code: kind for kind in OutcomeKind.objects.filter(code__in=CODES)}
    missing = [
        OutcomeKind(
            code=code,
            name=name,
            category=category,
            has_period="P" in flags,
            has_level="L" in flags,
            has_hours="H" in flags,
            counts_as_work_or_training="W" in flags,
            counts_as_own_tenancy="T" in flags,
            position=position,
            first_year=2023,
        )
        for position, (code, name, category, flags) in enumerate(DEFAULT_KINDS, start=1)
        if code not in found
    ]
    if missing:
        OutcomeKind.objects.bulk_create(missing, ignore_conflicts=True)
        found = {kind.code: kind for kind in OutcomeKind.objects.filter(code__in=CODES)}
    return found
