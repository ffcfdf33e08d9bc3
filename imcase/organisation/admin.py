from django.contrib import admin

from imcase.organisation.models import (
    Landkreis,
    Municipality,
    Provider,
    ProviderArea,
    Regierungspraesidium,
    StaffChange,
    StaffMember,
    Team,
)


@admin.register(Regierungspraesidium)
class RegierungspraesidiumAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Landkreis)
class LandkreisAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "regierungspraesidium"]
    search_fields = ["name"]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "ags", "population", "landkreis"]
    list_filter = ["landkreis"]
    search_fields = ["name", "ags"]


class ProviderAreaInline(admin.TabularInline):
    model = ProviderArea
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "landkreis", "counsels_beyond_window"]
    list_filter = ["kind", "landkreis"]
    search_fields = ["name"]
    autocomplete_fields = ["seat"]
    inlines = [ProviderAreaInline]


@admin.register(ProviderArea)
class ProviderAreaAdmin(admin.ModelAdmin):
    list_display = ["municipality", "provider", "valid_from", "valid_until"]
    list_filter = ["provider"]
    autocomplete_fields = ["municipality", "provider"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "provider"]
    list_filter = ["provider"]
    search_fields = ["name"]
    filter_horizontal = ["municipalities"]


class StaffChangeInline(admin.TabularInline):
    """The dated history the Kennzahlen read (written with every save, never edited)."""

    model = StaffChange
    extra = 0
    can_delete = False
    fields = ["valid_from", "role", "provider", "vza", "qualification", "recorded_at"]
    readonly_fields = fields
    verbose_name_plural = "Verlauf (Rolle, Träger, VZÄ, Qualifikation)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    inlines = [StaffChangeInline]
    list_display = ["__str__", "role", "provider", "team", "vza", "qualification", "start_date"]
    list_filter = ["role", "provider", "team", "qualification"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    autocomplete_fields = ["user", "provider", "team", "municipality"]
