from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Initiative, SignatureList


class InitiativeForm(forms.ModelForm[Initiative]):
    class Meta:
        model = Initiative
        fields = [
            "organisation",
            "title",
            "question",
            "initiators",
            "submitted_on",
            "entitled_voters",
            "case_number",
        ]
        widgets = {
            "submitted_on": forms.DateInput(attrs={"type": "date"}),
            "question": forms.Textarea(attrs={"rows": 3}),
        }


class SignatureListForm(forms.ModelForm[SignatureList]):
    class Meta:
        model = SignatureList
        fields = ["kind", "label", "received_on"]
        widgets = {"received_on": forms.DateInput(attrs={"type": "date"})}


class SignaturesForm(forms.Form):
    signature_list = forms.ModelChoiceField(label=_("Lista"), queryset=SignatureList.objects.none())
    lines = forms.CharField(
        label=_("Underskrifter, en per rad"),
        widget=forms.Textarea(attrs={"rows": 10, "autocomplete": "off"}),
        help_text=_(
            "personnummer; datum; [ogiltig: skäl] – till exempel "
            "”19811218-9876; 2026-05-01”. Personnumren sparas bara som kontrollvärden."
        ),
    )
