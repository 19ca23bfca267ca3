from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from delaktig.moderation.forms import ScreenedFormMixin

from .models import STATEMENT_MAX_LENGTH, OpinionMap


def _statement_help() -> str:
    # Translated when shown: a lazy text filled in with % here, at import, would be fixed in
    # the language of the moment (Swedish) for every reader.
    return gettext(
        "En tanke per påstående, så att andra kan hålla med eller inte. Högst "
        "%(max)d tecken. Det du skriver blir offentligt, utan ditt namn."
    ) % {"max": STATEMENT_MAX_LENGTH}


class StatementForm(ScreenedFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Ditt påstående"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=lazy(_statement_help, str)(),
    )

    # The text first; the boxes screening may ask for come after it.
    field_order = ["text", "personal_data_ok", "accept_rules"]


class SeedStatementForm(forms.Form):
    text = forms.CharField(
        label=_("Nytt påstående från personalen"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Publiceras direkt. Skriv påståenden som går att hålla med om eller inte."),
    )


class SettingsForm(forms.ModelForm[OpinionMap]):
    class Meta:
        model = OpinionMap
        fields = ["topic", "moderation", "allow_statements", "results_public"]
        widgets = {
            "topic": forms.Textarea(attrs={"rows": 3}),
            "moderation": forms.RadioSelect,
        }


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files chosen at once in one input; cleans to a list."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        one = super().clean
        if isinstance(data, list | tuple):
            return [one(item, initial) for item in data]
        return [one(data, initial)]


class ImportForm(forms.Form):
    polis_files = MultipleFileField(
        label=_("Filer från Polis"),
        help_text=_(
            "votes.csv och comments.csv, gärna också participants-votes.csv: välj alla på en "
            "gång, eller en ZIP-fil som innehåller dem."
        ),
    )
    source = forms.CharField(
        label=_("Källa"),
        max_length=200,
        help_text=_("Varifrån samtalet kommer, till exempel: Polis, 15-per-hour-seattle."),
    )
    attribution = forms.CharField(
        label=_("Källhänvisning och licens"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Visas under kartan. Öppna data från Polis kräver CC BY 4.0-hänvisning."),
    )
