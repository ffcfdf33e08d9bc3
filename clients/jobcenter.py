"""The hand-over to the Jobcenter: the Übermittlungsbogen, a PDF with exactly the data the
person's valid Jobcenter consent allows (issue 15, item 3).

Valid is a Jobcenter consent given on or before the day and not revoked; with several, the
latest one counts. Name, birth date and Aktenzeichen are on every sheet (the Jobcenter must
know whom it is about); every other piece of data belongs to one ``ConsentCategory`` and is on
the sheet only when the consent names that category.

Each category's data comes from one section function, registered per category; an app's
``jobcenter_sections.py`` module is imported at start-up (``discover_jobcenter_sections``), so
the plans app adds the plan's goals without ``clients`` knowing plans::

    from clients.jobcenter import Entry, jobcenter_section

    @jobcenter_section(ConsentCategory.PLAN_GOALS)
    def plan_goals(user, client, today):
        return [Entry("Arbeitsmarkt", "Helferstelle in der Logistik (vereinbart)")]

A section gets the user (who may see the client), the client and the day, reads only through
the ``visible_to(user)`` querysets and returns its entries (an empty list: nothing recorded).
The write (the record of the sheet and its audit entry) is ``services.hand_over_to_jobcenter``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from django.utils.module_loading import autodiscover_modules

from clients.models import Client, Consent, ConsentCategory, JobcenterTransmission
from imcase.pdf import render_pdf


@dataclass(frozen=True)
class Entry:
    """One line of a category on the sheet: what (label) and its value."""

    label: str
    value: str


SectionFunction = Callable[[Any, Client, dt.date], list[Entry]]
SECTIONS: dict[str, SectionFunction] = {}


def jobcenter_section(category: str) -> Callable[[SectionFunction], SectionFunction]:
    """Register the function that gives the data of one category for the sheet."""

    def decorator(function: SectionFunction) -> SectionFunction:
        SECTIONS[str(category)] = function
        return function

    return decorator


def discover_jobcenter_sections() -> None:
    """Import ``<app>.jobcenter_sections`` of every installed app (from AppConfig.ready)."""
    autodiscover_modules("jobcenter_sections")


def valid_jobcenter_consent(client: Client, day: dt.date) -> Consent | None:
    """The latest Jobcenter consent given on or before ``day`` and not revoked."""
    return (
        client.consents.filter(
            kind=Consent.Kind.JOBCENTER, given_on__lte=day, revoked_on__isnull=True
        )
        .order_by("-given_on", "-pk")
        .first()
    )


NO_CONSENT = (
    "Ein Übermittlungsbogen kann nicht erstellt werden: Es liegt keine gültige Einwilligung "
    "in die Weitergabe von Daten an das Jobcenter vor (erteilt bis heute und nicht widerrufen)."
)
NO_CATEGORIES = (
    "Ein Übermittlungsbogen kann nicht erstellt werden: Die Einwilligung vom {date} nennt "
    "keine Datenkategorien. Bitte erfassen Sie die Einwilligung mit ihrem Umfang neu."
)


def refusal(consent: Consent | None) -> str | None:
    """Why no sheet can be made on this consent (German), or None."""
    if consent is None:
        return NO_CONSENT
    if not consent.categories:
        return NO_CATEGORIES.format(date=consent.given_on.strftime("%d.%m.%Y"))
    return None


@dataclass
class SheetSection:
    category: str
    title: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Sheet:
    """What one Übermittlungsbogen holds."""

    client: Client
    consent: Consent
    author: Any
    provider: Any
    day: dt.date
    sections: list[SheetSection]

    @property
    def categories(self) -> list[str]:
        return [section.category for section in self.sections]


def build_sheet(user, client: Client, consent: Consent, provider, day: dt.date) -> Sheet:
    """The sheet's sections: one per category of the consent, in the fixed order."""
    sections = []
    for value, label in ConsentCategory.choices:
        if value not in consent.categories:
            continue
        function = SECTIONS.get(value)
        entries = function(user, client, day) if function else []
        sections.append(SheetSection(value, label, entries))
    return Sheet(client, consent, user, provider, day, sections)


def sheet_html(sheet: Sheet) -> str:
    """The HTML of the PDF (also useful to look at in a test)."""
    return render_to_string("clients/jobcenter_sheet.html", {"sheet": sheet})


def render_sheet_pdf(sheet: Sheet) -> bytes:
    return render_pdf(sheet_html(sheet), render_to_string("clients/jobcenter_sheet.css"))


def sheet_filename(client: Client, day: dt.date) -> str:
    aktenzeichen = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in client.aktenzeichen)
    return f"Uebermittlungsbogen_Jobcenter_{aktenzeichen}_{day:%Y-%m-%d}.pdf"


def page_context(user, client: Client, today: dt.date, drafted: list[str]) -> dict:
    """What the client page shows about the hand-over: the valid consent (or why there is
    none), the past transmissions made at the user's provider, and the category boxes of the
    consent form (``drafted``: the ones ticked before a refused entry)."""
    consent = valid_jobcenter_consent(client, today)
    return {
        "jobcenter_consent": consent,
        "jobcenter_refusal": refusal(consent),
        "jobcenter_transmissions": JobcenterTransmission.objects.visible_to(user)
        .filter(client=client)
        .select_related("created_by"),
        "consent_categories": [
            (value, label, value in drafted) for value, label in ConsentCategory.choices
        ],
    }
