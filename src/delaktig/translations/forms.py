"""The workbench's forms: one object's translations, a file back from an agency, and a
translator's role."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.errors import ValidationFailed
from delaktig.core.languages import language

# An agency's file: XLIFF or PO, small.
MAX_FILE_MB = 5


class TranslationForm(forms.Form):
    """A textarea per translated field of one object, named after the field. The fingerprint
    of the Swedish shown (``<field>-seen``) is written by the template from the current text,
    so that after a refused save the page carries the new one."""

    def __init__(
        self,
        *args: Any,
        fields: list[tuple[str, str, bool]],
        code: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        target = language(code)
        for name, label, long in fields:
            attrs = {"lang": target.tag, "dir": "rtl" if target.rtl else "ltr"}
            attrs["rows"] = "12" if long else "3"
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                strip=False,
                widget=forms.Textarea(attrs=attrs),
            )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil från översättningsbyrån"),
        help_text=_("XLIFF (.xlf, .xliff) eller PO (.po), högst 5 MB."),
    )
    reviewed = forms.BooleanField(
        label=_("Markera importerade som granskade"),
        required=False,
        help_text=_(
            "Bara texter som filen markerar som färdiga. Andra sparas som utkast, som "
            "allt gör utan den här rutan."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_MB * 1024 * 1024:
            error = ValidationFailed("translations.file_too_large", limit=MAX_FILE_MB)
            raise forms.ValidationError(error.message)
        return upload


class TranslatorForm(forms.Form):
    email = forms.EmailField(
        label=_("E-postadress"),
        help_text=_("Personen behöver ett konto på webbplatsen."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Översätter till"),
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["languages"]
        field.choices = [(code, language(code).name) for code in codes]


class TranslatorLanguagesForm(forms.Form):
    languages = forms.MultipleChoiceField(
        label=_("Översätter till"),
        widget=forms.CheckboxSelectMultiple,
        choices=[],
    )

    def __init__(self, *args: Any, codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["languages"]
        field.choices = [(code, language(code).name) for code in codes]
