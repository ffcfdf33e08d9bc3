"""The fictional demo Kreis "Landkreis Musterkreis": organisation, staff, demo logins, clients
(``demo_clients``) and a year of their consultations (``demo_consultations``).

Everything is deterministic. The organisation and the staff are fixed; ``seed`` only varies
the clients, which are generated with one ``random.Random(seed)`` in a stream whose first N
persons do not depend on N, so a larger ``clients`` adds exactly the missing ones. Rows are
found by natural keys (RP and Kreis name, AGS, provider and team name, username, number of the
Aktenzeichen) and written only when something differs; passwords are set only when a user is
created. Used by ``manage.py seed_demo``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from clients.models import Client, Consultation, Household, WindowExtension
from devtools.demo.clients import APPROVED, ClientSpec, client_specs
from devtools.demo.consultations import CONTACTS_PER_YEAR, add_consultations
from devtools.demo.data import (
    AREAS_FROM,
    AZ_PREFIX,
    DEMO_STAFF,
    DEMO_TODAY,
    KREIS_NAME,
    MAIL_DOMAIN,
    PROVIDERS,
    RP_NAME,
    TEAMS,
    StaffSpec,
    staff_specs,
    team_lead_of,
)
from devtools.demo.plans import build_demo_plans
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

DEMO_PASSWORD = "Musterkreis-2026"  # noqa: S105 - published demo password
HOUSEHOLD_NAMESPACE = uuid.UUID("6f1d2c3e-7a8b-4c9d-8e0f-1a2b3c4d5e6f")

__all__ = [
    "ClientSpec",
    "DEMO_PASSWORD",
    "DEMO_TODAY",
    "build_demo",
    "client_specs",
    "demo_logins",
    "staff_specs",
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    description: str


@dataclass
class DemoSummary:
    municipalities: int = 0
    providers: int = 0
    teams: int = 0
    managers: int = 0
    clients_total: int = 0
    clients_created: int = 0
    consultations_total: int = 0
    consultations_created: int = 0
    plans_created: int = 0
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)


def demo_logins() -> list[DemoLogin]:
    """One login per role, for the summary of ``seed_demo`` and the run target."""
    labels = dict(Role.choices)
    return [
        DemoLogin(s.username, labels[s.role or Role.ADMIN], DEMO_PASSWORD, s.description)
        for s in DEMO_STAFF
    ]


# --- writing to the database --------------------------------------------------------------


def _upsert(summary: DemoSummary, model, lookup: dict, values: dict, create_only=None):
    """Find by natural key; create, or write only the fields that differ."""
    name = model._meta.model_name
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values, **(create_only or {}))
        obj.save()
        summary.created[name] = summary.created.get(name, 0) + 1
        return obj
    changed = [key for key, value in values.items() if getattr(obj, key) != value]
    if changed:
        for key in changed:
            setattr(obj, key, values[key])
        obj.save(update_fields=changed)
        summary.updated[name] = summary.updated.get(name, 0) + 1
    return obj


def _user(summary: DemoSummary, spec: StaffSpec):
    user_model = get_user_model()
    superuser = spec.role is None
    values = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": f"{spec.username}@{MAIL_DOMAIN}",
        "is_active": True,
        "is_staff": superuser,
        "is_superuser": superuser,
    }
    user = user_model.objects.filter(username=spec.username).first()
    if user is None:  # the password is set only here: hashing again would change the row
        user = user_model(username=spec.username, **values)
        if spec.demo:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        summary.created["user"] = summary.created.get("user", 0) + 1
        return user
    return _upsert(summary, user_model, {"pk": user.pk}, values)


def build_demo(
    clients: int = 2000,
    seed: int = 2026,
    stdout=None,
    contacts_per_year: float = CONTACTS_PER_YEAR,
) -> DemoSummary:
    """Create or complete the demo Kreis; running it again changes nothing."""
    summary = DemoSummary()
    with transaction.atomic():
        rp = _upsert(summary, Regierungspraesidium, {"name": RP_NAME}, {})
        kreis = _upsert(
            summary,
            Landkreis,
            {"name": KREIS_NAME},
            {"kind": Landkreis.Kind.LANDKREIS, "regierungspraesidium": rp},
        )
        munis = {}
        for _, muni_list, _ in TEAMS.values():
            for name, ags, population in muni_list:
                munis[name] = _upsert(
                    summary,
                    Municipality,
                    {"ags": ags},
                    {"landkreis": kreis, "name": name, "population": population},
                )
        providers = {
            name: _upsert(
                summary,
                Provider,
                {"landkreis": kreis, "name": name},
                {"kind": kind, "seat": munis.get(seat), "counsels_beyond_window": beyond},
            )
            for name, (kind, seat, beyond) in PROVIDERS.items()
        }
        teams = {}
        for team_name, (provider_name, muni_list, _) in TEAMS.items():
            provider = providers[provider_name]
            team_munis = [munis[name] for name, _, _ in muni_list]
            for muni in team_munis:
                _upsert(
                    summary,
                    ProviderArea,
                    {"municipality": muni, "valid_from": AREAS_FROM},
                    {"provider": provider},
                    create_only={"valid_until": None},
                )
            team = _upsert(summary, Team, {"provider": provider, "name": team_name}, {})
            if set(team.municipalities.all()) != set(team_munis):
                team.municipalities.set(team_munis)
            teams[team_name] = team
        users = {}
        for spec in staff_specs():
            user = users[spec.username] = _user(summary, spec)
            if spec.role is None:
                continue
            provider = providers.get(spec.provider)
            landkreis = kreis if provider or spec.municipality or spec.role == Role.OFFICE else None
            values = {
                "role": spec.role,
                "landkreis": landkreis,
                "provider": provider,
                "team": teams.get(spec.team),
                "municipality": munis.get(spec.municipality),
                "regierungspraesidium": rp if spec.rp else None,
                "vza": spec.vza,
                "qualification": spec.qualification,
                "requalification_started": spec.requalification_started,
                "requalification_finished": spec.requalification_finished,
                "start_date": spec.start_date,
            }
            _upsert(summary, StaffMember, {"user": user}, values)
        summary.created["client"] = _add_clients(kreis, munis, users, clients, seed, stdout)
        summary.consultations_created = add_consultations(
            kreis,
            seed,
            per_year=contacts_per_year,
            progress=stdout.write if stdout is not None else None,
        )
        summary.plans_created = build_demo_plans(seed, stdout=stdout)
    summary.municipalities = Municipality.objects.filter(landkreis=kreis).count()
    summary.providers = Provider.objects.filter(landkreis=kreis).count()
    summary.teams = Team.objects.filter(provider__landkreis=kreis).count()
    summary.managers = StaffMember.objects.filter(landkreis=kreis, role=Role.MANAGER).count()
    summary.clients_total = Client.objects.filter(landkreis=kreis).count()
    summary.clients_created = summary.created["client"]
    summary.consultations_total = Consultation.objects.filter(provider__landkreis=kreis).count()
    return summary


def _add_clients(kreis, munis, users, count: int, seed: int, stdout=None) -> int:
    """Bulk-create the specs whose Aktenzeichen number the Kreis does not have yet, with their
    households and extension requests."""
    existing = Client.objects.filter(landkreis=kreis, aktenzeichen__startswith=f"{AZ_PREFIX}-")
    taken = {az.rsplit("-", 1)[-1] for az in existing.values_list("aktenzeichen", flat=True)}
    specs = [s for s in client_specs(count, seed) if f"{s.number:05d}" not in taken]
    if not specs:
        return 0
    if stdout is not None:
        stdout.write(f"Lege {len(specs)} Klient:innen an …")
    households = _households(kreis, {s.household_key for s in specs if s.household_key}, seed)
    by_ags = {m.ags: m for m in munis.values()}
    created = Client.objects.bulk_create(
        [
            Client(
                code=spec.code,
                landkreis=kreis,
                aktenzeichen=spec.aktenzeichen,
                last_name=spec.last_name,
                first_name=spec.first_name,
                birth_date=spec.birth_date,
                sex=spec.sex,
                nationality=spec.nationality,
                languages=list(spec.languages),
                residence_status=spec.residence_status,
                household_id=households.get(spec.household_key),
                household_role=spec.household_role,
                municipality=by_ags[spec.municipality_ags],
                arrival_kind=spec.arrival_kind,
                assignment_date=spec.assignment_date,
                opened_on=spec.opened_on,
                status=spec.status,
                closed_on=spec.closed_on,
                closed_reason=spec.closed_reason,
                # what clients.services.refresh_window would store, without a query per row
                window_start=spec.window_start,
                window_end=spec.window_end,
                window_extended=spec.window_extended,
                manager=users[spec.manager],
            )
            for spec in specs
        ],
        batch_size=1000,
    )
    # the first history entry of each person: opened by the manager on the day the case opened
    for client, spec in zip(created, specs, strict=True):
        client._history_user = client.manager
        client._history_date = _at_ten(spec.opened_on)
    Client.history.bulk_history_create(created, batch_size=1000)
    _add_extensions(kreis, [s for s in specs if s.extension], users)
    return len(specs)


def _households(kreis, keys: set[str], seed: int) -> dict[str, int]:
    """Household ids by key; the missing ones are created with a code derived from the key."""
    found = dict(Household.objects.filter(landkreis=kreis).values_list("key", "pk"))
    missing = sorted(keys - found.keys())
    Household.objects.bulk_create(
        [
            Household(
                code=uuid.uuid5(HOUSEHOLD_NAMESPACE, f"{seed}:{key}"), landkreis=kreis, key=key
            )
            for key in missing
        ],
        batch_size=1000,
    )
    if missing:
        found = dict(Household.objects.filter(landkreis=kreis).values_list("key", "pk"))
    return found


def _at_ten(day) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _add_extensions(kreis, specs: list[ClientSpec], users) -> None:
    """Requested by the client's manager; approved ones decided by the lead of his team."""
    if not specs:
        return
    team_of = {s.username: s.team for s in staff_specs()}
    ids = dict(
        Client.objects.filter(
            landkreis=kreis, aktenzeichen__in=[s.aktenzeichen for s in specs]
        ).values_list("aktenzeichen", "pk")
    )
    rows = []
    for spec in specs:
        approved = spec.extension == APPROVED
        rows.append(
            WindowExtension(
                client_id=ids[spec.aktenzeichen],
                reason=spec.extension_reason,
                requested_by=users[spec.manager],
                decision=(
                    WindowExtension.Decision.APPROVED
                    if approved
                    else WindowExtension.Decision.PENDING
                ),
                decided_by=users[team_lead_of(team_of[spec.manager])] if approved else None,
                decided_at=_at_ten(spec.extension_decided) if approved else None,
                decision_note="Begründung nachvollziehbar, Verlängerung genehmigt."
                if approved
                else "",
            )
        )
    WindowExtension.objects.bulk_create(rows, batch_size=1000)
    # requested_at is auto_now_add, which bulk_create always fills with now: set the demo date.
    for row, spec in zip(rows, specs, strict=True):
        WindowExtension.objects.filter(pk=row.pk).update(
            requested_at=_at_ten(spec.extension_requested)
        )
