from django.contrib import admin

from hamsada.organizations.models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "calendar"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]
