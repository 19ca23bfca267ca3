"""Forms of the Riskguiden staff pages. Step 1 is a list of ``RiskForm`` rows with prefixes
``risk-0``, ``risk-1``…; "add another risk" re-renders the list with one more empty row and
everything typed kept, without JavaScript."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from delaktig.councils.models import Council
from delaktig.meetings.models import Meeting
from delaktig.organisations.models import Organisation
from delaktig.participation.models import Process

from .levels import CONSEQUENCE_LABELS, LIKELIHOOD_LABELS
from .models import STATUS_CHOICES, Risk, SubjectKind
from .services import MeasureInput, RiskInput

MAX_ROWS = 50


class CreateForm(forms.Form):
    process: "forms.ModelChoiceField[Process]" = forms.ModelChoiceField(
        label=_("Deltagandeprocess"), queryset=None, required=False
    )
    meeting: "forms.ModelChoiceField[Meeting]" = forms.ModelChoiceField(
        label=_("Möte"), queryset=None, required=False
    )
    council: "forms.ModelChoiceField[Council]" = forms.ModelChoiceField(
        label=_("Råd"), queryset=None, required=False
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("Till exempel ”Riskanalys: dialogmöte om hälsocentralerna”."),
    )
    background = forms.CharField(
        label=_("Bakgrund"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vad analysen gäller, och vad som redan har hänt, kort."),
    )

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("process", "meeting", "council"):
            field = self.fields[name]
            field.queryset = choices[name]  # type: ignore[attr-defined]
            field.empty_label = _("Ingen")  # type: ignore[attr-defined]
        self.fields["process"].help_text = _("Välj precis en: en process, ett möte eller ett råd.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [name for name in ("process", "meeting", "council") if data.get(name)]
        if not chosen and not self.has_error("process"):
            self.add_error("process", _("Välj en process, ett möte eller ett råd."))
        elif len(chosen) > 1:
            for name in chosen[1:]:
                self.add_error(name, _("Välj bara en: en process, ett möte eller ett råd."))
        return data


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    background = forms.CharField(
        label=_("Bakgrund"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class RiskForm(forms.Form):
    """One risk in step 1. An empty new row is ignored."""

    risk_number = 0  # its number on the page, for the error summary

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label=_("Vad kan hända?"),
        max_length=300,
        required=False,
        help_text=_("Kort, till exempel ”Hotfulla mejl till handläggarna efter mötet”."),
    )
    kind = forms.ChoiceField(
        label=_("Slag av risk"), required=False, choices=[("", "–"), *Risk.Kind.choices]
    )
    exposed = forms.ChoiceField(
        label=_("Vem utsätts?"), required=False, choices=[("", "–"), *Risk.Exposed.choices]
    )
    exposed_detail = forms.CharField(
        label=_("Vilken grupp eller plats?"),
        max_length=200,
        required=False,
        help_text=_("Om en viss grupp eller plats utsätts."),
    )
    remove = forms.BooleanField(label=_("Ta bort risken"), required=False)

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("id") and not any(
            data.get(k) for k in ("description", "kind", "exposed", "exposed_detail")
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("description", "kind", "exposed"):
            # Shown as required; an empty row as a whole is allowed (and ignored).
            self.fields[name].marked_required = True  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank or data.get("remove"):
            return data
        for name in ("description", "kind", "exposed"):
            if not data.get(name) and not self.has_error(name):
                self.add_error(name, _("Fyll i det här, eller lämna hela raden tom."))
        return data

    def as_input(self) -> RiskInput:
        data = self.cleaned_data
        return RiskInput(
            id=data.get("id"),
            description=data.get("description") or "",
            kind=data.get("kind") or "",
            exposed=data.get("exposed") or "",
            exposed_detail=data.get("exposed_detail") or "",
            remove=bool(data.get("remove")),
        )


def risk_forms(data: Any, risks: list[Risk], *, extra: int = 1) -> list[RiskForm]:
    """The rows of step 1: posted (``data``, with its own row count) or the saved risks and
    ``extra`` empty rows."""
    if data is not None:
        try:
            count = int(data.get("rows", "0"))
        except ValueError:
            count = len(risks) + extra
        count = max(1, min(count, MAX_ROWS))
        return [RiskForm(data, prefix=f"risk-{n}") for n in range(count)]
    initial = [
        {
            "id": r.pk,
            "description": r.description,
            "kind": r.kind,
            "exposed": r.exposed,
            "exposed_detail": r.exposed_detail,
        }
        for r in risks
    ]
    rows = [RiskForm(initial=i, prefix=f"risk-{n}") for n, i in enumerate(initial)]
    rows += [RiskForm(prefix=f"risk-{n}") for n in range(len(rows), len(rows) + extra)]
    return rows


def _scale_choices(labels: dict[int, Any]) -> list[tuple[str, Any]]:
    return [("", _("Inte bedömd")), *((str(k), v) for k, v in labels.items())]


class RatingForm(forms.Form):
    """Step 2 for one risk (prefix ``rate-<risk id>``)."""

    risk_number = 0

    likelihood = forms.TypedChoiceField(
        label=_("Sannolikhet"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_scale_choices(LIKELIHOOD_LABELS),
        widget=forms.RadioSelect,
    )
    consequence = forms.TypedChoiceField(
        label=_("Konsekvens"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=_scale_choices(CONSEQUENCE_LABELS),
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"likelihood": risk.likelihood, "consequence": risk.consequence}
        )
        kwargs["prefix"] = f"rate-{risk.pk}"
        super().__init__(*args, **kwargs)
        self.risk = risk


class MeasureForm(forms.Form):
    """Step 3 for one risk (prefix ``measure-<risk id>``)."""

    risk_number = 0

    measures = forms.CharField(
        label=_("Åtgärder"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Vad görs för att förebygga risken eller minska konsekvenserna?"),
    )
    owner = forms.CharField(
        label=_("Ansvarig"),
        required=False,
        max_length=200,
        help_text=_("En namngiven person eller en roll, till exempel ”Säkerhetssamordnare”."),
    )
    due = forms.DateField(
        label=_("Klart senast"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Datum, till exempel 2026-03-01."),
    )
    done = forms.BooleanField(label=_("Genomförd"), required=False)

    def __init__(self, *args: Any, risk: Risk, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"measures": risk.measures, "owner": risk.owner, "due": risk.due, "done": risk.done},
        )
        kwargs["prefix"] = f"measure-{risk.pk}"
        super().__init__(*args, **kwargs)
        self.risk = risk

    def as_input(self) -> MeasureInput:
        data = self.cleaned_data
        return MeasureInput(
            measures=data.get("measures") or "",
            owner=data.get("owner") or "",
            due=data.get("due"),
            done=bool(data.get("done")),
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sparas i historiken."),
    )


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Valfritt. Visas tillsammans med analysen."),
    )


class FilterForm(forms.Form):
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("Alla")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla")), *STATUS_CHOICES]
    )
    subject = forms.ChoiceField(
        label=_("Gäller"), required=False, choices=[("", _("Alla")), *SubjectKind.choices]
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class MarkForm(forms.Form):
    process: "forms.ModelChoiceField[Process]" = forms.ModelChoiceField(
        label=_("Deltagandeprocess"), queryset=None, required=False, empty_label=_("Ingen")
    )
    meeting: "forms.ModelChoiceField[Meeting]" = forms.ModelChoiceField(
        label=_("Möte"), queryset=None, required=False, empty_label=_("Inget")
    )
    reason = forms.CharField(
        label=_("Varför kan den väcka starka känslor eller konflikter?"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, choices: dict[str, QuerySet[Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["process"].queryset = choices["process"]  # type: ignore[attr-defined]
        self.fields["meeting"].queryset = choices["meeting"]  # type: ignore[attr-defined]
        self.fields["process"].help_text = _("Välj en process eller ett möte.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        process, meeting = data.get("process"), data.get("meeting")
        if process is None and meeting is None and not self.has_error("process"):
            self.add_error("process", _("Välj en process eller ett möte."))
        elif process is not None and meeting is not None:
            self.add_error("meeting", _("Välj en process eller ett möte, inte båda."))
        return data
