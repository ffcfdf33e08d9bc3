"""Pages that must not grow with the Kreis (issue 14, item 3): the team lead's home costs the
same queries for a team of two and for a team of eight with dozens of cases and requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import WindowExtension
from clients.panels import EXTENSIONS_SHOWN
from imcase.organisation.models import Role
from tests.factories import ClientFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.today


def home_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(queries.captured_queries), response.content.decode()


def test_team_lead_home_costs_the_same_queries_however_large_the_team(world, client):
    client.force_login(world.colleague)
    client.get(reverse("home"))  # the first request's one-offs
    small, _ = home_queries(client)
    team = world.owner.staff.team
    for number in range(6):
        user = UserFactory(username=f"im{number}", first_name=f"Manager{number}")
        StaffMemberFactory(user=user, role=Role.MANAGER, provider=team.provider, team=team)
        for _ in range(5):
            person = ClientFactory(municipality=world.town, manager=user)
            WindowExtension.objects.create(
                client=person, reason="Ausbildung endet im Sommer.", requested_by=user
            )
        ClientFactory(municipality=world.town, manager=None)

    large, content = home_queries(client)

    assert large <= small < 20
    assert "Manager5" in content
    # the oldest ten of the 30 requests, with the number of all
    assert content.count("Ausbildung endet im Sommer.") == EXTENSIONS_SHOWN
    assert f"Angezeigt sind die ältesten {EXTENSIONS_SHOWN} von 30." in content
    assert 'Nicht zugeordnete offene Fälle: <strong class="kpi">6</strong>' in content
