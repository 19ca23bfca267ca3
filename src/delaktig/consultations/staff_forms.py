"""The forms officials use to run a consultation on a draft (``staff_views.py``).

Required answers (a stance, a reason, a theme's name) are checked by the services, which say
so in the platform's own words; the forms mark those fields as required for the reader."""

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from delaktig.core.params import MAX_ID
from delaktig.core.widgets import MarkdownEditor
from delaktig.councils.models import Council
from delaktig.organisations.models import Organisation

from . import drafts
from .models import Consultation, DocumentVersion, Stance, Theme
from .services import AnswerText, ConsultationSettings, InvitationValues
from .staff_selectors import NO_THEME, ORGANISATIONS, RESIDENTS, WHOLE


def _mark_required(form: forms.BaseForm, *names: str) -> None:
    for name in names:
        form.fields[name].marked_required = True  # type: ignore[attr-defined]


class SettingsForm(forms.Form):
    title = forms.CharField(
        label=_("Dokumentets namn"),
        max_length=200,
        required=False,
        help_text=_("Till exempel Demokratistrategi 2027–2030."),
    )
    introduction = forms.CharField(
        label=_("Om samrådet"),
        required=False,
        max_length=8000,
        widget=MarkdownEditor(),
        help_text=_(
            "Vad synpunkterna ska handla om, vem som beslutar och hur synpunkterna används. "
            "Visas överst på utkastets sida."
        ),
    )
    anonymise_residents = forms.BooleanField(
        label=_("Visa inte invånarnas namn i samrådsredogörelsen"),
        required=False,
        help_text=_(
            "Invånare visas då som Invånare 1, Invånare 2 och så vidare. Organisationer visas "
            "alltid med namn. Kan inte ändras när samrådsredogörelsen är publicerad."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "title")

    @staticmethod
    def initial_for(consultation: Consultation | None) -> dict[str, Any]:
        if consultation is None:
            return {}
        return {
            "title": consultation.title,
            "introduction": consultation.introduction,
            "anonymise_residents": consultation.anonymise_residents,
        }

    def values(self) -> ConsultationSettings:
        data = self.cleaned_data
        return ConsultationSettings(
            title=data.get("title", ""),
            introduction=data.get("introduction", ""),
            anonymise_residents=bool(data.get("anonymise_residents")),
        )


class DocxField(forms.FileField):
    """A Word file: only the name is checked here; the service reads the content."""

    widget = forms.FileInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = (
            ".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        )

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and not str(upload.name).lower().endswith(".docx"):
            raise ValidationError(
                _("Välj en fil som slutar på .docx (Word). Spara den som .docx och försök igen.")
            )
        return upload


class WorkingCopyForm(forms.Form):
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        required=False,
        help_text=_("Tomt: dokumentets egen rubrik (den första rubriken med #)."),
    )
    source = forms.CharField(
        label=_("Dokumentet"),
        required=False,
        max_length=1_000_000,
        widget=MarkdownEditor(attrs={"rows": 30, "spellcheck": "true"}),
        help_text=_(
            "Markdown. Rubriker med # blir avsnitt (## underavsnitt) och varje stycke mellan "
            "tomma rader får ett nummer, till exempel 3.2. En lista, en tabell eller ett citat "
            "är ett stycke."
        ),
    )
    docx = DocxField(
        label=_("Eller ladda upp ett Word-dokument"),
        required=False,
        help_text=_(
            "En .docx-fil, högst %(max)s. Rubrikerna och de numrerade styckena behålls. Filen "
            "ersätter texten ovan, som du sedan kan rätta."
        )
        % {"max": drafts.MAX_DOCX_LABEL},
    )
    changes = forms.CharField(
        label=_("Vad som har ändrats"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Visas överst i versionen och i samrådsredogörelsen. Behövs inte för version 1."
        ),
    )

    @staticmethod
    def initial_for(
        working: DocumentVersion | None, previous: DocumentVersion | None
    ) -> dict[str, Any]:
        """The working copy as saved, or, before there is one, the last published version's
        text to start from (version 2 begins as version 1)."""
        if working is not None:
            return {"title": working.title, "source": working.source, "changes": working.changes}
        if previous is not None:
            return {"title": previous.title, "source": previous.source}
        return {}


class InvitationForm(forms.Form):
    name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Till exempel Funktionsrättsföreningen i länet. Tomt för ett av era råd."),
    )
    council = forms.ModelChoiceField(
        label=_("Eller ett av organisationens råd"),
        queryset=Council.objects.none(),
        required=False,
        empty_label=_("Inget råd"),
        help_text=_("Rådets ordförande och sekreterare får inbjudan och svarar för rådet."),
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=120, required=False)
    contact_email = forms.EmailField(
        label=_("Kontaktpersonens e-post"),
        required=False,
        help_text=_(
            "Inbjudan och påminnelsen går hit. Den som har ett konto med den här adressen "
            "svarar för organisationen."
        ),
    )
    deadline = forms.DateField(
        label=_("Svar senast"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Skriv datumet som år-månad-dag, till exempel 2027-05-31.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = Council.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        ).order_by("name")

    def values(self) -> InvitationValues:
        data = self.cleaned_data
        deadline: date = data["deadline"]
        return InvitationValues(
            name=data.get("name", ""),
            deadline=deadline,
            contact_name=data.get("contact_name", ""),
            contact_email=data.get("contact_email", ""),
            council=data.get("council"),
        )


class AnswerForm(forms.Form):
    """One answer: how the comments are taken care of, why, and what changed."""

    stance = forms.ChoiceField(
        label=_("Ställningstagande"),
        choices=Stance.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Svar och skäl"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visas för alla i samrådsredogörelsen."),
    )
    change = forms.CharField(
        label=_("Ändring i dokumentet"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Till exempel ”Stycke 3.2 har skrivits om”. Tomt om inget ändrades."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "stance", "reason")

    @staticmethod
    def initial_for(answer: Any) -> dict[str, Any]:
        return {"stance": answer.stance, "reason": answer.reason, "change": answer.change}

    def text(self) -> AnswerText:
        data = self.cleaned_data
        return AnswerText(
            stance=data.get("stance", ""),
            reason=data.get("reason", ""),
            change=data.get("change", ""),
        )


class CommentIdsField(forms.Field):
    """The ticked comments (checkboxes named ``comments`` in the list) as ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        ids = []
        for item in value:
            raw = str(item).strip()
            if not raw:
                continue
            if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
                raise ValidationError(_("Välj synpunkterna i listan."))
            ids.append(int(raw))
        return ids


class ChosenCommentsForm(AnswerForm):
    """The answering list's form: the ticked comments, and either a theme for them or one
    answer to them all (the button pressed says which)."""

    comments = CommentIdsField(label=_("Valda synpunkter"), required=False)
    theme = forms.ModelChoiceField(
        label=_("Tema"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("Inget tema"),
    )
    field_order = ["comments", "theme", "stance", "reason", "change"]

    def __init__(self, *args: Any, consultation: Consultation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = consultation.themes.order_by(  # type: ignore[attr-defined]
            "position", "pk"
        )


class FilterForm(forms.Form):
    """The answering list's filters, read from the query string."""

    avsnitt = forms.ChoiceField(label=_("Avsnitt"), required=False)
    tema = forms.ChoiceField(label=_("Tema"), required=False)
    svarande = forms.ChoiceField(
        label=_("Vem som skrev"),
        required=False,
        choices=[
            ("", _("Alla")),
            (RESIDENTS, _("Invånare")),
            (ORGANISATIONS, _("Organisationer")),
        ],
    )
    utan_svar = forms.BooleanField(label=_("Bara synpunkter utan svar"), required=False)

    def __init__(
        self,
        *args: Any,
        sections: list[tuple[str, str]],
        themes: list[Theme],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["avsnitt"].choices = [  # type: ignore[attr-defined]
            ("", _("Alla avsnitt")),
            (WHOLE, _("Hela dokumentet")),
            *[(number, f"{number} {heading}") for number, heading in sections],
        ]
        self.fields["tema"].choices = [  # type: ignore[attr-defined]
            ("", _("Alla teman")),
            (NO_THEME, _("Utan tema")),
            *[(str(theme.pk), theme.name) for theme in themes],
        ]

    def filters(self) -> dict[str, Any]:
        """What to filter by: the valid values (an invalid one is shown as an error and not
        used)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "section": data.get("avsnitt", ""),
            "theme": data.get("tema", ""),
            "respondent": data.get("svarande", ""),
            "unanswered": bool(data.get("utan_svar")),
        }


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _mark_required(self, "name")


class ProposeForm(forms.Form):
    """The button that proposes themes: a form so that a refusal is shown beside it."""
