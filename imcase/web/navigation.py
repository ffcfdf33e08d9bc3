"""The main navigation per role, in one place."""

from __future__ import annotations

from imcase.organisation.models import Role

NAVIGATION: dict[str | None, list[tuple[str, str]]] = {
    Role.MANAGER: [
        ("Start", "home"),
        ("Klient:innen", "clients:list"),
        ("Fällig", "clients:caseload"),
        ("Netzwerkarbeit", "clients:network"),
        ("Übersicht", "reporting:dashboard"),
        ("Kennzahlen", "reporting:figures"),
        ("Jahresbericht", "reporting:annual_report"),
        ("Meine Exporte", "exports:list"),
    ],
    Role.TEAM_LEAD: [
        ("Start", "home"),
        ("Klient:innen", "clients:list"),
        ("Fällig", "clients:caseload"),
        ("Netzwerkarbeit", "clients:network"),
        ("Übersicht", "reporting:dashboard"),
        ("Kennzahlen", "reporting:figures"),
        ("Jahresbericht", "reporting:annual_report"),
        ("Meine Exporte", "exports:list"),
        ("Verwendungsnachweis", "funding:usage_index"),
    ],
    Role.OFFICE: [
        ("Start", "home"),
        ("Zuweisungen importieren", "clients:import"),
        ("Übergabe aus der VU", "clients:handover"),
        ("Förderung", "funding:index"),
        ("Übersicht", "reporting:dashboard"),
        ("Kennzahlen", "reporting:figures"),
        ("Abgaben", "reporting:submissions"),
        ("Jahresbericht", "reporting:annual_report"),
        ("Meine Exporte", "exports:list"),
        ("Protokoll", "audit_log"),
    ],
    Role.MUNICIPALITY: [
        ("Start", "home"),
        ("Förderung", "funding:index"),
        ("Aufgabenwahrnehmung", "funding:decisions"),
        ("Verwendungsnachweis", "funding:usage_index"),
        ("Meine Exporte", "exports:list"),
    ],
    Role.RP: [
        ("Start", "home"),
        ("Kreise je Jahr", "reporting:rp_overview"),
        ("Abgaben der Kreise", "reporting:submissions"),
    ],
    Role.VU: [
        ("Start", "home"),
        ("Übergabe erfassen", "clients:handover"),
        ("Meine Übergabenotizen", "clients:handover_mine"),
    ],
    Role.ADMIN: [
        ("Start", "home"),
        ("Protokoll", "audit_log"),
        ("Zwei-Faktor", "twofactor:manage"),
        ("Verwaltung", "admin:index"),
    ],
}
