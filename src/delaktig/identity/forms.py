from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Municipality

from .errors import MESSAGES
from .personnummer import InvalidIdentityNumber, parse


class IdentityCheckForm(forms.Form):
    """What an official records after seeing proof of identity and folkbokföring."""

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

    def __init__(self, *args: Any, municipalities: QuerySet[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]

    def clean_identity_number(self) -> str:
        # Checked here too, so that every mistake in the form is reported at once.
        number = str(self.cleaned_data["identity_number"])
        try:
            parse(number, today=timezone.localdate())
        except InvalidIdentityNumber:
            raise forms.ValidationError(str(MESSAGES["identity.invalid_number"])) from None
        return number


class VerifyResidentForm(IdentityCheckForm):
    """Verify an existing account directly."""

    field_order = ["email"]
    email = forms.EmailField(label=_("Personens e-postadress (kontots inloggning)"))


class RedeemCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verifieringskod"),
        max_length=40,
        help_text=_("Tolv tecken, till exempel ABCD-EFGH-JKMN. Stora eller små bokstäver går bra."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )
