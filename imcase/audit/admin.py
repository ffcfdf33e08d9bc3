from django.contrib import admin

from imcase.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, nobody adds, edits or deletes entries by hand."""

    list_display = ["at", "actor_name", "action", "object_type", "object_label", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_name", "object_id", "object_label"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
