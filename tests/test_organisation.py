"""Organisation rules: AGS format, provider changes on 1 January, roles need their place."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from imcase.organisation.models import Provider, ProviderArea, Role, StaffMember
from tests.factories import MunicipalityFactory, TeamFactory


def test_ags_must_have_eight_digits(world):
    municipality = MunicipalityFactory.build(landkreis=world.landkreis, ags="0812501")
    with pytest.raises(ValidationError, match="genau 8 Ziffern"):
        municipality.full_clean()


def test_provider_change_must_start_on_first_january(world):
    area = ProviderArea(
        provider=world.other_provider, municipality=world.town, valid_from=dt.date(2026, 3, 1)
    )
    with pytest.raises(ValidationError, match="1. Januar"):
        area.full_clean()


def test_a_municipality_has_one_provider_at_a_time(world):
    overlapping = ProviderArea(
        provider=world.other_provider, municipality=world.town, valid_from=dt.date(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="schon einen Träger"):
        overlapping.full_clean()


def test_provider_follows_the_dated_areas(world):
    area = ProviderArea.objects.get(municipality=world.town)
    area.valid_until = dt.date(2025, 12, 31)
    area.full_clean()
    area.save()
    new = ProviderArea(
        provider=world.other_provider, municipality=world.town, valid_from=dt.date(2026, 1, 1)
    )
    new.full_clean()
    new.save()
    assert world.town.provider_on(dt.date(2025, 12, 31)) == world.provider
    assert world.town.provider_on(dt.date(2026, 1, 1)) == world.other_provider


def test_eigenregie_needs_its_municipality(world):
    provider = Provider(landkreis=world.landkreis, name="Stadt X", kind=Provider.Kind.EIGENREGIE)
    with pytest.raises(ValidationError, match="Sitzgemeinde"):
        provider.full_clean()


def test_team_lead_needs_a_team_of_his_own_provider(world):
    foreign_team = TeamFactory(provider=world.other_provider)
    staff = StaffMember(role=Role.TEAM_LEAD, provider=world.provider, team=foreign_team)
    with pytest.raises(ValidationError, match="anderen Träger"):
        staff.full_clean()
    with pytest.raises(ValidationError, match="nötig"):
        StaffMember(role=Role.MUNICIPALITY).full_clean()
