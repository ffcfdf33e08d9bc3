"""Submissions are read-only in the admin too: they are frozen when the office submits."""

from django.contrib import admin

from reporting.models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["landkreis", "year", "number", "submitted_at", "submitted_by_name"]
    list_filter = ["year", "landkreis"]
    readonly_fields = [
        "code",
        "landkreis",
        "year",
        "number",
        "definition_version",
        "file",
        "sha256",
        "size",
        "note",
        "submitted_by",
        "submitted_by_name",
        "submitted_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
