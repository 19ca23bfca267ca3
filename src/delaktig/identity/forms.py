from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Municipality


class VerifyResidentForm(forms.Form):
    email = forms.EmailField(label=_("Personens e-postadress (kontots inloggning)"))
    identity_number = forms.CharField(
        label=_("Personnummer eller samordningsnummer"),
        max_length=20,
        help_text=_("ÅÅÅÅMMDD-NNNN. Numret sparas inte, bara ett kontrollvärde."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Folkbokförd i"), queryset=Municipality.objects.none()
    )
    seen_proof = forms.BooleanField(
        label=_("Jag har sett giltig legitimation och kontrollerat folkbokföringen")
    )

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
