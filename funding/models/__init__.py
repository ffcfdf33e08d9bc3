"""The funding procedure's data: one module per step (``year``, ``lists``, ``allocation``), then
the municipalities' decisions (``decisions``), programmes split by Einwohnerzahl
(``population``) and the providers' Verwendungsnachweis (``usage``).
"""

from funding.models.allocation import Allocation, AllocationRevision
from funding.models.decisions import (
    CooperationInvoice,
    Decision,
    decision_deadline,
    quarter_period,
)
from funding.models.lists import ListEntry, PersonList
from funding.models.population import PopulationApplicant, PopulationProgramme
from funding.models.usage import (
    REPORTING,
    SACHBERICHT_MAX_CHARS,
    SELF_RUNNING,
    UsageReport,
    position_warning,
)
from funding.models.year import (
    FIRST_YEAR,
    LAST_YEAR,
    Deduction,
    FundingYear,
    default_list_deadline,
    default_period,
    default_usage_deadline,
)

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "REPORTING",
    "SACHBERICHT_MAX_CHARS",
    "SELF_RUNNING",
    "Allocation",
    "AllocationRevision",
    "CooperationInvoice",
    "Decision",
    "Deduction",
    "FundingYear",
    "ListEntry",
    "PersonList",
    "PopulationApplicant",
    "PopulationProgramme",
    "UsageReport",
    "decision_deadline",
    "default_list_deadline",
    "default_period",
    "default_usage_deadline",
    "position_warning",
    "quarter_period",
]
