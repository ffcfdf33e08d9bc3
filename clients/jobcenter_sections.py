"""The clients app's data on the Übermittlungsbogen, one function per consent category (see
``clients.jobcenter``). Each reads only through ``visible_to(user)``; outcomes count without
withdrawn entries, contacts without withdrawn ones."""

from __future__ import annotations

from clients.countries import COUNTRIES
from clients.households import age_on
from clients.jobcenter import Entry, jobcenter_section
from clients.models import (
    Client,
    ConsentCategory,
    Consultation,
    OutcomeCategory,
    OutcomeEvent,
    Referral,
)
from imcase.dates import german_date


def _country(code: str) -> str:
    return COUNTRIES.get(code, code)


@jobcenter_section(ConsentCategory.MASTER_DATA)
def master_data(user, client, today):
    nationalities = [client.nationality, *client.further_nationalities]
    return [
        Entry("Geschlecht", client.get_sex_display()),
        Entry("Staatsangehörigkeit", ", ".join(_country(code) for code in nationalities if code)),
        Entry("Wohngemeinde", client.municipality.name),
    ]


@jobcenter_section(ConsentCategory.RESIDENCE)
def residence(user, client, today):
    entries = [Entry("Aufenthaltsstatus", client.get_residence_status_display())]
    if client.assignment_date:
        entries.append(Entry("Zuweisung in die AU", german_date(client.assignment_date)))
    return entries


@jobcenter_section(ConsentCategory.HOUSEHOLD)
def household(user, client, today):
    """Role and age of the members the user sees; no names (they did not consent)."""
    if client.household_id is None:
        return [Entry("Haushalt", "lebt allein")]
    members = (
        Client.objects.visible_to(user)
        .filter(household_id=client.household_id)
        .exclude(pk=client.pk)
        .order_by("birth_date", "pk")
    )
    entries = [Entry("eigene Rolle", client.get_household_role_display())]
    entries += [
        Entry(member.get_household_role_display(), f"{age_on(member.birth_date, today)} Jahre")
        for member in members
    ]
    return entries


def _outcomes(user, client, category: str) -> list[Entry]:
    events = (
        OutcomeEvent.objects.visible_to(user)
        .counted()
        .filter(client=client, kind__category=category)
        .select_related("kind")
        .order_by("started_on", "pk")
    )
    return [Entry(event.kind.name, _outcome_text(event)) for event in events]


def _outcome_text(event: OutcomeEvent) -> str:
    parts = [f"ab {german_date(event.started_on)}"]
    if event.ended_on:
        parts[0] = f"{german_date(event.started_on)} bis {german_date(event.ended_on)}"
    if event.certificate_level:
        parts.append(
            f"Zertifikat {event.certificate_level} vom {german_date(event.certificate_on)}"
        )
    if event.hours_band:
        parts.append(event.get_hours_band_display())
    parts.append(f"Quelle: {event.get_source_display()}")
    return ", ".join(parts)


@jobcenter_section(ConsentCategory.LANGUAGE)
def language(user, client, today):
    entries = []
    if client.languages:
        entries.append(Entry("Sprachen", ", ".join(client.languages)))
    return entries + _outcomes(user, client, OutcomeCategory.LANGUAGE)


@jobcenter_section(ConsentCategory.EDUCATION)
def education(user, client, today):
    return _outcomes(user, client, OutcomeCategory.EDUCATION)


@jobcenter_section(ConsentCategory.WORK)
def work(user, client, today):
    return _outcomes(user, client, OutcomeCategory.WORK)


@jobcenter_section(ConsentCategory.HOUSING)
def housing(user, client, today):
    return _outcomes(user, client, OutcomeCategory.HOUSING)


@jobcenter_section(ConsentCategory.REFERRALS)
def referrals(user, client, today):
    """Referrals to the Jobcenter from the provider's contacts (date and state, no notes)."""
    contacts = Consultation.objects.visible_to(user).filter(participants__client=client)
    found = (
        Referral.objects.filter(consultation__in=contacts, service__name__icontains="Jobcenter")
        .select_related("consultation", "service")
        .order_by("consultation__date", "pk")
    )
    return [
        Entry(
            f"{referral.service.name}, vermittelt am {german_date(referral.consultation.date)}",
            referral.get_status_display()
            + (
                f" (Stand vom {german_date(referral.status_changed_on)})"
                if referral.status_changed_on
                else ""
            ),
        )
        for referral in found
    ]


@jobcenter_section(ConsentCategory.CONTACT_PERSON)
def contact_person(user, client, today):
    manager = client.manager
    entries = []
    if manager is not None:
        entries.append(Entry("Integrationsmanager:in", manager.get_full_name() or manager.username))
        if manager.email:
            entries.append(Entry("E-Mail", manager.email))
    return entries
