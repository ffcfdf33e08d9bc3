"""The audit log records who viewed which client record and cannot be changed."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from imcase.audit.models import AppendOnlyError, AuditEntry


def test_viewing_a_client_writes_an_audit_entry(world, client):
    client.force_login(world.owner)
    client.get(reverse("clients:detail", args=[world.client.code]))
    entry = AuditEntry.objects.get()
    assert entry.actor == world.owner
    assert entry.action == AuditEntry.Action.VIEW
    assert entry.object_id == str(world.client.code)
    assert entry.object_label == world.client.aktenzeichen


def test_refused_access_writes_no_entry(world, client):
    client.force_login(world.outsider)
    client.get(reverse("clients:detail", args=[world.client.code]))
    assert not AuditEntry.objects.exists()


def test_audit_entries_cannot_be_changed_or_deleted_through_the_orm(world, client):
    client.force_login(world.owner)
    client.get(reverse("clients:detail", args=[world.client.code]))
    entry = AuditEntry.objects.get()
    entry.actor_name = "jemand anderes"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigger exists on PostgreSQL")
def test_database_refuses_update_and_delete_of_audit_entries(world, client):
    client.force_login(world.owner)
    client.get(reverse("clients:detail", args=[world.client.code]))
    for statement in (
        "UPDATE audit_auditentry SET actor_name = 'x'",
        "DELETE FROM audit_auditentry",
    ):
        with (
            pytest.raises(DatabaseError, match="unveränderlich"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.get().actor_name == "owner"


def test_administrator_reads_the_audit_log(world, client):
    client.force_login(world.owner)
    client.get(reverse("clients:detail", args=[world.client.code]))
    client.force_login(world.admin)
    response = client.get(reverse("audit_log"), {"objekt": world.client.aktenzeichen})
    assert response.status_code == 200
    assert world.client.aktenzeichen in response.content.decode()
    assert "angesehen" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["owner", "colleague", "outsider", "municipality_user", "rp_user"]
)
def test_audit_log_is_hidden_from_everyone_but_administrators_and_the_office(
    world, client, persona
):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("audit_log")).status_code == 404


def test_audit_log_in_django_admin_is_read_only(world, client):
    client.force_login(world.owner)
    client.get(reverse("clients:detail", args=[world.client.code]))
    entry = AuditEntry.objects.get()
    client.force_login(world.admin)
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    response = client.post(
        reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
