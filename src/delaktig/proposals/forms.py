from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.accounts.models import User
from delaktig.core.widgets import MarkdownEditor, QuickSelect
from delaktig.moderation.forms import ScreenedFormMixin
from delaktig.organisations.models import Body, Municipality

from .models import Attachment, Category, IntakeRule, Proposal, ProposalSettings
from .workflow import Outcome


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProposalForm(ScreenedFormMixin, forms.ModelForm[Proposal]):
    attachments = MultipleFileField(
        label=_("Bilagor"),
        required=False,
        help_text=_("PDF, JPEG eller PNG, högst 10 MB styck och fem filer."),
    )

    class Meta:
        model = Proposal
        fields = ["title", "body", "background", "municipality", "category", "author_name"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 8}),
            "background": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "body": _("Vad vill du att regionen ska göra?"),
            "background": _("Varför? Beskriv gärna vad du har sett eller varit med om."),
            "author_name": _("Förslaget blir en allmän handling, och namnet kan publiceras."),
        }

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(  # type: ignore[attr-defined]
            organisations=organisation
        )
        self.fields["municipality"].empty_label = _("Hela regionen")  # type: ignore[attr-defined]
        categories = Category.objects.filter(organisation=organisation)
        self.fields["category"].queryset = categories  # type: ignore[attr-defined]
        self.fields["category"].empty_label = _("Ingen särskild")  # type: ignore[attr-defined]
        if not categories.exists():
            del self.fields["category"]


class SupportForm(forms.Form):
    wants_updates = forms.BooleanField(
        label=_("Skicka e-post till mig när något händer med förslaget"),
        required=False,
        initial=True,
    )


class ProposalFilterForm(forms.Form):
    SORTS = [
        ("newest", _("Nyaste")),
        ("supported", _("Flest stöd")),
        ("closing", _("Stödperioden slutar snart")),
    ]
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=(), widget=QuickSelect)
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        required=False,
        queryset=Municipality.objects.all(),
        empty_label=_("Alla kommuner"),
        widget=QuickSelect,
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("Alla kategorier"),
        widget=QuickSelect,
    )
    year = forms.IntegerField(label=_("År"), required=False, min_value=2000, max_value=2100)
    reached = forms.BooleanField(label=_("Bara förslag som nådde tröskeln"), required=False)
    sort = forms.ChoiceField(label=_("Sortera"), required=False, choices=SORTS, widget=QuickSelect)

    def __init__(self, *args: Any, facets: Any = None, **kwargs: Any) -> None:
        """``facets`` (``selectors.list_facets()``): the choices offered, as the list page
        keeps them in the cache; without, they are read when the form is shown."""
        super().__init__(*args, **kwargs)
        if facets is not None:
            for name, choices in (
                ("municipality", facets.municipalities),
                ("category", facets.categories),
            ):
                field = self.fields[name]
                field.widget.listed = [("", field.empty_label), *choices]  # type: ignore[attr-defined]
        from .workflow import PUBLIC_STATUSES

        public = {s.value for s in PUBLIC_STATUSES}
        self.fields["status"].choices = [("", _("Alla"))] + [  # type: ignore[attr-defined]
            c for c in Proposal.StatusChoices.choices if c[0] in public
        ]


class RejectForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Regel"), queryset=IntakeRule.objects.none(), widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Motivering till den som skrev förslaget"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].queryset = IntakeRule.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )


class RegisterForm(forms.Form):
    registered_on = forms.DateField(
        label=_("Diariefört den"), widget=forms.DateInput(attrs={"type": "date"})
    )
    case_number = forms.CharField(
        label=_("Diarienummer"),
        required=False,
        max_length=40,
        help_text=_("Lämna tomt så får förslaget nästa nummer i serien."),
    )


class ReferForm(forms.Form):
    body = forms.ModelChoiceField(label=_("Beredande nämnd"), queryset=Body.objects.none())
    official: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("Handläggare"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )
        self.fields["official"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            roles__organisation=organisation, roles__kind="official", is_active=True
        ).distinct()
        self.fields["official"].label_from_instance = lambda u: u.public_name  # type: ignore[attr-defined]


class DecisionProposalForm(forms.Form):
    text = forms.CharField(label=_("Förslag till beslut"), widget=forms.Textarea(attrs={"rows": 4}))


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Beslut"), widget=forms.RadioSelect, choices=Proposal.OutcomeChoices.choices
    )
    decided_by = forms.ModelChoiceField(label=_("Beslutat av"), queryset=Body.objects.none())
    decided_on = forms.DateField(
        label=_("Beslutsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes_reference = forms.CharField(
        label=_("Protokoll"), max_length=200, help_text=_("Till exempel ”RF 2026-09-15 § 88”.")
    )
    answer = forms.CharField(
        label=_("Svar till förslagsställaren"),
        widget=MarkdownEditor(attrs={"rows": 5}),
        help_text=_("Markdown."),
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_by"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation
        )

    def clean_outcome(self) -> Outcome:
        return Outcome(self.cleaned_data["outcome"])


CORRECTION_REASON_HELP = _(
    "Skälet visas för alla i ärendets tidslinje, till exempel ”Fel datum skrevs in”."
)


class RegistrationCorrectionForm(forms.Form):
    """Correct the diarieföring. Each field keeps the value it was shown with (a hidden
    input), so only what the official changed is sent to the service."""

    registered_on = forms.DateField(
        label=_("Diariefört den"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        show_hidden_initial=True,
    )
    case_number = forms.CharField(
        label=_("Diarienummer"),
        required=False,
        max_length=40,
        show_hidden_initial=True,
        help_text=_(
            "Ändra bara om numret skrevs in fel. Flyttas datumet till ett annat år får "
            "ärendet nästa nummer i det årets serie."
        ),
    )
    reason = forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=CORRECTION_REASON_HELP,
    )


class DecisionCorrectionForm(DecideForm):
    reason = forms.CharField(
        label=_("Skäl till rättelsen"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=CORRECTION_REASON_HELP,
    )

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, organisation=organisation, **kwargs)
        for name in ("outcome", "decided_by", "decided_on", "minutes_reference", "answer"):
            self.fields[name].show_hidden_initial = True
        self.fields["decided_on"].widget.format = "%Y-%m-%d"


class RedactionForm(forms.Form):
    """The text as it will be published, prefilled with what the resident wrote."""

    title = forms.CharField(label=_("Rubrik"), max_length=150)
    body = forms.CharField(
        label=_("Förslaget"), max_length=6000, widget=forms.Textarea(attrs={"rows": 8})
    )
    background = forms.CharField(
        label=_("Bakgrund"),
        max_length=6000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    withheld: "forms.ModelMultipleChoiceField[Attachment]" = forms.ModelMultipleChoiceField(
        label=_("Bilagor som inte publiceras"),
        queryset=Attachment.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Bilagan finns kvar och kan öppnas av personal och förslagsställaren."),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        attachments = proposal.attachments.all()
        if attachments:
            self.fields["withheld"].queryset = attachments  # type: ignore[attr-defined]
            self.fields["withheld"].label_from_instance = lambda a: a.original_name  # type: ignore[attr-defined]
        else:
            del self.fields["withheld"]


class UnfinishedReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför ärendet inte är avgjort"), widget=forms.Textarea(attrs={"rows": 3})
    )


class WriteOffForm(forms.Form):
    decided_on = forms.DateField(
        label=_("Beslutsdatum"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes_reference = forms.CharField(label=_("Protokoll"), max_length=200)


class ProposalSettingsForm(forms.ModelForm[ProposalSettings]):
    report_months = forms.TypedMultipleChoiceField(
        label=_("Månader då oavslutade förslag redovisas för fullmäktige"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        choices=[(m, m) for m in range(1, 13)],
    )
    reminder_days = forms.CharField(
        label=_("Påminnelser till handläggaren, dagar före sista dag"),
        required=False,
        help_text=_("Siffror åtskilda med komma, till exempel 60, 30, 7."),
    )

    class Meta:
        model = ProposalSettings
        fields = [
            "enabled",
            "support_phase",
            "threshold_kind",
            "threshold_value",
            "population",
            "support_period_days",
            "residents_only",
            "intake_rules",
            "repeat_window_months",
            "report_months",
            "case_number_format",
            "reminder_days",
        ]
        widgets = {
            "intake_rules": MarkdownEditor(attrs={"rows": 6}),
            "threshold_kind": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.utils.dates import MONTHS

        self.fields["report_months"].choices = [  # type: ignore[attr-defined]
            (number, name) for number, name in MONTHS.items()
        ]
        if self.instance.pk and not self.is_bound:
            self.initial["reminder_days"] = ", ".join(str(d) for d in self.instance.reminder_days)

    def clean_reminder_days(self) -> list[int]:
        raw = self.cleaned_data.get("reminder_days") or ""
        try:
            days = sorted(
                {int(part) for part in raw.replace(" ", "").split(",") if part}, reverse=True
            )
        except ValueError:
            raise forms.ValidationError(_("Skriv hela dagar åtskilda med komma.")) from None
        if any(d < 0 or d > 365 for d in days):
            raise forms.ValidationError(_("Dagarna ska vara mellan 0 och 365."))
        return days

    def clean_case_number_format(self) -> str:
        from .deadlines import format_case_number

        value: str = self.cleaned_data["case_number_format"]
        if "{seq}" not in value:
            raise forms.ValidationError(_("Formatet måste innehålla {seq}."))
        try:
            format_case_number(value, seq=1, year=2026)
        except (KeyError, IndexError, ValueError):
            raise forms.ValidationError(
                _("Använd bara {seq}, {year} och {org} i formatet.")
            ) from None
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("threshold_kind") == ProposalSettings.ThresholdKind.PER_MILLE and not data.get(
            "population"
        ):
            self.add_error("population", _("Ange befolkningen när tröskeln är i promille."))
        return data


class IntakeRuleForm(forms.ModelForm[IntakeRule]):
    class Meta:
        model = IntakeRule
        fields = ["title", "explanation"]
        widgets = {"explanation": forms.Textarea(attrs={"rows": 2})}


class CategoryForm(forms.ModelForm[Category]):
    class Meta:
        model = Category
        fields = ["name", "skips_support"]


class ReportForm(forms.Form):
    """Which organisation and date the report on unfinished proposals is for (a GET form)."""

    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    datum = forms.DateField(
        label=_("Rapportdatum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "rep-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.choices = [(o.slug, o.name) for o in organisations]  # type: ignore[attr-defined]
        if len(field.choices) < 2:  # type: ignore[attr-defined]
            field.widget = forms.HiddenInput()


class ReportedForm(forms.Form):
    """The day the unfinished proposals were reported to the assembly."""

    reported_on = forms.DateField(
        label=_("Redovisat för fullmäktige den"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
