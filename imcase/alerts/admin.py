from django.contrib import admin

from imcase.alerts.models import NightlyRun


@admin.register(NightlyRun)
class NightlyRunAdmin(admin.ModelAdmin):
    """Read-only: what each night's deadline check found (counts only, no names)."""

    list_display = ["day", "started_at", "finished_at", "obsolete"]
    readonly_fields = ["day", "started_at", "finished_at", "created", "obsolete", "unrouted"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
