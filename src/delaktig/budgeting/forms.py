"""The public forms of a participatory budget: an idea, the ballot, and a receipt check.
(The staff forms are in ``staff_forms.py``.)"""

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.errors import ValidationFailed
from delaktig.moderation.forms import ScreenedFormMixin
from delaktig.organisations.models import Municipality

from . import services
from .models import Budget, Category, Method, Project

MAX_COST = 2_000_000_000  # fits a cost column (PositiveIntegerField); no idea costs more


class KronorField(forms.CharField):
    """Whole kronor, typed as people write them: "25 000", "25000 kr", "25.000", "2 000 000:-",
    "2,000,000".
    Used by the public idea form and the staff forms alike; ``max_value`` is what the column
    holds (a project's cost: ``MAX_COST``; the budget itself: a big integer)."""

    default_error_messages = {
        "invalid": _("Skriv beloppet i hela kronor med siffror, till exempel 2 000 000."),
    }

    def __init__(self, *args: Any, max_value: int = MAX_COST, **kwargs: Any) -> None:
        self.max_value = max_value
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("maxlength", "30")
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def to_python(self, value: Any) -> int | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        text = re.sub(r"(?i)\s*(kr|kronor|sek|:-|,-)\.?\s*$", "", text)
        # "2,000,000" as an English reader writes it; "25,5" (a Swedish decimal) stays wrong.
        if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+", text.strip()):
            text = text.replace(",", "")
        digits = re.sub(r"[\s\u00a0\u202f.]", "", text)
        if not re.fullmatch(r"[0-9]{1,18}", digits) or int(digits) > self.max_value:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(digits)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            return f"{value:,}".replace(",", " ")
        return value


class IdeaForm(ScreenedFormMixin, forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=150)
    description = forms.CharField(
        label=_("Beskriv förslaget"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Vad ska göras, och vem har nytta av det? Högst 4 000 tecken."),
    )
    location = forms.CharField(
        label=_("Plats"),
        max_length=200,
        required=False,
        help_text=_("Var ska det göras? Till exempel en park, en skola eller en gata."),
    )
    area: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("Hela området"),
    )
    category = forms.ModelChoiceField(
        label=_("Kategori"), queryset=Category.objects.none(), required=False
    )
    cost_estimate = KronorField(
        label=_("Vad tror du att det kostar? (frivilligt)"),
        required=False,
        help_text=_("I hela kronor, till exempel 25 000. Tjänstepersoner gör en egen bedömning."),
        error_messages={"invalid": _("Skriv kostnaden i hela kronor, till exempel 25 000.")},
    )

    field_order = [
        "title",
        "description",
        "location",
        "area",
        "category",
        "cost_estimate",
        "personal_data_ok",
        "accept_rules",
    ]

    def __init__(self, *args: Any, budget: Budget, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area = self.fields["area"]
        area.queryset = services.eligible_municipalities(budget).order_by("name")  # type: ignore[attr-defined]
        category = self.fields["category"]
        category.queryset = budget.categories.all()  # type: ignore[attr-defined]
        if not budget.categories.exists():
            del self.fields["category"]

    def idea(self) -> services.IdeaText:
        data = self.cleaned_data
        return services.IdeaText(
            title=data["title"],
            description=data["description"],
            location=data.get("location") or "",
            area=data.get("area"),
            category=data.get("category"),
            cost_estimate=data.get("cost_estimate"),
        )


def rank_field(number: int) -> str:
    return f"rank_{number}"


def ranked_choices(ranks: Mapping[int, int | None]) -> list[int]:
    """Project numbers in order of preference from the ranks typed beside them (blank: not
    ranked). The ranks must be 1, 2, 3 … with no gap and no number twice."""
    given = {number: rank for number, rank in ranks.items() if rank is not None}
    ordered = sorted(given, key=lambda n: given[n])
    if sorted(given.values()) != list(range(1, len(given) + 1)):
        raise ValidationFailed("budgeting.ranks_invalid", field="choices")
    return ordered


class BallotForm(forms.Form):
    """The ballot: ticks (budget and approval ballots) or ranks (a ranked ballot), and the
    consent to the statistics of who voted. The template draws each project itself."""

    choices = forms.TypedMultipleChoiceField(
        label=_("Förslagen du röstar på"), coerce=int, required=False
    )
    statistics_consent = forms.BooleanField(
        label=_("Räkna med mig i statistiken över vilka som röstade (åldersgrupp, kön och kommun)"),
        required=False,
        help_text=_(
            "Frivilligt. Uppgifterna sparas utan koppling till hur du röstade, och bara "
            "grupper med minst fem personer visas."
        ),
    )

    def __init__(self, *args: Any, budget: Budget, projects: Iterable[Project], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.projects = list(projects)
        numbers = [p.number for p in self.projects if p.number is not None]
        self.fields["choices"].choices = [(n, str(n)) for n in numbers]  # type: ignore[attr-defined]
        self.ranked = budget.method == Method.RANKED
        if self.ranked:
            del self.fields["choices"]
            top = budget.max_choices or len(numbers)
            for n in numbers:
                self.fields[rank_field(n)] = forms.IntegerField(
                    label=_("Plats för förslag %(number)d") % {"number": n},
                    required=False,
                    min_value=1,
                    max_value=top,
                )

    def ballot(self) -> list[int]:
        """The choices as the service takes them (raises ValidationFailed for bad ranks)."""
        if not self.ranked:
            return [int(n) for n in self.cleaned_data["choices"]]
        ranks = {
            p.number: self.cleaned_data.get(rank_field(p.number))
            for p in self.projects
            if p.number is not None
        }
        return ranked_choices(ranks)

    def rows(self) -> list[dict[str, Any]]:
        """Each project with what this person chose for it (kept on every error)."""
        if self.ranked:
            return [
                {
                    "project": p,
                    "field": self[rank_field(p.number)],
                    "rank": self[rank_field(p.number)].value() or "",
                }
                for p in self.projects
                if p.number is not None
            ]
        ticked = {str(v) for v in (self["choices"].value() or [])}
        return [{"project": p, "checked": str(p.number) in ticked} for p in self.projects]

    @staticmethod
    def initial_for(budget: Budget, choices: list[int]) -> dict[str, Any]:
        if budget.method == Method.RANKED:
            return {rank_field(n): i for i, n in enumerate(choices, start=1)}
        return {"choices": [str(n) for n in choices]}


class ReceiptForm(forms.Form):
    kod = forms.CharField(
        label=_("Kvittokod"),
        max_length=40,
        help_text=_("Koden står på kvittot, till exempel ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
