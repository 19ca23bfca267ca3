"""Forms of the incident log: reporting, the security function's handling, sharing and the
yearly statistics."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Process

from .models import AGE_BAND_CHOICES, Incident, Support
from .workflow import STATUS_LABELS

ABOUT_SELF = "self"
ABOUT_COLLEAGUE = "colleague"

DETAIL_WIDGETS = {
    "description": forms.Textarea(attrs={"rows": 6}),
    "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "concerned_role": forms.RadioSelect,
    "concerned_sex": forms.RadioSelect,
    "category": forms.RadioSelect,
}
DETAIL_LABELS = {
    "concerned_name": _("Namn på den som utsattes"),
    "concerned_role": _("Den utsattas roll"),
    "concerned_sex": _("Den utsattas kön"),
    "concerned_age_band": _("Den utsattas åldersgrupp (valfritt)"),
    "category": _("Vad slags händelse var det?"),
    "description": _("Vad hände?"),
    "occurred_on": _("När hände det?"),
    "place": _("Var hände det? (valfritt)"),
    "channel": _("Hur kom det till dig?"),
    "process": _("Hände det i en deltagandeprocess? (valfritt)"),
    "meeting": _("Hände det vid ett möte? (valfritt)"),
    "police_reported": _("Händelsen är polisanmäld"),
    "police_case_number": _("Polisens diarienummer (valfritt)"),
}
DETAIL_HELP = {
    "description": _(
        "Skriv med egna ord: vad som sades eller gjordes, av vem om du vet, och om det har "
        "hänt förut. Bara säkerhetsfunktionen, du och den som utsattes kan läsa det."
    ),
    "category": _("Kategorierna följer Brås Politikernas trygghetsundersökning."),
    "police_case_number": _("Ett K-nummer, till exempel K123456-25."),
    "process": _("Då får en riskanalys av processen en påminnelse om att ses över."),
    "meeting": _("Då får en riskanalys av mötet en påminnelse om att ses över."),
}
DETAIL_FIELD_NAMES = [
    "concerned_name",
    "concerned_role",
    "concerned_sex",
    "concerned_age_band",
    "category",
    "description",
    "occurred_on",
    "place",
    "channel",
    "process",
    "meeting",
]


def _link_querysets(
    form: "forms.ModelForm[Incident]", organisations: QuerySet[Organisation]
) -> None:
    process_field: Any = form.fields["process"]
    process_field.queryset = (
        Process.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "title")
    )
    meeting_field: Any = form.fields["meeting"]
    meeting_field.queryset = (
        Meeting.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("-starts_at")
    )
    meeting_field.label_from_instance = lambda m: (
        f"{m.title} ({timezone.localtime(m.starts_at):%Y-%m-%d})"
    )
    for name in ("concerned_role", "concerned_sex", "category"):
        radio: Any = form.fields[name]
        radio.choices = [choice for choice in radio.choices if choice[0]]  # no "---------"
    age_field: Any = form.fields["concerned_age_band"]
    age_field.choices = [
        ("", _("Vill inte ange")),
        *AGE_BAND_CHOICES,
    ]


class ReportForm(forms.ModelForm[Incident]):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Den organisation där du har ditt uppdrag eller din anställning."),
    )
    about = forms.ChoiceField(
        label=_("Vem gäller det?"),
        choices=[
            (ABOUT_SELF, _("Mig själv")),
            (ABOUT_COLLEAGUE, _("En kollega, som jag rapporterar för")),
        ],
        widget=forms.RadioSelect,
        initial=ABOUT_SELF,
    )

    class Meta:
        model = Incident
        fields = [*DETAIL_FIELD_NAMES, "police_reported", "police_case_number"]
        widgets = DETAIL_WIDGETS
        labels = DETAIL_LABELS
        help_texts = {
            **DETAIL_HELP,
            "concerned_name": _("Fylls i med ditt namn om det gäller dig själv."),
        }

    field_order = ["organisation", "about", *DETAIL_FIELD_NAMES]

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation], reporter_name: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reporter_name = reporter_name
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = organisations
        if organisations.count() == 1:
            organisation_field.initial = organisations.first()
        self.fields["concerned_name"].required = False
        _link_querysets(self, organisations)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("about") == ABOUT_SELF and not (cleaned.get("concerned_name") or "").strip():
            cleaned["concerned_name"] = self.reporter_name
        elif (
            not (cleaned.get("concerned_name") or "").strip()
            and "concerned_name" not in self.errors
        ):
            self.add_error("concerned_name", _("Skriv namnet på den som utsattes."))
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("about")
        return data

    def _post_clean(self) -> None:
        # The service validates and saves; the model instance is never saved from the form.
        pass


class HandlingForm(forms.ModelForm[Incident]):
    """The security function's record of an incident, and any correction of its details."""

    support = forms.MultipleChoiceField(
        label=_("Stöd som har getts"),
        choices=Support.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Incident
        fields = [
            *DETAIL_FIELD_NAMES,
            "police_reported",
            "police_case_number",
            "support",
            "support_text",
            "follow_up",
        ]
        widgets = {
            **DETAIL_WIDGETS,
            "support_text": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 5}),
        }
        labels = {
            **DETAIL_LABELS,
            "support_text": _("Stöd, beskrivning (valfritt)"),
            "follow_up": _("Uppföljning (valfritt)"),
        }
        help_texts = {
            **DETAIL_HELP,
            "follow_up": _("Vad som har gjorts och vad som ska göras, med datum."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        incident = self.instance
        _link_querysets(self, Organisation.objects.filter(pk=incident.organisation_id))

    def _post_clean(self) -> None:
        pass


class ShareForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Dela med säkerhetsfunktionen i"),
        queryset=Organisation.objects.none(),
        help_text=_("Regionen och kommunerna i samma län som har en säkerhetsfunktion här."),
    )
    reason = forms.CharField(
        label=_("Skäl till att dela"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skälet sparas och visas för den andra organisationens säkerhetsfunktion."),
    )

    def __init__(self, *args: Any, candidates: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = candidates


class FilterForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Alla"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Alla")), *((s.value, label) for s, label in STATUS_LABELS.items())],
    )
    category = forms.ChoiceField(label=_("Kategori"), required=False)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        from .models import Category

        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = organisations
        category_field: Any = self.fields["category"]
        category_field.choices = [("", _("Alla")), *Category.choices]


class StatisticsForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.TypedChoiceField(label=_("År"), coerce=int)

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        years: list[int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation_field: Any = self.fields["organisation"]
        organisation_field.queryset = organisations
        year_field: Any = self.fields["year"]
        year_field.choices = [(year, str(year)) for year in years]
