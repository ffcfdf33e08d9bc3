"""Exports when things go wrong: the task is sent only after commit, and a dead broker gives a
clear German message while every page keeps working.

These tests commit for real (``transactional_db``), as the web server does, so the on-commit
hooks run exactly when they would in production.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from imcase.celery import app as celery_app
from imcase.exports import services
from imcase.exports.models import GeneratedFile
from imcase.exports.registry import get_export

START = reverse("exports:start", args=["client_list"])
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def inline(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def broker_down(monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT)


def test_task_is_sent_only_after_the_transaction_commits(transactional_db, world, inline):
    export = get_export("client_list")
    params = export.clean_params(world.owner, {})

    with transaction.atomic():
        generated = services.start_export(world.owner, export, params)
        assert GeneratedFile.objects.get(pk=generated.pk).status == "pending"

    assert GeneratedFile.objects.get(pk=generated.pk).status == "done"


def test_without_broker_the_export_runs_inline_in_the_request(
    transactional_db, world, client, inline
):
    client.force_login(world.owner)

    response = client.post(START)

    generated = GeneratedFile.objects.get()
    assert generated.status == GeneratedFile.Status.DONE
    assert response["Location"] == reverse("exports:detail", args=[generated.code])


def test_dead_broker_gives_a_clear_message_and_back_to_the_list(
    transactional_db, world, client, broker_down
):
    client.force_login(world.owner)

    response = client.post(START + "?fallstatus=open")

    assert response.status_code == 302
    assert response["Location"] == reverse("clients:list") + "?fallstatus=open"
    page = client.get(response["Location"]).content.decode()
    assert "Hintergrunddienst nicht erreichbar" in page
    generated = GeneratedFile.objects.get()
    assert generated.status == GeneratedFile.Status.FAILED
    assert generated.error == services.UNAVAILABLE


def test_pages_keep_working_while_the_broker_is_down(transactional_db, world, client, broker_down):
    client.force_login(world.owner)

    for name in ("home", "clients:list", "clients:caseload", "alerts:list", "exports:list"):
        assert client.get(reverse(name)).status_code == 200, name
