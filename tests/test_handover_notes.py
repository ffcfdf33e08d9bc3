"""Handover from the vorläufige Unterbringung (issue 15, item 5): the VU's social worker finds
an arriving person only by exact Aktenzeichen and birth date, writes a note (health hints only
with the person's consent), sees his own notes and nothing else; the office writes on his
behalf; the new manager reads the note on the client page. Every lookup and read is audited."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.handover import (
    ARRIVAL_DAYS,
    FAILED_LOOKUPS_PER_DAY,
    NOT_FOUND,
    TOO_MANY,
    HandoverInput,
    record_handover_note,
)
from clients.models import Client, HandoverNote
from imcase.alerts.retention import apply_retention
from imcase.audit.models import AuditEntry
from imcase.organisation.models import Role
from tests.factories import ClientFactory, LandkreisFactory, MunicipalityFactory

pytestmark = pytest.mark.today("2026-11-16")

TODAY = dt.date(2026, 11, 16)
HANDOVER = "/klienten/uebergabe/"
MINE = "/klienten/uebergabe/meine/"
BIRTH = dt.date(1988, 2, 14)


@pytest.fixture
def arriving(world) -> Client:
    """Assigned to the AU two weeks ago, not yet given to a manager."""
    return ClientFactory(
        municipality=world.town,
        manager=None,
        aktenzeichen="VU-2026-0042",
        last_name="Karimi",
        first_name="Fatima",
        birth_date=BIRTH,
        assignment_date=dt.date(2026, 11, 2),
        opened_on=dt.date(2026, 11, 2),
    )


def pair(person: Client, **changes) -> dict:
    return {
        "aktenzeichen": person.aktenzeichen,
        "birth_date": person.birth_date.isoformat(),
        **changes,
    }


def note_data(person: Client, **fields) -> dict:
    return {
        **pair(person),
        "schritt": "speichern",
        "languages": "Dari: Muttersprache\nEnglisch: B1\nDeutsch: A1",
        "open_procedures": "Familiennachzug des Ehemanns beantragt",
        "documents": ["pass", "impfpass"],
        **fields,
    }


def without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# --- the lookup --------------------------------------------------------------------------------


def test_vu_finds_the_arriving_person_by_exact_aktenzeichen_and_birth_date(world, client, arriving):
    client.force_login(world.vu_user)
    response = client.post(HANDOVER, pair(arriving, aktenzeichen=" vu-2026-0042 "))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Übergabenotiz für Fatima Karimi" in content
    assert "Altstadt" in content
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_id) == ("view", str(arriving.code))
    assert entry.detail["event"] == "handover_lookup"
    assert entry.detail["found"] is True


def test_a_wrong_pair_answers_exactly_like_an_aktenzeichen_that_does_not_exist(
    world, client, arriving
):
    client.force_login(world.vu_user)
    wrong_birth = client.post(HANDOVER, pair(arriving, birth_date="1988-02-15"))
    missing = client.post(HANDOVER, pair(arriving, aktenzeichen="VU-2026-9999"))

    assert wrong_birth.status_code == missing.status_code == 200
    assert NOT_FOUND in wrong_birth.content.decode()
    assert "Karimi" not in wrong_birth.content.decode()
    # The form shows what was typed; apart from that the two answers are the same page.
    assert without_csrf(wrong_birth).replace("1988-02-15", "X").replace(
        arriving.aktenzeichen, "Y"
    ) == without_csrf(missing).replace("1988-02-14", "X").replace("VU-2026-9999", "Y")


@pytest.mark.parametrize("case", ["other_kreis", "closed", "long_ago", "prefix"])
def test_persons_not_arriving_in_his_kreis_are_not_found_either(world, client, arriving, case):
    person = arriving
    typed = arriving.aktenzeichen
    if case == "other_kreis":
        elsewhere = MunicipalityFactory(landkreis=LandkreisFactory(name="Nachbarkreis"))
        person = ClientFactory(
            municipality=elsewhere, birth_date=BIRTH, assignment_date=dt.date(2026, 11, 2)
        )
        typed = person.aktenzeichen
    elif case == "closed":
        Client.objects.filter(pk=arriving.pk).update(
            status=Client.Status.CLOSED, closed_on=dt.date(2026, 11, 10)
        )
    elif case == "long_ago":
        long_ago = TODAY - dt.timedelta(days=ARRIVAL_DAYS + 1)
        Client.objects.filter(pk=arriving.pk).update(assignment_date=long_ago)
    else:
        typed = arriving.aktenzeichen[:-1]
    client.force_login(world.vu_user)

    response = client.post(HANDOVER, pair(person, aktenzeichen=typed))

    assert response.status_code == 200
    assert NOT_FOUND in response.content.decode()
    entry = AuditEntry.objects.get()
    assert entry.object_type == "organisation.landkreis"
    assert entry.detail["found"] is False
    assert entry.detail["aktenzeichen"] == typed
    assert "birth_date" not in entry.detail


def test_after_too_many_misses_in_a_day_even_the_right_pair_is_refused(world, client, arriving):
    client.force_login(world.vu_user)
    for number in range(FAILED_LOOKUPS_PER_DAY):
        client.post(HANDOVER, pair(arriving, aktenzeichen=f"RATE-{number}"))

    response = client.post(HANDOVER, pair(arriving))

    assert TOO_MANY in response.content.decode()
    assert "Karimi" not in response.content.decode()
    assert AuditEntry.objects.latest("pk").detail["refused"] is True


def test_office_reads_the_vu_lookups_in_its_audit_log(world, client, arriving):
    client.force_login(world.vu_user)
    client.post(HANDOVER, pair(arriving, aktenzeichen="VU-2026-9999"))
    client.post(HANDOVER, note_data(arriving, on_behalf_of=""))
    client.force_login(world.office)

    content = client.get(reverse("audit_log"), {"benutzer": world.vu_user.pk}).content.decode()

    assert "kein Treffer" in content
    assert "eingegebenes Aktenzeichen: VU-2026-9999" in content
    assert "Übergabenotiz aus der VU erfasst" in content


def test_the_empty_lookup_form_shows_nobody_and_writes_nothing(world, client):
    client.force_login(world.vu_user)
    response = client.get(HANDOVER)
    assert response.status_code == 200
    assert "Person suchen" in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_an_incomplete_lookup_is_refused_without_a_lookup(world, client, arriving):
    client.force_login(world.vu_user)
    response = client.post(HANDOVER, {"aktenzeichen": arriving.aktenzeichen})
    assert response.status_code == 400
    assert not AuditEntry.objects.exists()


# --- writing the note --------------------------------------------------------------------------


def test_vu_writes_a_note_in_his_own_name(world, client, arriving):
    client.force_login(world.vu_user)
    response = client.post(HANDOVER, note_data(arriving, on_behalf_of="Jemand anderes"))

    assert response.status_code == 302
    assert response.url == MINE
    note = HandoverNote.objects.get()
    assert note.client == arriving
    assert note.written_by == world.vu_user
    assert note.on_behalf_of == ""
    assert note.languages == [
        {"language": "Dari", "level": "Muttersprache"},
        {"language": "Englisch", "level": "B1"},
        {"language": "Deutsch", "level": "A1"},
    ]
    assert note.documents == ["pass", "impfpass"]
    created = AuditEntry.objects.get(action=AuditEntry.Action.CREATE)
    assert created.object_id == str(arriving.code)
    assert created.detail["event"] == "handover_note"
    assert created.detail["health_hints"] is False


def test_health_hints_without_consent_are_refused_in_german(world, client, arriving):
    client.force_login(world.vu_user)
    response = client.post(HANDOVER, note_data(arriving, health_hints="Diabetes Typ 1"))

    assert response.status_code == 200  # the form again, with the person: an audited read
    assert "nur weitergegeben werden, wenn die Person in die Weitergabe eingewilligt" in (
        response.content.decode()
    )
    assert not HandoverNote.objects.exists()


def test_consent_needs_who_declared_it_and_when(world, client, arriving):
    client.force_login(world.vu_user)
    response = client.post(
        HANDOVER, note_data(arriving, health_consent="on", health_hints="Diabetes Typ 1")
    )
    content = response.content.decode()
    assert "Bitte angeben, wer die Einwilligung erklärt hat." in content
    assert "Bitte das Datum der Einwilligung angeben." in content
    assert not HandoverNote.objects.exists()


def test_health_hints_with_stated_consent_are_kept(world, client, arriving):
    client.force_login(world.vu_user)
    client.post(
        HANDOVER,
        note_data(
            arriving,
            health_consent="on",
            consent_declared_by="person",
            consent_declared_on="2026-11-12",
            health_hints="Diabetes Typ 1, braucht Insulin",
        ),
    )
    note = HandoverNote.objects.get()
    assert (note.health_consent, note.consent_declared_on) == (True, dt.date(2026, 11, 12))
    assert note.health_hints == "Diabetes Typ 1, braucht Insulin"


def test_the_service_refuses_health_hints_without_consent(world, arriving):
    with pytest.raises(ValidationError) as refusal:
        record_handover_note(world.vu_user, arriving, HandoverInput(health_hints="Asthma"), TODAY)
    assert "health_hints" in refusal.value.error_dict


def test_a_note_is_not_changed_after_saving(world, arriving):
    note = record_handover_note(world.vu_user, arriving, HandoverInput(), TODAY)
    note.open_procedures = "nachträglich"
    with pytest.raises(ValidationError):
        note.save()


def test_a_correction_is_a_new_note_and_the_manager_sees_both(world, client, arriving):
    record_handover_note(world.vu_user, arriving, HandoverInput(open_procedures="Erste"), TODAY)
    record_handover_note(world.vu_user, arriving, HandoverInput(open_procedures="Korrektur"), TODAY)
    arriving.manager = world.owner
    arriving.save()
    client.force_login(world.owner)
    content = client.get(reverse("clients:detail", args=[arriving.code])).content.decode()
    assert content.index("Korrektur") < content.index("Frühere Übergabenotizen (1)")
    assert content.index("Frühere Übergabenotizen (1)") < content.index("Erste")


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "outsider", "municipality_user", "rp_user", "admin"]
)
def test_only_the_vu_and_the_office_reach_the_handover_pages(world, client, arriving, persona):
    client.force_login(getattr(world, persona))
    assert client.get(HANDOVER).status_code == 404
    assert client.post(HANDOVER, note_data(arriving)).status_code == 404
    assert client.get(MINE).status_code == 404
    assert not HandoverNote.objects.exists()
    assert not AuditEntry.objects.exists()


# --- the office on the VU's behalf -------------------------------------------------------------


def test_office_writes_the_note_on_behalf_of_the_vu_social_worker(world, client, arriving):
    client.force_login(world.office)
    refused = client.post(HANDOVER, note_data(arriving))
    assert "für welche Sozialarbeiter:in der VU" in refused.content.decode()

    response = client.post(HANDOVER, note_data(arriving, on_behalf_of="Miriam Yilmaz"))

    assert response.status_code == 302
    note = HandoverNote.objects.get()
    assert (note.written_by, note.on_behalf_of) == (world.office, "Miriam Yilmaz")
    arriving.manager = world.owner
    arriving.save()
    client.force_login(world.owner)
    content = client.get(reverse("clients:detail", args=[arriving.code])).content.decode()
    assert "(Koordinierungsstelle) im Auftrag von Miriam Yilmaz" in content


# --- what the VU sees --------------------------------------------------------------------------


def test_vu_sees_the_notes_he_wrote_and_no_one_elses(world, client, arriving):
    other = ClientFactory(
        municipality=world.town, last_name="Nasser", birth_date=BIRTH, assignment_date=TODAY
    )
    record_handover_note(world.vu_user, arriving, HandoverInput(open_procedures="Meine"), TODAY)
    record_handover_note(
        world.office, other, HandoverInput(open_procedures="Fremde", on_behalf_of="X"), TODAY
    )
    client.force_login(world.vu_user)

    response = client.get(MINE)

    content = response.content.decode()
    assert "Karimi" in content and "Meine" in content
    assert "Nasser" not in content and "Fremde" not in content
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.object_id == str(arriving.code)
    assert entry.detail["event"] == "handover_notes_own"


@pytest.mark.parametrize(
    "url_name,kwargs",
    [
        ("clients:list", {}),
        ("clients:caseload", {}),
        ("clients:detail", "client"),
        ("clients:edit", "client"),
        ("clients:household", "client"),
        ("clients:export", {}),
        ("clients:import", {}),
        ("reporting:dashboard", {}),
        ("reporting:figures", {}),
        ("reporting:annual_report", {}),
        ("reporting:submissions", {}),
        ("funding:index", {}),
        ("audit_log", {}),
    ],
)
def test_vu_opens_no_client_page_list_dashboard_or_export(world, client, url_name, kwargs):
    if kwargs == "client":
        kwargs = {"code": world.client.code}
    client.force_login(world.vu_user)
    response = client.get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == 404, url_name
    assert "Haddad" not in response.content.decode()


@pytest.mark.parametrize(
    "identifier", ["client_list", "kennzahlentabelle", "jahresbericht_pdf", "funding_overview"]
)
def test_vu_cannot_start_an_export(world, client, identifier):
    client.force_login(world.vu_user)
    response = client.post(reverse("exports:start", args=[identifier]))
    assert response.status_code == 404


# --- what the new manager sees -----------------------------------------------------------------


def test_manager_sees_the_note_with_the_consent_stated(world, client, arriving):
    record_handover_note(
        world.vu_user,
        arriving,
        HandoverInput(
            languages=[{"language": "Dari", "level": "Muttersprache"}],
            documents=["pass", "zeugnisse"],
            health_consent=True,
            consent_declared_by="person",
            consent_declared_on=dt.date(2026, 11, 12),
            health_hints="Diabetes Typ 1",
        ),
        TODAY,
    )
    arriving.manager = world.owner
    arriving.save()
    client.force_login(world.owner)

    response = client.get(reverse("clients:detail", args=[arriving.code]))

    content = response.content.decode()
    assert "Übergabe aus der vorläufigen Unterbringung" in content
    assert (
        "Einwilligung zur Weitergabe gesundheitlicher Hinweise: ja, erklärt am 12.11.2026"
        in content
    )
    assert "Diabetes Typ 1" in content
    assert "Dari (Muttersprache)" in content
    assert "Pass oder Passersatz, Schul- und Berufszeugnisse" in content
    # The note is above the other sections of the case (the plan comes after it).
    assert content.index('id="uebergabe"') < content.index('id="integrationsplan"')
    entry = AuditEntry.objects.get(action=AuditEntry.Action.VIEW)
    assert entry.object_id == str(arriving.code)
    assert "Übergabenotizen" in entry.detail["read"]


def test_without_consent_the_page_says_so_and_shows_no_health_hints(world, client, arriving):
    record_handover_note(world.vu_user, arriving, HandoverInput(open_procedures="Asyl"), TODAY)
    client.force_login(world.colleague)  # the team lead of the region
    content = client.get(reverse("clients:detail", args=[arriving.code])).content.decode()
    assert "Einwilligung zur Weitergabe gesundheitlicher Hinweise: nein" in content
    assert "Gesundheitliche Hinweise</dt>" not in content


def test_outsider_gets_404_for_the_client_page_with_a_note(world, client, arriving):
    record_handover_note(world.vu_user, arriving, HandoverInput(open_procedures="Asyl"), TODAY)
    client.force_login(world.outsider)
    response = client.get(reverse("clients:detail", args=[arriving.code]))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.VIEW).exists()


def test_notes_are_visible_only_where_the_person_is(world, arriving):
    record_handover_note(world.vu_user, arriving, HandoverInput(), TODAY)
    assert HandoverNote.objects.visible_to(world.owner).count() == 1
    for user in (world.outsider, world.municipality_user, world.rp_user, world.office):
        assert HandoverNote.objects.visible_to(user).count() == 0


def test_retention_deletes_the_notes_of_an_anonymised_case(world, arriving, settings):
    record_handover_note(
        world.vu_user,
        arriving,
        HandoverInput(
            health_consent=True,
            consent_declared_by="person",
            consent_declared_on=TODAY,
            health_hints="Asthma",
        ),
        TODAY,
    )
    Client.objects.filter(pk=arriving.pk).update(
        status=Client.Status.CLOSED, closed_on=dt.date(2026, 11, 16)
    )
    result = apply_retention(dt.date(2026, 11, 16) + dt.timedelta(days=settings.RETENTION_DAYS + 1))
    assert result.changed["handover_notes"] == 1
    assert not HandoverNote.objects.exists()


def test_vu_role_needs_a_kreis(db):
    from imcase.organisation.models import StaffMember

    with pytest.raises(ValidationError) as refusal:
        StaffMember(role=Role.VU).clean()
    assert "landkreis" in refusal.value.error_dict
