from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor

from .models import Audience, Kind, Part, Section


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["title", "introduction"]
        labels = {"title": _("Rubrik"), "introduction": _("Inledning")}
        widgets = {"introduction": forms.Textarea(attrs={"rows": 3})}


class PartForm(forms.Form):
    section: "forms.ModelChoiceField[Section]" = forms.ModelChoiceField(
        label=_("Avsnitt"), queryset=Section.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(
        label=_("Slag av del"),
        choices=Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "En sida skriver ni här, en länk går till annat material, ett dokument är en PDF."
        ),
    )
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    summary = forms.CharField(
        label=_("Kort beskrivning"),
        max_length=300,
        required=False,
        help_text=_("En mening som visas i listan över delar."),
    )
    body = forms.CharField(
        label=_("Text (för en sida)"),
        required=False,
        widget=MarkdownEditor(),
        help_text=_("Markdown: ## för rubriker, - för punktlistor, [text](adress) för länkar."),
    )
    url = forms.URLField(
        label=_("Adress (för en länk)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Till exempel SKR:s eller Brå:s material."),
    )
    document = forms.FileField(
        label=_("PDF-fil (för ett dokument)"),
        required=False,
        help_text=_("Högst 20 MB. Lämna tomt för att behålla den fil som redan finns."),
    )
    minutes = forms.IntegerField(
        label=_("Beräknad tid i minuter"),
        min_value=1,
        max_value=600,
        help_text=_("Ungefär hur lång tid det tar att gå igenom delen."),
    )
    audience = forms.ChoiceField(
        label=_("För vem"), choices=Audience.choices, widget=forms.RadioSelect
    )
    is_public = forms.BooleanField(
        label=_("Visa delen för alla, också invånare och besökare"),
        required=False,
        help_text=_(
            "Till exempel hur ni modererar. Annars läser bara personal och förtroendevalda."
        ),
    )

    def __init__(self, *args: Any, sections: QuerySet[Section], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["section"]
        field.queryset = sections

    @staticmethod
    def initial_for(part: Part) -> dict[str, Any]:
        return {
            "section": part.section_id,
            "kind": part.kind,
            "title": part.title,
            "summary": part.summary,
            "body": part.body,
            "url": part.url,
            "minutes": part.minutes,
            "audience": part.audience,
            "is_public": part.is_public,
        }
