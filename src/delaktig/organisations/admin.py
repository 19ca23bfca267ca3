from typing import TYPE_CHECKING

from django.contrib import admin

from .models import AccessibilityStatement, Body, Municipality, Organisation, OrganisationSettings

if TYPE_CHECKING:  # the admin classes are generic only to the type checker
    BodyInlineBase = admin.TabularInline[Body, Organisation]
    OrganisationAdminBase = admin.ModelAdmin[Organisation]
else:
    BodyInlineBase = admin.TabularInline
    OrganisationAdminBase = admin.ModelAdmin


class BodyInline(BodyInlineBase):
    model = Body
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(OrganisationAdminBase):
    list_display = ["name", "kind", "scb_code"]
    inlines = [BodyInline]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Municipality)
admin.site.register(OrganisationSettings)
admin.site.register(AccessibilityStatement)
