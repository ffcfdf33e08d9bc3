"""Only the outcome vocabulary is administered here: persons, contacts and outcomes are
personal data and stay in the application, where every access is scoped and audited.

The vocabulary is versioned like a Kennzahl definition: a kind is valid from ``first_year`` to
``last_year``. Retire a kind by setting ``last_year`` (the events recorded with it keep it and
still count); a changed meaning is a new kind from the next year, not an edit of the old one.
Every change keeps its history ("Verlauf").
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from clients.models import OutcomeKind


@admin.register(OutcomeKind)
class OutcomeKindAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "category",
        "first_year",
        "last_year",
        "has_period",
        "has_level",
        "has_hours",
        "counts_as_work_or_training",
        "counts_as_own_tenancy",
        "position",
    ]
    list_filter = ["category", "first_year", "last_year"]
    list_editable = ["last_year", "position"]
    search_fields = ["name", "code"]
    ordering = ["category", "position", "name"]
    fieldsets = [
        (None, {"fields": ["name", "code", "category", "position"]}),
        ("Angaben", {"fields": ["has_period", "has_level", "has_hours"]}),
        (
            "Zählt in den Kennzahlen als",
            {"fields": ["counts_as_work_or_training", "counts_as_own_tenancy"]},
        ),
        ("Gültigkeit", {"fields": ["first_year", "last_year"]}),
    ]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Kinds with recorded events are protected anyway; retire a kind with last_year.
        return obj is None or not obj.outcomeevent_set.exists()
