"""The public forms of a consultation on a draft: a comment (on a passage or the whole
document, for oneself or on behalf of an invited organisation) and the choice of two versions
to compare. (The staff forms are in ``staff_forms.py``.)"""

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.moderation.forms import ScreenedFormMixin

from .models import Consultation, DocumentVersion, Invitation


class CommentForm(ScreenedFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Din synpunkt"),
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=False,
        help_text=_(
            "Synpunkten visas för alla med ditt visningsnamn och besvaras i "
            "samrådsredogörelsen. Skriv inte personnummer eller uppgifter om någons hälsa."
        ),
        error_messages={"required": _("Skriv din synpunkt.")},
    )
    invitation = forms.ModelChoiceField(
        label=_("Jag svarar för"),
        queryset=Invitation.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        empty_label=_("Mig själv"),
    )

    field_order = ["invitation", "text", "personal_data_ok", "accept_rules"]

    def __init__(
        self,
        *args: Any,
        consultation: Consultation,
        speaks_for: Sequence[Invitation] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invitation"]
        # Any invitation of this consultation is a valid value; the service refuses one the
        # person does not speak for (with its own message). Only theirs are offered.
        field.queryset = consultation.invitations.all()  # type: ignore[attr-defined]
        if speaks_for:
            field.widget.choices = [
                ("", _("Mig själv")),
                *((i.pk, i.name) for i in speaks_for),
            ]
        else:
            field.widget = forms.HiddenInput()
        self.speaks_for = list(speaks_for)

    def comment(self) -> dict[str, Any]:
        """The service's arguments from what was typed."""
        return {
            "text": self.cleaned_data["text"],
            "invitation": self.cleaned_data.get("invitation"),
            **self.screening_flags(),
        }


class CompareForm(forms.Form):
    """Two published versions (GET: ``?fran=1&till=2``)."""

    fran = forms.TypedChoiceField(label=_("Jämför version"), coerce=int)
    till = forms.TypedChoiceField(label=_("med version"), coerce=int)

    def __init__(self, *args: Any, versions: Sequence[DocumentVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(v.number, _("Version %(number)d") % {"number": v.number}) for v in versions]
        for name in ("fran", "till"):
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("fran") is not None and data.get("fran") == data.get("till"):
            raise forms.ValidationError(
                _("Välj två olika versioner att jämföra."), code="same_version"
            )
        return data
