from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.core.errors import ValidationFailed
from delaktig.core.forms import https_urls
from delaktig.core.widgets import MarkdownEditor

from .branding import LOGO_LIMITS, colour_error
from .hosts import check_host
from .models import AccessibilityStatement, Branding, Organisation, OrganisationSettings

if TYPE_CHECKING:
    from .retention import RetentionSetting


class AccessibilityStatementForm(forms.ModelForm[AccessibilityStatement]):
    class Meta:
        model = AccessibilityStatement
        fields = [
            "service_name",
            "compliance",
            "non_accessible_content",
            "assessment_method",
            "assessed_on",
            "feedback_email",
            "feedback_phone",
        ]
        widgets = {
            "compliance": forms.RadioSelect,
            "non_accessible_content": MarkdownEditor(attrs={"rows": 8}),
            "assessment_method": forms.Textarea(attrs={"rows": 3}),
            "assessed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class OrganisationSettingsForm(forms.ModelForm[OrganisationSettings]):
    enabled_modules = forms.MultipleChoiceField(
        label=_("Aktiverade deltagandeformer"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    content_languages = forms.MultipleChoiceField(
        label=_("Språk för innehåll"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=settings.CONTENT_LANGUAGES,
        help_text=_(
            "Lättläst svenska, engelska och de nationella minoritetsspråken, utöver svenska."
        ),
    )

    class Meta:
        model = OrganisationSettings
        formfield_callback = https_urls
        fields = [
            "enabled_modules",
            "content_languages",
            "contact_email",
            "contact_phone",
            "website",
            "open_data_licence",
        ]

    def __init__(self, *args: Any, module_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        """``module_choices``: the participation modules registered with the spine, which
        sits above organisations and so passes them in (``participation.staff_views``)."""
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["enabled_modules"]).choices = module_choices
        # A form sent without the licence (a page loaded before it was offered) keeps it.
        self.fields["open_data_licence"].required = False

    def clean_open_data_licence(self) -> str:
        chosen: str = self.cleaned_data.get("open_data_licence") or ""
        return chosen or self.instance.open_data_licence


class RetentionForm(forms.Form):
    """One field per retention rule declared in the platform registry: days to keep."""

    def __init__(self, *args: Any, settings: "list[RetentionSetting]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for setting in settings:
            rule = setting.rule
            self.fields[rule.key] = forms.IntegerField(
                label=str(rule.name),
                min_value=rule.min_days,
                max_value=36500,
                initial=setting.days,
                help_text=format_lazy(
                    "{starts} {default}",
                    starts=rule.starts,
                    default=format_lazy(_("Standard: {days} dagar."), days=rule.default_days),
                ),
            )


class BrandingForm(forms.ModelForm[Branding]):
    """An organisation's logo and colours. The colours are checked for contrast here, so
    that both are reported at once; the service checks them again, and reads the logo."""

    logo = forms.FileField(
        label=_("Logotyp"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=format_lazy(
            _("PNG, JPEG eller WebP, högst {size} MB. Visas i sidhuvudet, högst 48 pixlar hög."),
            size=LOGO_LIMITS.max_bytes // (1024 * 1024),
        ),
    )
    remove_logo = forms.BooleanField(label=_("Ta bort logotypen"), required=False)

    class Meta:
        model = Branding
        fields = ["primary_colour", "accent_colour", "logo_alt"]
        widgets = {
            "primary_colour": forms.TextInput(
                attrs={"placeholder": "#00457a", "autocomplete": "off", "spellcheck": "false"}
            ),
            "accent_colour": forms.TextInput(
                attrs={"placeholder": "#7a2e00", "autocomplete": "off", "spellcheck": "false"}
            ),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order_fields(["primary_colour", "accent_colour", "logo", "logo_alt", "remove_logo"])
        if not self.instance.logo:
            del self.fields["remove_logo"]

    def _clean_colour(self, name: str) -> str:
        value = str(self.cleaned_data.get(name) or "").strip()
        error = colour_error(value, field=name)
        if error is not None:
            raise forms.ValidationError(error.message, code=error.code)
        return value.lower()

    def clean_primary_colour(self) -> str:
        return self._clean_colour("primary_colour")

    def clean_accent_colour(self) -> str:
        return self._clean_colour("accent_colour")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        keeps_logo = bool(self.instance.logo) and not cleaned.get("remove_logo")
        if (cleaned.get("logo") or keeps_logo) and not str(cleaned.get("logo_alt", "")).strip():
            self.add_error("logo_alt", ValidationFailed("organisations.logo_alt_missing").message)
        return cleaned


class HostForm(forms.ModelForm[Organisation]):
    """The organisation's own host name, checked here so that the error stands at the field;
    the service checks it again."""

    class Meta:
        model = Organisation
        fields = ["host"]
        widgets = {
            "host": forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "autocapitalize": "none",
                    "inputmode": "url",
                    "placeholder": "delta.ostersund.se",
                }
            )
        }

    def clean_host(self) -> str:
        try:
            return check_host(str(self.cleaned_data.get("host") or ""), organisation=self.instance)
        except ValidationFailed as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def validate_unique(self) -> None:
        # A taken name is reported by clean_host with whose it is.
        return None
