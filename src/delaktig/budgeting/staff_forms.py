"""The forms officials use to run a participatory budget (``staff_views.py``)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor
from delaktig.followup.models import Activity, FocusArea
from delaktig.organisations.models import Municipality, Organisation
from delaktig.population.models import PopulationTable

from . import services
from .forms import KronorField
from .models import Budget, Category, Method
from .services import MAX_PAPER_CODES, BudgetSettings, IdeaText

METHOD_HELP = {
    Method.KNAPSACK: _(
        "Den som röstar väljer de förslag hen vill ha, så länge de tillsammans ryms i "
        "budgeten. Förslagen med flest röster får pengar i tur och ordning så länge pengarna "
        "räcker."
    ),
    Method.APPROVAL: _(
        "Den som röstar väljer upp till ett visst antal förslag. Förslagen med flest röster "
        "får pengar i tur och ordning så länge pengarna räcker."
    ),
    Method.RANKED: _(
        "Den som röstar numrerar förslagen i den ordning hen föredrar dem. Rösterna räknas i "
        "omgångar: det förslag som har minst stöd faller bort, och dess röster går till nästa "
        "val på röstsedeln."
    ),
}


def _limit(form: forms.BaseForm, name: str, queryset: "QuerySet[Any]") -> None:
    """Offer only ``queryset`` in the form's choice field ``name``."""
    form.fields[name].queryset = queryset  # type: ignore[attr-defined]


class MethodSelect(forms.RadioSelect):
    """Radio buttons with a sentence on each method under its label."""

    option_template_name = "budgeting/staff/method_option.html"

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["help"] = METHOD_HELP.get(option["value"], "")
        option["help_id"] = f"{option['attrs'].get('id', '')}_explained"
        option["attrs"]["aria-describedby"] = option["help_id"]
        return option


class SettingsForm(forms.Form):
    amount = KronorField(
        label=_("Budget i kronor"),
        max_value=999_999_999_999_999,
        help_text=_("Hur mycket pengar invånarna bestämmer över, till exempel 2 000 000."),
    )
    method = forms.ChoiceField(
        label=_("Röstningsmetod"), choices=Method.choices, widget=MethodSelect
    )
    max_choices = forms.IntegerField(
        label=_("Högst antal förslag på en röstsedel"),
        required=False,
        min_value=1,
        max_value=99,
        help_text=_("Behövs för godkännanderöstning och rangordning, inte för budgetröstsedeln."),
    )
    min_age = forms.IntegerField(
        label=_("Lägsta ålder"),
        required=False,
        min_value=0,
        max_value=130,
        help_text=_("Åldern räknas på omröstningens sista dag. Tomt: ingen lägsta ålder."),
    )
    max_age = forms.IntegerField(
        label=_("Högsta ålder"),
        required=False,
        min_value=0,
        max_value=130,
        help_text=_("Till exempel 25 för en ungdomsbudget. Tomt: ingen högsta ålder."),
    )
    municipalities = forms.ModelMultipleChoiceField(
        label=_("Folkbokförd i"),
        queryset=Municipality.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Vilka kommuner den som röstar ska vara folkbokförd i. Ingen vald: alla kommuner "
            "i organisationen."
        ),
    )
    rules_text = forms.CharField(
        label=_("Reglerna i klartext"),
        required=False,
        max_length=8000,
        widget=MarkdownEditor(),
        help_text=_(
            "Vem som får rösta, hur rösterna räknas, hur lika röstetal avgörs och vad som "
            "händer med förslagen som vinner. Visas för alla och i korthet på "
            "pappersröstsedeln."
        ),
    )
    population_table = forms.ModelChoiceField(
        label=_("Befolkningstabell"),
        queryset=PopulationTable.objects.none(),
        required=False,
        empty_label=_("Ingen jämförelse med befolkningen"),
        help_text=_(
            "Resultatet jämför de röstande med befolkningen i tabellen (ålder, kön och kommun)."
        ),
    )
    categories = forms.CharField(
        label=_("Kategorier"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "En kategori per rad, till exempel Idrott och fritid. En kategori som ett förslag "
            "redan har finns kvar."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "municipalities", organisation.municipalities.order_by("name"))
        _limit(
            self,
            "population_table",
            PopulationTable.objects.filter(organisation=organisation).order_by("-year", "name"),
        )

    @staticmethod
    def initial_for(budget: Budget | None) -> dict[str, Any]:
        if budget is None:
            return {"method": Method.KNAPSACK}
        return {
            "amount": budget.amount,
            "method": budget.method,
            "max_choices": budget.max_choices,
            "min_age": budget.min_age,
            "max_age": budget.max_age,
            "municipalities": list(budget.municipalities.all()),
            "rules_text": budget.rules_text,
            "population_table": budget.population_table,
            "categories": "\n".join(c.name for c in budget.categories.all()),
        }

    def values(self) -> BudgetSettings:
        data = self.cleaned_data
        table = data.get("population_table")
        return BudgetSettings(
            amount=data["amount"] or 0,
            method=data["method"],
            max_choices=data.get("max_choices"),
            min_age=data.get("min_age"),
            max_age=data.get("max_age"),
            municipalities=list(data.get("municipalities") or []),
            rules_text=data.get("rules_text", ""),
            population_table_id=table.pk if table is not None else None,
            categories=[line for line in data.get("categories", "").splitlines() if line.strip()],
        )


class IdeaForm(forms.Form):
    """An idea as staff enter it (from a workshop or a letter) or make it clear in review."""

    title = forms.CharField(label=_("Rubrik"), max_length=150)
    description = forms.CharField(
        label=_("Beskrivning"), max_length=4000, widget=forms.Textarea(attrs={"rows": 6})
    )
    location = forms.CharField(
        label=_("Plats"), max_length=200, required=False, help_text=_("Var ska det göras?")
    )
    area = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Ingen särskild kommun"),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Ingen kategori"),
    )
    cost_estimate = KronorField(
        label=_("Uppskattad kostnad i kronor"),
        required=False,
        help_text=_("Förslagsställarens uppskattning, om det finns en."),
    )

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "area", services.eligible_municipalities(budget).order_by("name"))
        _limit(self, "category", budget.categories.all())
        if not budget.categories.exists():
            del self.fields["category"]

    def idea(self) -> IdeaText:
        data = self.cleaned_data
        return IdeaText(
            title=data["title"],
            description=data["description"],
            location=data.get("location", ""),
            area=data.get("area"),
            category=data.get("category"),
            cost_estimate=data.get("cost_estimate"),
        )


class AssessForm(IdeaForm):
    cost = KronorField(
        label=_("Bedömd kostnad i kronor"),
        required=False,
        help_text=_("Det förslaget kostar enligt er bedömning. Visas för alla och på röstsedeln."),
    )
    feasibility = forms.CharField(
        label=_("Bedömning"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Går det att genomföra, och vad krävs? Visas för alla."),
    )

    @staticmethod
    def initial_for(project: Any) -> dict[str, Any]:
        return {
            "title": project.title,
            "description": project.description,
            "location": project.location,
            "area": project.area,
            "category": project.category,
            "cost_estimate": project.cost_estimate,
            "cost": project.cost,
            "feasibility": project.feasibility,
        }


class DecideForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl att inte gå till omröstning"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Krävs om förslaget inte går till omröstning. Skälet visas för alla, också för "
            "den som lämnade förslaget."
        ),
    )


class PaperVoterForm(forms.Form):
    identity_number = forms.CharField(
        label=_("Personnummer"),
        max_length=20,
        help_text=_("12 siffror, till exempel 19800101-1234. Numret sparas inte."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Folkbokförd i"),
        queryset=Municipality.objects.none(),
        help_text=_("Enligt id-handlingen eller folkbokföringen."),
    )

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "municipality", services.eligible_municipalities(budget).order_by("name"))


class PrintForm(forms.Form):
    count = forms.IntegerField(
        label=_("Antal röstsedlar"),
        min_value=1,
        max_value=MAX_PAPER_CODES,
        initial=50,
        help_text=_("Varje röstsedel får en egen kvittokod. Högst %(max)d åt gången.")
        % {"max": MAX_PAPER_CODES},
    )


class BatchForm(forms.Form):
    place = forms.CharField(
        label=_("Plats"),
        max_length=150,
        help_text=_("Var röstsedlarna lämnades in, till exempel Stadsbiblioteket."),
    )
    voters = forms.IntegerField(
        label=_("Antal röstande enligt röstlängden"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("Hur många som fick en röstsedel på platsen."),
    )


class EntryForm(forms.Form):
    rows = forms.CharField(
        label=_("Röstsedlarna"),
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "En röstsedel per rad: kvittokoden, ett kolon och numren på förslagen, till exempel "
            "ABCD-EFGH-JKMN: 3, 7. Skriv ogiltig efter kolonet för en ogiltig röstsedel."
        ),
    )


def _activities(organisation_id: int) -> "QuerySet[Activity]":
    return (
        Activity.objects.filter(area__plan__strategy__organisation_id=organisation_id)
        .select_related("area__plan")
        .order_by("area__plan__title", "area__title", "title")
    )


class ActivityChoiceField(forms.ModelChoiceField[Activity]):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{obj.area.plan.title} – {obj.area.title}: {obj.title}"


class FocusAreaChoiceField(forms.ModelChoiceField[FocusArea]):
    def label_from_instance(self, obj: FocusArea) -> str:
        return f"{obj.plan.title}: {obj.title}"


class WinnerLinkForm(forms.Form):
    activity = ActivityChoiceField(
        label=_("Aktivitet i handlingsplanen"),
        queryset=Activity.objects.none(),
        required=False,
        empty_label=_("Ingen aktivitet (ta bort kopplingen)"),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(self, "activity", _activities(organisation_id))


class WinnerCreateForm(forms.Form):
    area = FocusAreaChoiceField(
        label=_("Fokusområde"),
        queryset=FocusArea.objects.none(),
        help_text=_("Aktiviteten får förslagets rubrik och beskrivning, och kopplas till det."),
    )

    def __init__(self, *args: Any, organisation_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _limit(
            self,
            "area",
            (
                FocusArea.objects.filter(plan__strategy__organisation_id=organisation_id)
                .select_related("plan")
                .order_by("plan__title", "title")
            ),
        )
