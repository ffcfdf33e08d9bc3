"""Only the field list is administered here: plans are personal data and stay in the
application, where every access is scoped and written to the audit log."""

from django.contrib import admin

from plans.models import GoalField


@admin.register(GoalField)
class GoalFieldAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "active"]
    list_editable = ["position", "active"]
    search_fields = ["name"]
