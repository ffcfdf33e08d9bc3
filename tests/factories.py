"""factory_boy factories for the organisation and clients; later issues add theirs here."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

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

# The day a test pinned with a bare ``@pytest.mark.today`` runs on. The dates below are fixed
# relative to it: ClientFactory's assignment on 2024-03-01 puts the client in the third year of
# the counselling window (last day 2027-03-01), more than three months before its end.
TODAY = dt.date(2026, 11, 16)


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


# --- plans ------------------------------------------------------------------------------


def goal_field(name: str = "Sprache"):
    """A Handlungsfeld by name (created if a flushed database lost the migration's rows)."""
    from plans.models import GoalField

    return GoalField.objects.get_or_create(name=name)[0]


def _six_months_after(day: dt.date) -> dt.date:
    from plans.dates import add_months

    return add_months(day, 6)


class PlanVersionFactory(factory.django.DjangoModelFactory):
    """A version of ``plan`` (required); ``PlanFactory`` creates the first one itself."""

    class Meta:
        model = "plans.PlanVersion"

    number = 1
    agreed_on = dt.date(2025, 3, 3)
    next_review_on = factory.LazyAttribute(lambda o: _six_months_after(o.agreed_on))
    created_by = factory.SelfAttribute("plan.created_by")


class PlanFactory(factory.django.DjangoModelFactory):
    """A plan with its current version 1 (``version__agreed_on=…`` etc.); pass ``client=``."""

    class Meta:
        model = "plans.Plan"
        skip_postgeneration_save = True

    client = factory.SubFactory(ClientFactory)
    created_by = factory.LazyAttribute(lambda o: o.client.manager or UserFactory())

    @factory.post_generation
    def version(obj, create, extracted, **kwargs):
        if create:
            PlanVersionFactory(plan=obj, **kwargs)


def _current_version_of_new_plan():
    return PlanFactory().versions.get()


class GoalFactory(factory.django.DjangoModelFactory):
    """A goal in part A; pass ``version=`` (the current version of a plan)."""

    class Meta:
        model = "plans.Goal"

    version = factory.LazyFunction(_current_version_of_new_plan)
    part = "A"
    field = factory.LazyFunction(goal_field)
    text = factory.Sequence(lambda n: f"Deutschkurs B1 abschließen ({n})")
    target_date = dt.date(2025, 12, 31)
    status = "vereinbart"


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "plans.Step"

    goal = factory.SubFactory(GoalFactory)
    what = factory.Sequence(lambda n: f"Anmeldung beim Kursträger ({n})")
    who = "klient"
    due_on = dt.date(2025, 4, 30)


# --- funding -------------------------------------------------------------------------------


class FundingYearFactory(factory.django.DjangoModelFactory):
    """Förderjahr 2025 with the period 2020–2022 and 1.508.000 € (40 Mio. € × 3,77 %)."""

    class Meta:
        model = "funding.FundingYear"

    landkreis = factory.SubFactory(LandkreisFactory)
    year = 2025
    land_total = Decimal("40000000.00")
    quota_percent = Decimal("3.7700")
    period_start = dt.date(2020, 1, 1)
    period_end = dt.date(2022, 12, 31)
    reference_date = dt.date(2022, 12, 31)
    list_deadline = dt.date(2024, 1, 15)


class PersonListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.PersonList"

    funding_year = factory.SubFactory(FundingYearFactory)
    municipality = factory.SubFactory(
        MunicipalityFactory, landkreis=factory.SelfAttribute("..funding_year.landkreis")
    )
    status = "sent"
    generated_at = factory.LazyFunction(timezone.now)
    sent_at = factory.LazyFunction(timezone.now)


class ListEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "funding.ListEntry"

    person_list = factory.SubFactory(PersonListFactory)
    last_name = factory.Sequence(lambda n: f"Person{n}")
    first_name = "Samir"
    birth_date = dt.date(1988, 2, 3)
    aktenzeichen = factory.Sequence(lambda n: f"FL-{n:06d}")
    assignment_date = dt.date(2021, 6, 1)
    arrival_kind = "zuweisung"


# --- outcomes ---------------------------------------------------------------------------


def outcome_kind(code: str):
    """An outcome kind of the default vocabulary by its code (see clients migration 0014)."""
    from clients.models import OutcomeKind

    return OutcomeKind.objects.get(code=code)


class OutcomeEventFactory(factory.django.DjangoModelFactory):
    """An outcome; pass ``client=`` and ``kind=outcome_kind("svb")`` (the provider defaults to
    a new one: pass the client's provider where scoping matters)."""

    class Meta:
        model = "clients.OutcomeEvent"

    client = factory.SubFactory(ClientFactory)
    provider = factory.SubFactory(ProviderFactory)
    kind = factory.LazyFunction(lambda: outcome_kind("integrationskurs"))
    started_on = dt.date(2025, 1, 6)
    source = "nachweis"
    recorded_by = factory.SubFactory(UserFactory)
