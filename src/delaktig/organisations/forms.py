from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.core.forms import https_urls

from .models import AccessibilityStatement, OrganisationSettings

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
            "non_accessible_content": forms.Textarea(attrs={"rows": 8}),
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
        help_text=_("Svenska, engelska och de nationella minoritetsspråken."),
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
        ]

    def __init__(self, *args: Any, module_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        """``module_choices``: the participation modules registered with the spine, which
        sits above organisations and so passes them in (``participation.staff_views``)."""
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["enabled_modules"]).choices = module_choices


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
