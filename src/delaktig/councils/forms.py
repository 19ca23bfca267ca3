from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor
from delaktig.participation.models import ProcessModule

from .models import CompensationModel, Council, Membership, ReferralResponse


class ReferralForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    question = forms.CharField(
        label=_("Frågan till rådet"), widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(
        label=_("Underlag"),
        required=False,
        widget=MarkdownEditor(attrs={"rows": 6}),
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
        widget=MarkdownEditor(attrs={"rows": 5}),
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


class CompensationModelForm(forms.ModelForm[CompensationModel]):
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


class CouncilForm(forms.ModelForm[Council]):
    class Meta:
        model = Council
        fields = ["organisation", "kind", "minority", "name", "slug", "mandate", "secretary"]
        widgets = {"mandate": MarkdownEditor(attrs={"rows": 4})}

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from delaktig.accounts.models import User

        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            roles__organisation__in=organisations, roles__kind="official"
        ).distinct()
        self.fields["secretary"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.public_name
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Council.Kind.MINORITY and not data.get("minority"):
            self.add_error("minority", _("Ange vilken nationell minoritet samrådet gäller."))
        return data


class MembershipForm(forms.ModelForm[Membership]):
    email = forms.EmailField(
        label=_("E-postadress till ledamotens konto"),
        required=False,
        help_text=_("Behövs för att ledamoten ska kunna svara på remisser i plattformen."),
    )

    class Meta:
        model = Membership
        fields = ["name", "nominated_by", "role", "term_start", "term_end"]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self) -> dict[str, Any]:
        from delaktig.accounts.models import User

        data = super().clean() or {}
        start, end = data.get("term_start"), data.get("term_end")
        if start and end and end < start:
            self.add_error("term_end", _("Mandatperioden måste sluta efter att den börjar."))
        email = data.get("email")
        if email:
            data["user"] = User.objects.filter(email__iexact=email, is_active=True).first()
            if data["user"] is None:
                self.add_error("email", _("Det finns inget konto med den e-postadressen."))
        return data
