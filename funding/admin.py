"""Administration of funding years. The lists are not here on purpose: their names are for the
municipality and the coordinating office only. Published revisions are read-only."""

from django.contrib import admin

from funding.models import AllocationRevision, Deduction, FundingYear


class DeductionInline(admin.TabularInline):
    model = Deduction
    extra = 0


@admin.register(FundingYear)
class FundingYearAdmin(admin.ModelAdmin):
    list_display = ["year", "landkreis", "period_start", "period_end", "list_deadline"]
    list_filter = ["landkreis"]
    readonly_fields = ["cost_per_vza", "eigenregie_min_vza", "version"]
    inlines = [DeductionInline]


@admin.register(AllocationRevision)
class AllocationRevisionAdmin(admin.ModelAdmin):
    list_display = ["funding_year", "number", "published_at", "distributable_amount"]
    list_filter = ["funding_year__landkreis"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
