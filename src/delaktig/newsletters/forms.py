from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor
from delaktig.councils.models import Council
from delaktig.organisations.models import Municipality, Organisation
from delaktig.participation.models import Perspective, Process, SdgGoal

from . import selectors
from .models import Newsletter


class _GoalChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.number}. {obj.name}"


class ChoicesForm(forms.Form):
    """What a subscriber chooses: language, municipality, topics."""

    language = forms.ChoiceField(
        label=_("Språk"),
        widget=forms.RadioSelect,
        help_text=_(
            "Nyhetsbrevet kommer på det språket när det finns översatt, annars på svenska."
        ),
    )
    municipality: "forms.ModelChoiceField[Municipality]" = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Alla kommuner"),
        help_text=_("Välj en kommun om du bara vill ha nyheter som gäller den."),
    )
    perspectives: "forms.ModelMultipleChoiceField[Perspective]" = forms.ModelMultipleChoiceField(
        label=_("Perspektiv"),
        queryset=Perspective.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Välj inget om du vill ha nyheter om allt."),
    )
    sdg_goals = _GoalChoice(
        label=_("Agenda 2030-mål"),
        queryset=SdgGoal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language: Any = self.fields["language"]
        language.choices = selectors.language_choices(organisation)
        self.initial.setdefault("language", "sv")
        municipality: Any = self.fields["municipality"]
        municipality.queryset = selectors.municipalities_of(organisation)
        perspectives, goals = selectors.topic_choices()
        perspective_field: Any = self.fields["perspectives"]
        perspective_field.queryset = perspectives
        goal_field: Any = self.fields["sdg_goals"]
        goal_field.queryset = goals


class SubscribeForm(ChoicesForm):
    """The public form: an address too, confirmed by e-mail."""

    email = forms.EmailField(
        label=_("E-postadress"),
        max_length=320,
        help_text=_("Vi skickar en länk som du öppnar för att bekräfta."),
    )
    field_order = ["email", "language", "municipality", "perspectives", "sdg_goals"]


class NewsletterForm(forms.ModelForm[Newsletter]):
    class Meta:
        model = Newsletter
        fields = [
            "subject",
            "preamble",
            "body",
            "to_subscribers",
            "municipalities",
            "perspectives",
            "sdg_goals",
            "combine",
            "processes",
            "councils",
        ]
        labels = {
            "to_subscribers": _("Skicka till bekräftade prenumeranter"),
            "municipalities": _("Bara prenumeranter i kommunerna"),
            "perspectives": _("Bara prenumeranter med perspektiven"),
            "sdg_goals": _("Bara prenumeranter med Agenda 2030-målen"),
            "combine": _("Prenumeranter ska uppfylla"),
            "processes": _("Också till de som följer processerna"),
            "councils": _("Också till ledamöterna i råden"),
        }
        help_texts = {
            "municipalities": _(
                "Prenumeranter som inte valt någon kommun vill ha allt och räknas med."
            ),
            "perspectives": _(
                "Prenumeranter som inte valt något ämne vill ha allt och räknas med. "
                "Perspektiv och mål räknas som ett villkor: något av dem räcker."
            ),
            "combine": _("Gäller kommun och ämne när båda är valda."),
            "processes": _(
                "Personer med konto som följer processen. Alla grupper läggs ihop (eller), "
                "och ingen adress får brevet två gånger."
            ),
        }
        widgets = {
            "preamble": forms.Textarea(attrs={"rows": 3}),
            "body": MarkdownEditor(),
            "municipalities": forms.CheckboxSelectMultiple,
            "perspectives": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "combine": forms.RadioSelect,
            "processes": forms.CheckboxSelectMultiple,
            "councils": forms.CheckboxSelectMultiple,
        }
        field_classes = {"sdg_goals": _GoalChoice}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets: dict[str, Any] = {
            "municipalities": selectors.municipalities_of(organisation),
            "perspectives": Perspective.objects.order_by("pk"),
            "sdg_goals": SdgGoal.objects.order_by("number"),
            "processes": Process.objects.filter(organisation=organisation)
            .exclude(status="draft")
            .order_by("title"),
            "councils": Council.objects.filter(organisation=organisation).order_by("name"),
        }
        for name, queryset in querysets.items():
            field: Any = self.fields[name]
            field.queryset = queryset
        combine: Any = self.fields["combine"]
        combine.choices = list(Newsletter.Combine.choices)
