from django.contrib import admin

from .models import AccessibilityStatement, Body, Municipality, Organisation, OrganisationSettings


class BodyInline(admin.TabularInline[Body, Organisation]):
    model = Body
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ["name", "kind", "scb_code"]
    inlines = [BodyInline]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Municipality)
admin.site.register(OrganisationSettings)
admin.site.register(AccessibilityStatement)
