"""The one optimistic-locking helper (``imcase.locking``): a row is locked only as the actor may
see it, a save based on an older version is refused in German and overwrites nothing, and a
new version writes only the fields it names."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import Client, Consultation
from clients.services import save_client
from funding.models import FundingYear
from imcase.errors import ServiceError, StaleVersionError
from imcase.locking import check_version, lock_visible
from imcase.organisation.access import scope_for
from plans.models import Plan
from plans.services import StalePlanError
from tests.factories import ConsultationFactory, FundingYearFactory, PlanFactory

REFUSAL = "Diese Person liegt nicht in Ihrem Zuständigkeitsbereich."
STALE = (
    "Dieser Datensatz wurde inzwischen von jemand anderem geändert. Ihre Änderungen wurden "
    "nicht gespeichert. Bitte laden Sie die Seite neu und tragen Sie sie erneut ein."
)


def _lock_client(actor, pk, expected_version):
    with transaction.atomic():
        return lock_visible(actor, Client.objects, pk, expected_version, refusal=REFUSAL)


def test_owner_locks_the_client_at_the_version_the_page_was_built_from(world):
    locked = _lock_client(world.owner, world.client.pk, world.client.version)
    assert locked == world.client
    assert locked.version == world.client.version


def test_stale_version_is_refused_in_german_and_nothing_is_overwritten(world):
    loaded_version = world.client.version
    first = Client.objects.get(pk=world.client.pk)
    first.first_name = "Amira"
    save_client(world.owner, first, expected_version=loaded_version)

    second = Client.objects.get(pk=world.client.pk)
    second.first_name = "Aminata"
    with pytest.raises(StaleVersionError) as refused:
        save_client(world.owner, second, expected_version=loaded_version)

    assert refused.value.messages == [STALE]
    stored = Client.objects.get(pk=world.client.pk)
    assert stored.first_name == "Amira"
    assert stored.version == loaded_version + 1


def test_outsider_is_refused_exactly_like_a_missing_row(world):
    with pytest.raises(ServiceError) as hidden:
        _lock_client(world.outsider, world.client.pk, None)
    with pytest.raises(ServiceError) as missing:
        _lock_client(world.owner, 0, None)
    assert hidden.value.messages == missing.value.messages == [REFUSAL]


def test_outsider_is_refused_before_the_version_is_compared(world):
    # An outsider must not learn that the row exists by getting the stale message instead.
    with pytest.raises(ServiceError) as refused:
        _lock_client(world.outsider, world.client.pk, world.client.version + 5)
    assert not isinstance(refused.value, StaleVersionError)


def test_outsider_gets_a_404_for_the_edit_page(world, client):
    client.force_login(world.outsider)
    response = client.get(reverse("clients:edit", args=[world.client.code]))
    assert response.status_code == 404


def test_lock_is_one_select_for_update_of_the_row_only(world):
    scope_for(world.owner)  # the scope is loaded once per request, before any lock
    with CaptureQueriesContext(connection) as queries:
        _lock_client(world.owner, world.client.pk, world.client.version)
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert len(selects) == 1
    if connection.vendor == "postgresql":
        assert 'FOR UPDATE OF "clients_client"' in selects[0]


def test_a_scope_with_distinct_rows_can_be_locked(world):
    # Consultation.visible_to is DISTINCT (one row per participant); PostgreSQL locks no rows
    # of a DISTINCT query, so the helper must check visibility in a subquery.
    consultation = ConsultationFactory(client=world.client, provider=world.provider)
    with transaction.atomic():
        locked = lock_visible(
            world.owner, Consultation.objects, consultation.pk, 1, refusal="nicht sichtbar"
        )
    assert locked == consultation


def test_none_as_expected_version_compares_nothing(world):
    check_version(world.client, None)
    with pytest.raises(StaleVersionError):
        check_version(world.client, world.client.version + 1)


def test_a_model_may_name_its_own_version_field_and_stale_error(world):
    plan = PlanFactory(client=world.client)
    plan.save_new_version()
    plan.refresh_from_db()
    assert plan.lock_version == 2

    with transaction.atomic(), pytest.raises(StalePlanError) as refused:
        lock_visible(
            world.owner, Plan.objects, plan.pk, 1, refusal=REFUSAL, stale_error=StalePlanError
        )
    assert "Der Integrationsplan wurde inzwischen" in refused.value.messages[0]


def test_new_version_writes_only_the_named_fields_in_one_query(db):
    funding_year = FundingYearFactory()
    funding_year.list_deadline = dt.date(2024, 2, 1)
    funding_year.period_start = dt.date(2019, 1, 1)  # changed in memory, not named: not written

    with CaptureQueriesContext(connection) as queries:
        funding_year.save_new_version("list_deadline")

    assert len(queries.captured_queries) == 1
    stored = FundingYear.objects.get(pk=funding_year.pk)
    assert stored.version == 2
    assert stored.list_deadline == dt.date(2024, 2, 1)
    assert stored.period_start == dt.date(2020, 1, 1)


def test_new_version_also_writes_the_change_time(world):
    # ``update_fields`` would leave ``auto_now`` fields out; the helper adds them.
    stored = Client.objects.get(pk=world.client.pk)
    stored.nationality = "UKR"
    with CaptureQueriesContext(connection) as queries:
        stored.save_new_version("nationality")
    update = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE"))
    assert '"updated_at"' in update
    assert '"last_name"' not in update
    stored.refresh_from_db()
    assert (stored.nationality, stored.version) == ("UKR", world.client.version + 1)
