"""The main navigation per role, in one place."""

from __future__ import annotations

from imcase.organisation.models import Role

NAVIGATION: dict[str | None, list[tuple[str, str]]] = {
    Role.MANAGER: [("Start", "home"), ("Klient:innen", "clients:list")],
    Role.TEAM_LEAD: [("Start", "home"), ("Klient:innen", "clients:list")],
    Role.OFFICE: [("Start", "home")],
    Role.MUNICIPALITY: [("Start", "home")],
    Role.RP: [("Start", "home")],
    Role.ADMIN: [("Start", "home"), ("Protokoll", "audit_log"), ("Verwaltung", "admin:index")],
}
