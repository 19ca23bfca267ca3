from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.participation.models import ProcessModule

from .models import CompensationModel, Council, ReferralResponse


class ReferralForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    question = forms.CharField(
        label=_("Frågan till rådet"), widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Underlag"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown."),
    )
    deadline = forms.DateField(
        label=_("Svar senast"), widget=forms.DateInput(attrs={"type": "date"})
    )
    councils = forms.ModelMultipleChoiceField(
        label=_("Råd"), queryset=Council.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    module = forms.ModelChoiceField(
        label=_("Del av deltagandeprocess"),
        required=False,
        queryset=ProcessModule.objects.none(),
        help_text=_("Visa remissen och svaren på en process sida."),
    )

    def __init__(self, *args: Any, councils: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["councils"].queryset = councils  # type: ignore[attr-defined]
        self.fields["module"].queryset = ProcessModule.objects.filter(  # type: ignore[attr-defined]
            kind="referral", process__organisation__in=councils.values("organisation")
        ).select_related("process")


class ResponseForm(forms.Form):
    council = forms.ModelChoiceField(
        label=_("Rådet du svarar för"), queryset=Council.objects.none()
    )
    kind = forms.ChoiceField(
        label=_("Typ av svar"), choices=ReferralResponse.Kind.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(label=_("Svar"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, councils: list[Council], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.filter(  # type: ignore[attr-defined]
            pk__in=[c.pk for c in councils]
        )
        if len(councils) == 1:
            self.fields["council"].initial = councils[0].pk


class HowUsedForm(forms.Form):
    how_used = forms.CharField(
        label=_("Så användes svaren"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )


class AttendanceForm(forms.Form):
    present = forms.BooleanField(label=_("Närvarande"), required=False)
    half_days = forms.TypedChoiceField(
        label=_("Halvdagar"), coerce=int, choices=[(1, "1"), (2, "2")], initial=1
    )
    lost_earnings = forms.DecimalField(
        label=_("Förlorad arbetsinkomst, kr"),
        min_value=0,
        max_digits=8,
        decimal_places=2,
        initial=0,
    )
    travel_km = forms.DecimalField(
        label=_("Resa, km"), min_value=0, max_digits=7, decimal_places=1, initial=0
    )
    travel_cost = forms.DecimalField(
        label=_("Resa, kostnad kr"), min_value=0, max_digits=8, decimal_places=2, initial=0
    )


class CompensationModelForm(forms.ModelForm):
    class Meta:
        model = CompensationModel
        fields = [
            "fee_basis",
            "fee",
            "lost_earnings_cap_per_half_day",
            "travel_basis",
            "travel_per_km",
        ]
        widgets = {"fee_basis": forms.RadioSelect, "travel_basis": forms.RadioSelect}
