"""The main navigation per role, in one place."""

from __future__ import annotations

from imcase.organisation.models import Role

NAVIGATION: dict[str | None, list[tuple[str, str]]] = {
    Role.MANAGER: [
        ("Start", "home"),
        ("Klient:innen", "clients:list"),
        ("Fällig", "clients:caseload"),
    ],
    Role.TEAM_LEAD: [
        ("Start", "home"),
        ("Klient:innen", "clients:list"),
        ("Fällig", "clients:caseload"),
    ],
    Role.OFFICE: [("Start", "home"), ("Zuweisungen importieren", "clients:import")],
    Role.MUNICIPALITY: [("Start", "home")],
    Role.RP: [("Start", "home")],
    Role.ADMIN: [("Start", "home"), ("Protokoll", "audit_log"), ("Verwaltung", "admin:index")],
}
