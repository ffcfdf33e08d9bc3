"""Alerts in the app: the bell, the list, opening and marking done; only one's own alerts;
and the daily e-mail digest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client
from imcase.alerts.context_processors import open_alerts
from imcase.alerts.digest import send_digests
from imcase.alerts.models import Alert


def make_alert(world, recipient=None, kind="window_ended", status=Alert.Status.OPEN, **extra):
    client = extra.pop("client", world.client)
    return Alert.objects.create(
        recipient=recipient or world.owner,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(Client),
        subject_id=client.pk,
        due_date=extra.pop("due_date", dt.date(2027, 3, 2)),
        message=extra.pop("message", f"Der Beratungszeitraum von {client.full_name} endete."),
        link=reverse("clients:detail", args=[client.code]),
        status=status,
        created_on=dt.date(2027, 3, 2),
        **extra,
    )


# --- the bell -------------------------------------------------------------------------------


def test_bell_shows_the_number_of_open_alerts(world, client):
    make_alert(world)
    make_alert(world, kind="no_contact")
    make_alert(world, kind="window_ends_30", status=Alert.Status.DONE)
    make_alert(world, recipient=world.colleague, kind="window_ends_90")
    client.force_login(world.owner)

    content = client.get(reverse("home")).content.decode()

    assert 'href="/hinweise/"' in content
    assert '2<span class="visually-hidden"> offen</span>' in content


def test_bell_costs_one_query(world):
    make_alert(world)
    request = RequestFactory().get("/")
    request.user = world.owner

    with CaptureQueriesContext(connection) as queries:
        context = open_alerts(request)

    assert context == {"open_alert_count": 1}
    assert len(queries) == 1


def test_bell_is_not_shown_to_anonymous_visitors(client):
    assert "Hinweise" not in client.get(reverse("login")).content.decode()


# --- list, open, done -----------------------------------------------------------------------


def test_list_shows_only_the_users_own_open_alerts(world, client):
    make_alert(world, message="Haddad: Ausleitung fehlt")
    make_alert(world, recipient=world.colleague, kind="no_contact", message="Für die Teamleitung")
    make_alert(world, kind="no_contact", status=Alert.Status.DONE, message="Schon erledigt")
    client.force_login(world.owner)

    content = client.get(reverse("alerts:list")).content.decode()

    assert "Haddad: Ausleitung fehlt" in content
    assert "Beratungszeitraum beendet, Ausleitung fehlt" in content
    assert "Für die Teamleitung" not in content
    assert "Schon erledigt" not in content


def test_list_of_done_alerts_and_filter_by_kind(world, client):
    make_alert(world, message="offen und beendet")
    make_alert(world, kind="no_contact", message="offen ohne Kontakt")
    make_alert(world, kind="window_ends_30", status=Alert.Status.DONE, message="erledigt")
    client.force_login(world.owner)

    by_kind = client.get(reverse("alerts:list"), {"art": "no_contact"}).content.decode()
    done = client.get(reverse("alerts:list"), {"stand": "erledigt"}).content.decode()

    assert "offen ohne Kontakt" in by_kind and "offen und beendet" not in by_kind
    assert "erledigt" in done and "offen ohne Kontakt" not in done


def test_marking_done_removes_the_alert_from_the_open_list(world, client):
    alert = make_alert(world)
    client.force_login(world.owner)

    response = client.post(reverse("alerts:done", args=[alert.code]), {"weiter": "/hinweise/"})

    assert response.status_code == 302 and response["Location"] == "/hinweise/"
    alert.refresh_from_db()
    assert alert.status == Alert.Status.DONE and alert.done_at is not None
    assert client.post(reverse("alerts:done", args=[alert.code])).status_code == 302


def test_marking_done_ignores_a_foreign_return_address(world, client):
    alert = make_alert(world)
    client.force_login(world.owner)

    response = client.post(
        reverse("alerts:done", args=[alert.code]), {"weiter": "https://example.com/"}
    )

    assert response["Location"] == reverse("alerts:list")


def test_marking_done_needs_post(world, client):
    alert = make_alert(world)
    client.force_login(world.owner)

    assert client.get(reverse("alerts:done", args=[alert.code])).status_code == 405


def test_opening_an_alert_leads_to_its_record(world, client):
    alert = make_alert(world)
    client.force_login(world.owner)

    response = client.get(reverse("alerts:open", args=[alert.code]))

    assert response["Location"] == reverse("clients:detail", args=[world.client.code])


@pytest.mark.parametrize("persona", ["outsider", "colleague", "office", "admin"])
def test_another_users_alert_is_not_found(world, client, persona):
    alert = make_alert(world)
    client.force_login(getattr(world, persona))

    assert client.get(reverse("alerts:open", args=[alert.code])).status_code == 404
    assert client.post(reverse("alerts:done", args=[alert.code])).status_code == 404
    assert "Haddad" not in client.get(reverse("alerts:list")).content.decode()
    alert.refresh_from_db()
    assert alert.status == Alert.Status.OPEN


def test_alert_pages_need_a_login(world, client):
    alert = make_alert(world)

    for url in (reverse("alerts:list"), reverse("alerts:open", args=[alert.code])):
        response = client.get(url)
        assert response.status_code == 302 and "/anmelden/" in response["Location"]


# --- e-mail digest --------------------------------------------------------------------------


def test_digest_mails_each_user_his_new_alerts_once(world, mailoutbox):
    make_alert(world)
    make_alert(world, kind="no_contact", due_date=dt.date(2027, 1, 5))
    make_alert(world, recipient=world.colleague, kind="no_contact")

    assert send_digests() == 2
    assert send_digests() == 0

    mail = next(m for m in mailoutbox if m.to == [world.owner.email])
    assert mail.subject == "imcase: 2 neue Hinweise"
    assert "- Seit 90 Tagen kein Kontakt: 1 (frühestens fällig am 05.01.2027)" in mail.body
    assert "- Beratungszeitraum beendet, Ausleitung fehlt: 1" in mail.body
    assert "http://127.0.0.1:8000/hinweise/" in mail.body
    assert len(mailoutbox) == 2


def test_digest_names_no_person(world, mailoutbox):
    make_alert(world)

    send_digests()

    assert "Haddad" not in mailoutbox[0].body
    assert world.client.aktenzeichen not in mailoutbox[0].body


def test_digest_skips_done_alerts_and_users_without_address(world, mailoutbox):
    make_alert(world, status=Alert.Status.DONE)
    world.colleague.email = ""
    world.colleague.save()
    make_alert(world, recipient=world.colleague)

    assert send_digests() == 0
    assert mailoutbox == []


def test_digest_of_a_later_night_lists_only_the_new_alert(world, mailoutbox):
    make_alert(world)
    send_digests()
    make_alert(world, kind="no_contact")

    send_digests()

    assert mailoutbox[1].subject == "imcase: 1 neuer Hinweis"
    assert "Seit 90 Tagen kein Kontakt: 1" in mailoutbox[1].body
    assert "Ausleitung fehlt" not in mailoutbox[1].body


def test_failed_delivery_is_tried_again_the_next_night(world, mailoutbox, monkeypatch):
    alert = make_alert(world)

    def refuse(self, *args, **kwargs):
        raise OSError("Mailserver nicht erreichbar")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        assert send_digests() == 0
    alert.refresh_from_db()
    assert alert.emailed_at is None

    assert send_digests() == 1
