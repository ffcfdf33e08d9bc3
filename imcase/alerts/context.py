"""What a check gets: the day it runs for and who answers for what on that day.

The lookups are loaded once per run (a handful of queries, however many clients there are),
so a check can ask for the recipients of every client without a query per client.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.urls import reverse

from imcase.alerts.registry import Finding
from imcase.organisation.models import ProviderArea, Role, StaffMember, Team

_PLACEHOLDER = uuid.UUID(int=0)


class CheckContext:
    def __init__(self, today: dt.date) -> None:
        self.today = today

    # --- who is active ----------------------------------------------------------------------

    @cached_property
    def active_user_ids(self) -> frozenset[int]:
        users = get_user_model().objects.filter(is_active=True)
        return frozenset(users.values_list("pk", flat=True))

    def _working_staff(self, role: str):
        """Staff rows of active users in ``role`` whose employment has not ended."""
        return StaffMember.objects.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=self.today),
            role=role,
            user__is_active=True,
        )

    # --- team leads and the coordinating office ---------------------------------------------

    @cached_property
    def provider_by_municipality(self) -> dict[int, int]:
        """Which provider serves each municipality on ``today``."""
        areas = ProviderArea.objects.active_on(self.today)
        return dict(areas.values_list("municipality_id", "provider_id"))

    @cached_property
    def _team_lead_rows(self) -> list[tuple[int, int, int | None]]:
        rows = self._working_staff(Role.TEAM_LEAD).filter(team__isnull=False)
        return list(rows.values_list("user_id", "team_id", "provider_id").order_by("user_id"))

    @cached_property
    def team_leads_by_team(self) -> dict[int, list[int]]:
        leads: dict[int, list[int]] = defaultdict(list)
        for user_id, team_id, _provider_id in self._team_lead_rows:
            leads[team_id].append(user_id)
        return dict(leads)

    @cached_property
    def team_leads_by_municipality(self) -> dict[int, list[int]]:
        """Team leads whose team region has the municipality and whose provider serves it
        today: exactly the team leads who see that municipality's clients (``access.py``)."""
        teams_of: dict[int, set[int]] = defaultdict(set)
        regions = Team.municipalities.through.objects.values_list("team_id", "municipality_id")
        for team_id, municipality_id in regions:
            teams_of[municipality_id].add(team_id)
        leads: dict[int, list[int]] = {}
        for municipality_id, provider_id in self.provider_by_municipality.items():
            leads[municipality_id] = [
                user_id
                for user_id, team_id, lead_provider_id in self._team_lead_rows
                if team_id in teams_of[municipality_id] and lead_provider_id == provider_id
            ]
        return leads

    @cached_property
    def office_by_landkreis(self) -> dict[int, list[int]]:
        office: dict[int, list[int]] = defaultdict(list)
        rows = self._working_staff(Role.OFFICE).filter(landkreis__isnull=False)
        for user_id, landkreis_id in rows.values_list("user_id", "landkreis_id").order_by("pk"):
            office[landkreis_id].append(user_id)
        return dict(office)

    @cached_property
    def municipality_users(self) -> dict[int, list[int]]:
        """Users acting for each municipality (for the municipality lists of the funding)."""
        users: dict[int, list[int]] = defaultdict(list)
        rows = StaffMember.objects.filter(
            role=Role.MUNICIPALITY, municipality__isnull=False, user__is_active=True
        )
        for user_id, municipality_id in rows.values_list("user_id", "municipality_id").order_by(
            "pk"
        ):
            users[municipality_id].append(user_id)
        return dict(users)

    def team_leads_of_region(self, municipality_id: int) -> list[int]:
        return self.team_leads_by_municipality.get(municipality_id, [])

    # --- building findings --------------------------------------------------------------

    def client_recipients(self, client) -> list[int]:
        """The client's manager; without one (or if the account is disabled) the team leads
        of the region that has the client's municipality."""
        if client.manager_id and client.manager_id in self.active_user_ids:
            return [client.manager_id]
        return self.team_leads_of_region(client.municipality_id)

    def findings(
        self,
        recipients: Iterable[int],
        subject: models.Model,
        due_date: dt.date,
        message: str,
        link: str = "",
        exclude: Iterable[int | None] = (),
    ) -> Iterator[Finding]:
        """One finding per recipient, or one without recipient if nobody is left."""
        excluded = set(exclude)
        chosen = [user_id for user_id in dict.fromkeys(recipients) if user_id not in excluded]
        if not chosen:
            yield Finding(None, subject, due_date, message, link)
        for user_id in chosen:
            yield Finding(user_id, subject, due_date, message, link)

    def for_client(
        self,
        client,
        subject: models.Model,
        due_date: dt.date,
        message: str,
        exclude: Iterable[int | None] = (),
    ) -> Iterator[Finding]:
        """Findings about ``client`` for the people who answer for it, linked to the client."""
        return self.findings(
            self.client_recipients(client),
            subject,
            due_date,
            message,
            link=self.client_link(client),
            exclude=exclude,
        )

    @cached_property
    def _client_url_template(self) -> str:
        return reverse("clients:detail", args=[_PLACEHOLDER])

    def client_link(self, client) -> str:
        # ``reverse`` once per run, not once per client: the run builds thousands of links.
        return self._client_url_template.replace(str(_PLACEHOLDER), str(client.code))
