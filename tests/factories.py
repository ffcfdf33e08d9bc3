"""factory_boy factories for the organisation and clients; later issues add theirs here."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from clients.models import Client, Consultation, ConsultationParticipant, Household
from clients.services import refresh_window
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

PASSWORD = "Test-Passwort-2026"


class RegierungspraesidiumFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Regierungspraesidium
        django_get_or_create = ["name"]

    name = "Regierungspräsidium Stuttgart"


class LandkreisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Landkreis

    name = factory.Sequence(lambda n: f"Landkreis Test {n}")
    regierungspraesidium = factory.SubFactory(RegierungspraesidiumFactory)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    landkreis = factory.SubFactory(LandkreisFactory)
    name = factory.Sequence(lambda n: f"Gemeinde {n}")
    ags = factory.Sequence(lambda n: f"08{n:06d}")
    population = 5000


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    landkreis = factory.SubFactory(LandkreisFactory)
    name = factory.Sequence(lambda n: f"Träger {n}")
    kind = Provider.Kind.LANDKREIS


class ProviderAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderArea

    provider = factory.SubFactory(ProviderFactory)
    municipality = factory.SubFactory(
        MunicipalityFactory, landkreis=factory.SelfAttribute("..provider.landkreis")
    )
    valid_from = dt.date(2020, 1, 1)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Vorname"
    last_name = factory.Sequence(lambda n: f"Nachname{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        # Argon2 is slow on purpose; hash the shared test password once, not per user.
        obj.password = make_password(extracted) if extracted else _default_password_hash()
        if create:
            obj.save(update_fields=["password"])


@functools.cache
def _default_password_hash() -> str:
    return make_password(PASSWORD)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    user = factory.SubFactory(UserFactory)
    role = Role.MANAGER
    provider = factory.SubFactory(ProviderFactory)
    vza = Decimal("1.00")
    qualification = StaffMember.Qualification.SOZIALWESEN
    start_date = dt.date(2023, 1, 1)


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    municipality = factory.SubFactory(MunicipalityFactory)
    landkreis = factory.SelfAttribute("municipality.landkreis")
    aktenzeichen = factory.Sequence(lambda n: f"AZ-{n:06d}")
    last_name = factory.Sequence(lambda n: f"Klient{n}")
    first_name = "Amina"
    birth_date = dt.date(1990, 5, 17)
    sex = Client.Sex.FEMALE
    assignment_date = dt.date(2024, 3, 1)
    nationality = "SYR"
    opened_on = factory.LazyAttribute(lambda o: o.assignment_date or dt.date(2024, 3, 1))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        client = model_class(*args, **kwargs)
        refresh_window(client)
        client.save()
        return client


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    landkreis = factory.SubFactory(LandkreisFactory)
    key = factory.Sequence(lambda n: f"HH-{n:05d}")


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A funded contact with one client; pass ``client=`` and ``provider=``."""

    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    date = dt.date(2025, 5, 6)
    duration_minutes = 45
    recorded_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def client(obj, create, extracted, **kwargs):
        if create and extracted is not None:
            ConsultationParticipant.objects.create(consultation=obj, client=extracted)
