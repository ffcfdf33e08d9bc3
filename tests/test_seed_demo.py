"""``manage.py seed_demo``: structure of the demo Kreis, idempotence, determinism, ownership."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

from clients.models import Client
from imcase.organisation.demo import DEMO_PASSWORD, client_specs, demo_logins
from imcase.organisation.models import (
    Landkreis,
    Municipality,
    Provider,
    ProviderArea,
    Regierungspraesidium,
    Role,
    StaffMember,
    Team,
)

N = 150


def seed(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", "--clients", str(N), *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Every value of every table the command writes, in a stable order."""
    tables = {
        model.__name__: [
            {f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields}
            for obj in model.objects.order_by("pk")
        ]
        for model in (
            Regierungspraesidium,
            Landkreis,
            Municipality,
            Provider,
            ProviderArea,
            Team,
            StaffMember,
            get_user_model(),
            Client,
        )
    }
    tables["team_municipalities"] = sorted(
        Team.municipalities.through.objects.values_list("team_id", "municipality_id")
    )
    return tables


@pytest.mark.django_db
def test_builds_the_demo_kreis():
    output = seed()
    kreis = Landkreis.objects.get(name="Landkreis Musterkreis")
    assert kreis.regierungspraesidium.name == "Regierungspräsidium Stuttgart"
    munis = Municipality.objects.filter(landkreis=kreis)
    assert 18 <= munis.count() <= 22
    assert all(len(m.ags) == 8 and m.ags.startswith("08") for m in munis)
    assert all(1_500 <= m.population <= 60_000 for m in munis)

    kinds = sorted(Provider.objects.filter(landkreis=kreis).values_list("kind", flat=True))
    assert kinds.count(Provider.Kind.EIGENREGIE) == 2
    for kind in (Provider.Kind.LANDKREIS, Provider.Kind.VERBUND, Provider.Kind.KOOPERATION):
        assert kind in kinds
    for provider in Provider.objects.exclude(kind=Provider.Kind.LANDKREIS).exclude(
        kind=Provider.Kind.WOHLFAHRT
    ):
        provider.full_clean()  # seat set where the kind needs one
        assert provider.areas.filter(municipality=provider.seat).exists()
    cooperation = Provider.objects.get(kind=Provider.Kind.KOOPERATION)
    assert cooperation.counsels_beyond_window
    assert cooperation.areas.count() == 2
    assert Provider.objects.get(kind=Provider.Kind.VERBUND).areas.count() >= 2

    # every municipality has exactly one provider, from 1 January 2023, and one team
    for area in ProviderArea.objects.all():
        area.full_clean()
        assert (area.valid_from.month, area.valid_from.day) == (1, 1)
    assert ProviderArea.objects.values("municipality").distinct().count() == munis.count()
    assert Team.municipalities.through.objects.count() == munis.count()
    lra = Provider.objects.get(kind=Provider.Kind.LANDKREIS)
    assert lra.teams.count() == 3
    musterstadt = Municipality.objects.get(name="Musterstadt")
    assert musterstadt.provider_on(musterstadt.provider_areas.get().valid_from) == lra
    assert musterstadt.teams.get().name == "Team Nord"

    managers = StaffMember.objects.filter(landkreis=kreis, role=Role.MANAGER)
    assert managers.count() >= 20
    for staff in StaffMember.objects.select_related("team"):
        staff.full_clean()

    assert Client.objects.filter(landkreis=kreis).count() == N
    request = RequestFactory().post("/login/")
    for login in demo_logins():
        assert login.password == DEMO_PASSWORD
        user = authenticate(request, username=login.username, password=login.password)
        assert user is not None, login.username
        assert login.username in output
    roles = dict(StaffMember.objects.values_list("user__username", "role"))
    assert roles["manager"] == Role.MANAGER
    assert roles["teamleitung"] == Role.TEAM_LEAD
    assert roles["koordination"] == Role.OFFICE
    assert roles["gemeinde"] == Role.MUNICIPALITY
    assert roles["rp"] == Role.RP
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert StaffMember.objects.get(user__username="koordination").landkreis == kreis
    assert StaffMember.objects.get(user__username="gemeinde").municipality == musterstadt
    assert StaffMember.objects.get(user__username="teamleitung").team.name == "Team Nord"


@pytest.mark.django_db
def test_second_run_changes_nothing():
    seed()
    before = snapshot()
    output = seed()
    assert snapshot() == before
    assert "0 neu angelegt" in output


@pytest.mark.django_db
def test_more_clients_are_added_fewer_remove_nothing():
    seed()
    before = {c.aktenzeichen: c.code for c in Client.objects.all()}
    call_command("seed_demo", "--clients", str(N + 40), stdout=io.StringIO())
    after = {c.aktenzeichen: c.code for c in Client.objects.all()}
    assert len(after) == N + 40
    assert {az: after[az] for az in before} == before
    call_command("seed_demo", "--clients", "10", stdout=io.StringIO())
    assert Client.objects.count() == N + 40


def test_clients_are_deterministic_per_seed():
    first, again = client_specs(N, seed=2026), client_specs(N, seed=2026)
    assert first == again
    other = client_specs(N, seed=7)
    assert [(c.last_name, c.first_name) for c in other] != [
        (c.last_name, c.first_name) for c in first
    ]
    assert [c.aktenzeichen for c in other] != [c.aktenzeichen for c in first]
    # a larger N extends the same stream
    assert client_specs(N + 50, seed=2026)[:N] == first
    assert len({c.aktenzeichen for c in first}) == N
    assert {c.arrival_kind for c in client_specs(2000)} == {
        "zuweisung",
        "familiennachzug",
        "geburt",
    }


def test_default_run_gives_the_demo_manager_a_realistic_caseload():
    specs = client_specs(2000)
    assert 40 <= sum(1 for c in specs if c.manager == "manager") <= 80
    assert all("2021-01-01" <= c.assignment_date.isoformat() <= "2026-10-31" for c in specs)
    assert 0 < sum(1 for c in specs if c.sex == "d") < 20


@pytest.mark.django_db
def test_every_clients_manager_works_for_the_provider_serving_the_municipality():
    seed()
    for client in Client.objects.select_related("municipality", "manager__staff"):
        serving = client.municipality.provider_on(dt.date(2026, 1, 1))
        staff = client.manager.staff
        assert staff.role == Role.MANAGER
        assert staff.provider_id == serving.pk
        assert client.municipality.teams.get() == staff.team
