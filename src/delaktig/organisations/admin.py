from typing import Any

from django import forms
from django.contrib import admin

from delaktig.core.errors import ValidationFailed

from .hosts import check_host
from .models import AccessibilityStatement, Body, Municipality, Organisation, OrganisationSettings


class BodyInline(admin.TabularInline[Body, Organisation]):
    model = Body
    extra = 0


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    """The host name is checked as on the staff page (``hosts.check_host``)."""

    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "scb_code", "municipalities", "host"]

    def clean_host(self) -> Any:
        try:
            return check_host(str(self.cleaned_data.get("host") or ""), organisation=self.instance)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message, code=error.code) from None


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "scb_code", "host"]
    inlines = [BodyInline]
    prepopulated_fields = {"slug": ["name"]}


admin.site.register(Municipality)
admin.site.register(OrganisationSettings)
admin.site.register(AccessibilityStatement)
