from clients.models.assignment import ManagerAssignment, manager_on, with_manager_on
from clients.models.client import (
    CaseStatusChange,
    Client,
    ClientQuerySet,
    Consent,
    Household,
    Move,
    WindowExtension,
)
from clients.models.consultation import (
    Consultation,
    ConsultationParticipant,
    Referral,
    RegularService,
    Topic,
)
from clients.models.imports import ImportJob, ImportJobQuerySet

__all__ = [
    "CaseStatusChange",
    "Client",
    "ClientQuerySet",
    "Consent",
    "Consultation",
    "ConsultationParticipant",
    "Household",
    "ManagerAssignment",
    "ImportJob",
    "ImportJobQuerySet",
    "Move",
    "Referral",
    "RegularService",
    "Topic",
    "WindowExtension",
    "manager_on",
    "with_manager_on",
]
