"""Netzwerkarbeit (issue 15, item 4): a manager records activities that are not about one
person; they are edited with optimistic locking, withdrawn (kept, not counted), seen by the
own provider only, and count in the staff figures (share of documented working time) on the
dashboard and in the Jahresbericht."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import docx
import pytest
from django.urls import reverse

from clients.models import NetworkActivity, NetworkActivityKind, RegularService
from clients.network_services import (
    NetworkActivityInput,
    record_network_activity,
    update_network_activity,
    withdraw_network_activity,
)
from imcase.audit.models import AuditEntry
from imcase.errors import ServiceError, StaleVersionError
from reporting.annual_report import ReportScope, build_report
from reporting.kennzahlen.queries import Period, run
from reporting.kennzahlen.queries_network import (
    network_activities_by_kind,
    network_by_kind,
    network_minutes,
    network_total,
    network_work,
)
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.today("2026-01-20")
YEAR = 2025


def _input(**changes) -> NetworkActivityInput:
    data = {
        "kind": NetworkActivityKind.ROUND_TABLE,
        "date": dt.date(YEAR, 3, 12),
        "duration_minutes": 120,
        "topic": "Runder Tisch Asyl Altstadt",
        "participants": 14,
    }
    return NetworkActivityInput(**{**data, **changes})


def _form(activity: NetworkActivity | None = None, **changes) -> dict:
    data = {
        "kind": NetworkActivityKind.ROUND_TABLE,
        "date": f"{YEAR}-03-12",
        "duration_minutes": "120",
        "participants": "14",
        "topic": "Runder Tisch Asyl Altstadt",
        "other_partners": "",
    }
    if activity is not None:
        data["version"] = str(activity.version)
    return {**data, **changes}


@pytest.fixture
def jobcenter(db) -> RegularService:
    return RegularService.objects.get_or_create(name="Jobcenter")[0]


@pytest.fixture
def activity(world, jobcenter) -> NetworkActivity:
    return record_network_activity(
        world.owner, _input(partners=[jobcenter], other_partners="Helferkreis Altstadt")
    )


# --- recording, editing, withdrawing --------------------------------------------------------


def test_a_manager_records_an_activity_from_the_network_page(world, jobcenter, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:network"),
        _form(partners=[str(jobcenter.pk)], other_partners="Sportverein"),
        secure=True,
    )
    assert response.status_code == 302
    activity = NetworkActivity.objects.get()
    assert (activity.provider, activity.recorded_by) == (world.provider, world.owner)
    assert (activity.duration_minutes, activity.participants, activity.version) == (120, 14, 1)
    assert activity.partners_text == "Jobcenter, Sportverein"
    first = activity.history.get()
    assert first.history_type == "+"
    assert [p.regularservice_id for p in first.partners.all()] == [jobcenter.pk]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE)
    assert entry.object_id == str(activity.code)
    page = client.get(response["Location"], secure=True).content.decode()
    assert "Runder Tisch Asyl Altstadt" in page
    assert "Jobcenter, Sportverein" in page


def test_the_manager_navigation_leads_to_the_network_page(world, client):
    client.force_login(world.owner)
    page = client.get(reverse("home"), secure=True).content.decode()
    assert f'href="{reverse("clients:network")}"' in page
    assert client.get(reverse("clients:network"), secure=True).status_code == 200


def test_a_future_date_and_missing_topic_are_refused(world):
    with pytest.raises(ServiceError) as refused:
        record_network_activity(world.owner, _input(date=dt.date(2026, 2, 1), topic=" "))
    assert set(refused.value.error_dict) == {"date", "topic"}


def test_an_edit_keeps_the_earlier_state_in_the_history(world, activity, client):
    client.force_login(world.colleague)  # the team lead of the same provider
    url = reverse("clients:network_edit", args=[activity.code])
    response = client.post(url, _form(activity, duration_minutes="150"), secure=True)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.duration_minutes, activity.version) == (150, 2)
    assert list(activity.partners.all()) == []  # unticked
    assert activity.history.count() == 2
    page = client.get(url, secure=True).content.decode()
    assert "Dauer (Minuten)" in page and "geändert" in page


def test_a_stale_version_is_refused_and_nothing_is_overwritten(world, activity, client):
    update_network_activity(world.colleague, activity, _input(participants=20), 1)
    with pytest.raises(StaleVersionError):
        update_network_activity(world.owner, activity, _input(participants=9), 1)
    client.force_login(world.owner)
    url = reverse("clients:network_edit", args=[activity.code])
    response = client.post(url, {**_form(participants="9"), "version": "1"}, secure=True)
    assert response.status_code == 400
    assert "inzwischen von jemand anderem geändert" in response.content.decode()
    activity.refresh_from_db()
    assert (activity.participants, activity.version) == (20, 2)


def test_a_withdrawn_activity_is_kept_shown_and_no_longer_changed(world, activity, client):
    client.force_login(world.owner)
    response = client.post(
        reverse("clients:network_withdraw", args=[activity.code]),
        {"reason": "doppelt erfasst", "version": "1"},
        secure=True,
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_withdrawn and activity.withdrawal_reason == "doppelt erfasst"
    assert activity.withdrawn_by == world.owner
    page = client.get(reverse("clients:network_edit", args=[activity.code]), secure=True)
    assert "zurückgenommen" in page.content.decode()
    assert "Änderungen speichern" not in page.content.decode()
    with pytest.raises(ServiceError, match="zurückgenommen"):
        update_network_activity(world.owner, activity, _input(), activity.version)


def test_a_withdrawal_needs_a_reason(world, activity):
    with pytest.raises(ServiceError):
        withdraw_network_activity(world.owner, activity, "  ", 1)
    assert not NetworkActivity.objects.get().is_withdrawn


# --- who sees what --------------------------------------------------------------------------


def test_a_manager_of_another_provider_gets_404(world, activity, client):
    client.force_login(world.outsider)
    edit = reverse("clients:network_edit", args=[activity.code])
    assert client.get(edit, secure=True).status_code == 404
    assert client.post(edit, _form(activity), secure=True).status_code == 404
    withdraw = reverse("clients:network_withdraw", args=[activity.code])
    assert client.post(withdraw, {"reason": "x", "version": "1"}, secure=True).status_code == 404
    listing = client.get(reverse("clients:network") + f"?jahr={YEAR}", secure=True)
    assert "Runder Tisch Asyl Altstadt" not in listing.content.decode()
    with pytest.raises(ServiceError):
        withdraw_network_activity(world.outsider, activity, "x", 1)
    assert not NetworkActivity.objects.get().is_withdrawn


@pytest.mark.parametrize("persona", ["office", "municipality_user", "rp_user", "admin"])
def test_only_case_workers_have_the_network_page(world, activity, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("clients:network"), secure=True).status_code == 404
    edit = reverse("clients:network_edit", args=[activity.code])
    assert client.get(edit, secure=True).status_code == 404
    assert NetworkActivity.objects.visible_to(getattr(world, persona)).count() == 0


# --- figures --------------------------------------------------------------------------------


@pytest.fixture
def year_of_network_work(world, activity):
    """Provider: 120 + 90 min of network work (and 60 min withdrawn), two contacts of 45 min
    each; other provider: 45 min of network work, no contacts. Staff: owner 1.00 VZÄ and
    team lead 1.00 VZÄ at the provider, outsider 1.00 VZÄ at the other."""
    record_network_activity(
        world.owner,
        _input(
            kind=NetworkActivityKind.VOLUNTEERS,
            date=dt.date(YEAR, 6, 3),
            duration_minutes=90,
            participants=8,
        ),
    )
    wrong = record_network_activity(world.owner, _input(duration_minutes=60, participants=5))
    withdraw_network_activity(world.owner, wrong, "doppelt erfasst", 1)
    record_network_activity(world.owner, _input(date=dt.date(2024, 12, 31)))  # other year
    record_network_activity(
        world.outsider,
        _input(kind=NetworkActivityKind.COOPERATION, duration_minutes=45, participants=4),
    )
    for day in (dt.date(YEAR, 2, 1), dt.date(YEAR, 9, 1)):
        ConsultationFactory(
            provider=world.provider, client=world.client, date=day, recorded_by=world.owner
        )
    return world


def test_figures_counted_by_hand(year_of_network_work):
    world = year_of_network_work
    period = Period(world.landkreis.pk, YEAR)
    assert run(network_minutes(period), by_provider=True) == {
        (world.provider.pk,): 210,
        (world.other_provider.pk,): 45,
    }
    assert run(network_activities_by_kind(period), by_provider=False) == {
        (NetworkActivityKind.ROUND_TABLE,): 1,
        (NetworkActivityKind.VOLUNTEERS,): 1,
        (NetworkActivityKind.COOPERATION,): 1,
    }
    lines = {line.provider_id: line for line in network_work(period)}
    ours, theirs = lines[world.provider.pk], lines[world.other_provider.pk]
    assert (ours.activities, ours.minutes, ours.participants) == (2, 210, 22)
    assert ours.contact_minutes == 90
    assert ours.share_percent == Decimal("70.0")  # 210 / (210 + 90)
    assert ours.vza == Decimal("2")
    assert ours.hours_per_vza == Decimal("1.8")  # 3.5 h / 2 VZÄ
    assert (theirs.activities, theirs.minutes, theirs.contact_minutes) == (1, 45, 0)
    assert theirs.share_percent == Decimal("100.0")
    total = network_total(list(lines.values()))
    assert (total.minutes, total.contact_minutes) == (255, 90)
    assert total.share_percent == Decimal("73.9")  # 255 / 345
    own = Period(world.landkreis.pk, YEAR, world.provider.pk)
    assert [line.provider_id for line in network_work(own)] == [world.provider.pk]
    kinds = {line.kind: line for line in network_by_kind(own)}
    assert (kinds["runder_tisch"].activities, kinds["runder_tisch"].minutes) == (1, 120)
    assert kinds["kooperation"].activities == 0  # the other provider's is not mixed in


def test_the_dashboard_shows_the_share_of_network_work(year_of_network_work, client):
    world = year_of_network_work
    client.force_login(world.office)
    page = client.get(reverse("reporting:dashboard") + f"?jahr={YEAR}", secure=True)
    body = page.content.decode()
    assert "Netzwerkarbeit 2025: Anteil an der dokumentierten Arbeitszeit" in body
    assert "70,0 %" in body and "100,0 %" in body and "73,9 %" in body
    client.force_login(world.owner)
    body = client.get(reverse("reporting:dashboard") + f"?jahr={YEAR}", secure=True)
    body = body.content.decode()
    assert "70,0 %" in body
    assert "Stadt Neustadt" not in body.split("netzwerkarbeit", 1)[1].split("</section>", 1)[0]


def test_the_annual_report_has_a_network_section(year_of_network_work, client):
    world = year_of_network_work
    report = build_report(ReportScope(world.landkreis, None), YEAR, dt.date(2026, 1, 20))
    chart = next(chart for chart in report.charts if chart.key == "netzwerkarbeit")
    assert chart.title == "Netzwerkarbeit"
    assert ["Runder Tisch", "1", "2,0", "14"] in chart.body
    assert ["Ehrenamtskoordination", "1", "1,5", "8"] in chart.body
    assert ["zusammen", "3", "4,3", "26"] in chart.body
    assert "73,9 %" in chart.note
    client.force_login(world.office)
    html = client.get(reverse("reporting:annual_report") + f"?jahr={YEAR}", secure=True)
    assert "Netzwerkarbeit" in html.content.decode()
    response = client.get(reverse("reporting:annual_report_docx", args=[YEAR]), secure=True)
    document = docx.Document(io.BytesIO(response.content))
    assert "Netzwerkarbeit" in [p.text for p in document.paragraphs]
    provider = build_report(
        ReportScope(world.landkreis, world.provider), YEAR, dt.date(2026, 1, 20)
    )
    chart = next(chart for chart in provider.charts if chart.key == "netzwerkarbeit")
    assert ["zusammen", "2", "3,5", "22"] in chart.body


def test_the_list_filters_by_year_and_kind_and_sums_without_withdrawn(year_of_network_work, client):
    world = year_of_network_work
    client.force_login(world.owner)
    response = client.get(reverse("clients:network"), {"jahr": YEAR}, secure=True)
    assert len(response.context["activities"]) == 3  # the withdrawn one is listed, marked
    assert response.context["total_count"] == 2
    assert response.context["total_hours"] == "3,5"
    assert "zurückgenommen" in response.content.decode()
    # The filter's button is readable: one button style, not blue text on a blue button.
    button = re.search(
        r'<input type="submit"[^>]*value="Anzeigen"[^>]*>', response.content.decode()
    )
    assert button and "btn-primary" in button.group() and "btn-outline" not in button.group()
    response = client.get(
        reverse("clients:network"), {"jahr": YEAR, "art": "ehrenamt"}, secure=True
    )
    assert [a.kind for a in response.context["activities"]] == ["ehrenamt"]
    response = client.get(reverse("clients:network"), {"jahr": 2024}, secure=True)
    assert [a.date for a in response.context["activities"]] == [dt.date(2024, 12, 31)]


def test_the_2026_table_counts_network_work_in_the_staff_figures(year_of_network_work):
    from reporting.kennzahlen.registry import definition_for
    from reporting.kennzahlen.table import compute_table

    world = year_of_network_work
    # The 2026 definition's figures applied to this fixture's year (2025).
    table = compute_table(world.landkreis, YEAR, definition=definition_for(2026))
    ours, theirs = f"p{world.provider.pk}", f"p{world.other_provider.pk}"
    assert table.value("P05", "Runder Tisch", ours) == 1
    assert table.value("P05", "Kooperationstreffen", theirs) == 1
    assert table.value("P05", "insgesamt") == 3
    assert table.value("P06", "insgesamt", ours) == Decimal("3.50")  # 210 minutes
    assert table.value("P06", "insgesamt") == Decimal("4.25")  # 255 minutes, no withdrawn one
    personal = next(s for s in table.sections if s.group.key == "personal")
    assert [line.figure.id for line in personal.lines][-1] == "P06"
