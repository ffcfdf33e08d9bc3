from clients.models.client import (
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

__all__ = [
    "Client",
    "ClientQuerySet",
    "Consent",
    "Consultation",
    "ConsultationParticipant",
    "Household",
    "Move",
    "Referral",
    "RegularService",
    "Topic",
    "WindowExtension",
]
