from clients.models.assignment import ManagerAssignment, manager_on, with_manager_on
from clients.models.client import (
    CaseStatusChange,
    Client,
    ClientQuerySet,
    Consent,
    ConsentCategory,
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
from clients.models.handover import (
    ConsentDeclaredBy,
    DocumentSeen,
    HandoverNote,
    HandoverNoteQuerySet,
)
from clients.models.imports import ImportJob, ImportJobQuerySet
from clients.models.jobcenter import JobcenterTransmission, JobcenterTransmissionQuerySet
from clients.models.network import (
    NetworkActivity,
    NetworkActivityKind,
    NetworkActivityQuerySet,
)
from clients.models.outcome import (
    CertificateLevel,
    HoursBand,
    OutcomeCategory,
    OutcomeEvent,
    OutcomeKind,
    OutcomeSource,
)

__all__ = [
    "CaseStatusChange",
    "CertificateLevel",
    "Client",
    "ClientQuerySet",
    "Consent",
    "ConsentCategory",
    "ConsentDeclaredBy",
    "Consultation",
    "ConsultationParticipant",
    "DocumentSeen",
    "HandoverNote",
    "HandoverNoteQuerySet",
    "Household",
    "HoursBand",
    "ManagerAssignment",
    "ImportJob",
    "ImportJobQuerySet",
    "JobcenterTransmission",
    "JobcenterTransmissionQuerySet",
    "Move",
    "NetworkActivity",
    "NetworkActivityKind",
    "NetworkActivityQuerySet",
    "OutcomeCategory",
    "OutcomeEvent",
    "OutcomeKind",
    "OutcomeSource",
    "Referral",
    "RegularService",
    "Topic",
    "WindowExtension",
    "manager_on",
    "with_manager_on",
]
