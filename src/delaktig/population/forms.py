from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Organisation

MAX_UPLOAD = 20 * 1024 * 1024


class PopulationUploadForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None
    )
    name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        help_text=_("Till exempel ”Folkmängd 31 december 2024, länets kommuner”."),
    )
    source = forms.CharField(
        label=_("Källa"),
        max_length=300,
        required=False,
        help_text=_("Till exempel ”SCB, BE0101N1, hämtad 2025-03-20”."),
    )
    file = forms.FileField(
        label=_("Fil från Statistikdatabasen"),
        help_text=_(
            "JSON-stat2 eller CSV med folkmängd per region, ålder och kön för ett år. Ålder i "
            "ettårsklasser eller femårsklasser som går jämnt upp i plattformens åldersgrupper."
        ),
    )
    is_synthetic = forms.BooleanField(
        label=_("Siffrorna är påhittade (till exempel för test eller demo)"), required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Filen är större än 20 MB."))
        return upload
