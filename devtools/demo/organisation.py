"""Organisation and staff of the demo Kreis "Landkreis Musterkreis": the RP and the Kreis, its
municipalities, providers with their dated areas, regional teams, staff and the demo logins.

The organisation and the staff are fixed (``devtools.demo.data``), independent of ``--seed``.
Rows are found by natural keys (RP and Kreis name, AGS, provider and team name, username) and
written only when something differs; passwords are set only when a user is created.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from devtools.demo.data import (
    AREAS_FROM,
    DEMO_STAFF,
    KREIS_NAME,
    MAIL_DOMAIN,
    PROVIDERS,
    RP_NAME,
    TEAMS,
    StaffSpec,
    staff_specs,
)
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

if TYPE_CHECKING:
    from devtools.demo import DemoSummary

DEMO_PASSWORD = "Musterkreis-2026"  # noqa: S105 - published demo password


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    description: str


@dataclass(frozen=True)
class DemoOrganisation:
    """What the client builders need of the organisation."""

    kreis: Landkreis
    municipalities: dict  # name -> Municipality
    users: dict  # username -> User


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


def build_organisation(summary: DemoSummary) -> DemoOrganisation:
    """Create or complete the organisation and the staff; counts go into ``summary``."""
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
        of_the_kreis = spec.role in (Role.OFFICE, Role.VU)
        landkreis = kreis if provider or spec.municipality or of_the_kreis else None
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
    return DemoOrganisation(kreis=kreis, municipalities=munis, users=users)
