from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.forms import ShortModelChoiceField, https_urls
from delaktig.core.widgets import MarkdownEditor, QuickSelect
from delaktig.participation.models import Perspective, Process, SdgTarget

from .models import (
    ActionPlan,
    Activity,
    FocusArea,
    GenderEqualityGoal,
    Goal,
    Indicator,
    Sex,
    Strategy,
)
from .status import NEEDS_REASON, ActivityStatus

MAX_UPLOAD = 10 * 1024 * 1024


class SdgTargetField(forms.ModelMultipleChoiceField[SdgTarget]):
    """Agenda 2030 targets typed as codes ("16.7, 5.5"), which is how plans write them."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", _("Delmålens nummer, åtskilda med kommatecken, till exempel 16.7, 5.5.")
        )
        super().__init__(queryset=SdgTarget.objects.all(), **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        if value is None:
            return ""
        codes = []
        for item in value:
            if isinstance(item, SdgTarget):
                codes.append(item.code)
            else:
                target = SdgTarget.objects.filter(pk=item).first()
                codes.append(target.code if target else str(item))
        return ", ".join(codes)

    def clean(self, value: Any) -> Any:
        text = value if isinstance(value, str) else ", ".join(value or [])
        codes = [code.strip() for code in text.replace(";", ",").split(",") if code.strip()]
        if not codes:
            return SdgTarget.objects.none()
        found = {target.code: target for target in SdgTarget.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise forms.ValidationError(
                _("Delmålen finns inte i Agenda 2030: %(codes)s. Skriv dem som 16.7 eller 5.a."),
                params={"codes": ", ".join(unknown)},
            )
        return [found[code] for code in dict.fromkeys(codes)]


# Addresses the public pages use for themselves (see urls.py): a strategy or plan with one of
# these would never be reached.
RESERVED_STRATEGY_SLUGS = frozenset({"natverk"})
RESERVED_PLAN_SLUGS = frozenset({"anslutna", "anslut", "aktivitet", "indikator", "rapport"})


def _check_reserved(slug: str, reserved: frozenset[str]) -> str:
    if slug in reserved:
        raise forms.ValidationError(
            _("Adressen ”%(slug)s” används redan av webbplatsen. Välj en annan."),
            params={"slug": slug},
        )
    return slug


class StrategyForm(forms.ModelForm[Strategy]):
    organisation: Any = forms.ModelChoiceField(queryset=None, label=_("Ägare"), required=False)

    class Meta:
        model = Strategy
        fields = [
            "title",
            "slug",
            "summary",
            "body",
            "adopted_by",
            "decision_date",
            "decision_reference",
            "start_year",
            "end_year",
            "revision_cycle",
            "next_review",
            "perspectives",
            "joinable",
            "published",
        ]
        widgets = {
            "perspectives": forms.CheckboxSelectMultiple,
            "decision_date": forms.DateInput(attrs={"type": "date"}),
            "next_review": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": MarkdownEditor(attrs={"rows": 10}),
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from delaktig.organisations.models import Body

        if self.instance.pk:
            del self.fields["organisation"]
            bodies = Body.objects.filter(organisation=self.instance.organisation)
        else:
            field: Any = self.fields["organisation"]
            field.queryset = organisations
            field.required = True
            if organisations.count() == 1:
                field.initial = organisations.first()
            bodies = Body.objects.filter(organisation__in=organisations)
        fields: Any = self.fields
        fields["adopted_by"].queryset = bodies

    def clean_slug(self) -> str:
        return _check_reserved(str(self.cleaned_data["slug"]), RESERVED_STRATEGY_SLUGS)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Slutåret kan inte vara före startåret."))
        return data


class GoalForm(forms.ModelForm[Goal]):
    sdg_targets = SdgTargetField(label=_("Agenda 2030-delmål"))

    class Meta:
        model = Goal
        fields = ["number", "title", "description", "gender_equality_goals", "sdg_targets"]
        widgets = {
            "gender_equality_goals": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PlanForm(forms.ModelForm[ActionPlan]):
    class Meta:
        model = ActionPlan
        fields = [
            "title",
            "slug",
            "summary",
            "start_year",
            "end_year",
            "adopted_by",
            "decision_date",
            "decision_reference",
            "published",
        ]
        widgets = {
            "decision_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strategy = strategy
        from delaktig.organisations.models import Body

        self.fields["adopted_by"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            organisation=strategy.organisation
        )

    def clean_slug(self) -> str:
        slug = _check_reserved(str(self.cleaned_data["slug"]), RESERVED_PLAN_SLUGS)
        taken = ActionPlan.objects.filter(strategy=self.strategy, slug=slug)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Strategin har redan en plan med den adressen."))
        return str(slug)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Slutåret kan inte vara före startåret."))
        return data


class AreaForm(forms.ModelForm[FocusArea]):
    class Meta:
        model = FocusArea
        fields = ["title", "description", "goals"]
        widgets = {
            "goals": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["goals"].queryset = plan.strategy.goals.all()  # type: ignore[attr-defined]

    def clean_title(self) -> str:
        title = str(self.cleaned_data["title"]).strip()
        taken = FocusArea.objects.filter(plan=self.plan, title=title)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("Planen har redan ett område med det namnet."))
        return title


class ActivityForm(forms.ModelForm[Activity]):
    sdg_targets = SdgTargetField(label=_("Agenda 2030-delmål"))

    class Meta:
        model = Activity
        fields = [
            "area",
            "title",
            "description",
            "responsible_unit",
            "contact_name",
            "contact_email",
            "start_year",
            "end_year",
            "goals",
            "gender_equality_goals",
            "perspectives",
            "sdg_targets",
            "processes",
        ]
        widgets = {
            "goals": forms.CheckboxSelectMultiple,
            "gender_equality_goals": forms.CheckboxSelectMultiple,
            "perspectives": forms.CheckboxSelectMultiple,
            "processes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, plan: ActionPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        strategy = plan.strategy
        fields: Any = self.fields
        fields["area"].queryset = plan.areas.all()
        fields["area"].empty_label = None
        fields["goals"].queryset = strategy.goals.all()
        fields["perspectives"].queryset = Perspective.objects.all()
        fields["gender_equality_goals"].queryset = GenderEqualityGoal.objects.all()
        fields["processes"].queryset = Process.objects.filter(
            organisation=strategy.organisation
        ).order_by("title")
        fields["contact_name"].help_text = _(
            "Kontaktpersonen och e-postadressen visas för alla på aktivitetens sida."
        )
        fields["processes"].help_text = _(
            "Medborgardialoger vars synpunkter låg till grund för aktiviteten. Visas med "
            "återkopplingen på aktivitetens sida."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("Slutåret kan inte vara före startåret."))
        return data


class ProgressForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=ActivityStatus.choices, widget=forms.RadioSelect
    )
    status_reason = forms.CharField(
        label=_("Skäl"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Krävs när aktiviteten skjuts upp eller avbryts. Visas för alla."),
    )
    progress = forms.IntegerField(
        label=_("Hur långt har den kommit (procent)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Frivilligt. 100 när den är genomförd."),
    )
    text = forms.CharField(
        label=_("Vad har hänt sedan förra lägesrapporten?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visas på den offentliga sidan med dagens datum."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in NEEDS_REASON and not (data.get("status_reason") or "").strip():
            self.add_error(
                "status_reason",
                _("Skriv skälet till att aktiviteten skjuts upp eller avbryts."),
            )
        return data


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "goal",
            "unit",
            "direction",
            "source",
            "source_url",
            "kolada_kpi",
            "about_people",
            "by_sex",
            "sex_note",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        formfield_callback = https_urls

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = strategy.goals.all()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("about_people") and not data.get("by_sex") and not data.get("sex_note"):
            self.add_error(
                "sex_note",
                _("Förklara varför statistiken om personer inte finns uppdelad på kön."),
            )
        for year, value in (("baseline_year", "baseline_value"), ("target_year", "target_value")):
            if (data.get(year) is None) != (data.get(value) is None):
                self.add_error(value, _("Ange både år och värde, eller inget av dem."))
        return data


class IndicatorValueForm(forms.Form):
    year = forms.IntegerField(label=_("År"), min_value=1990, max_value=2100)
    sex = forms.ChoiceField(label=_("Gäller"), choices=Sex.choices, initial=Sex.TOTAL)
    municipality: Any = forms.ModelChoiceField(
        queryset=None,
        label=_("Kommun"),
        required=False,
        empty_label=_("Hela området"),
    )
    value = forms.DecimalField(label=_("Värde"), max_digits=14, decimal_places=4, localize=True)
    note = forms.CharField(label=_("Kommentar"), max_length=300, required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["municipality"].queryset = indicator.strategy.organisation.municipalities.all()
        if not indicator.by_sex:
            fields["sex"].choices = [(Sex.TOTAL.value, Sex.TOTAL.label)]


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("CSV eller Excel (XLSX), högst 10 MB."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("Filen är större än 10 MB."))
        return upload


class PlanFilterForm(forms.Form):
    """The public plan page's filters, read from the query string. The selects are written in
    Python (``QuickSelect``): a plan of 200 activities may name as many responsible units."""

    goal: Any = ShortModelChoiceField(
        queryset=None, required=False, label=_("Mål"), widget=QuickSelect
    )
    perspective = ShortModelChoiceField(
        queryset=Perspective.objects.all(),
        required=False,
        label=_("Perspektiv"),
        widget=QuickSelect,
    )
    unit = forms.ChoiceField(required=False, label=_("Ansvarig enhet"), widget=QuickSelect)
    status = forms.ChoiceField(required=False, label=_("Status"), widget=QuickSelect)
    gender_goal = ShortModelChoiceField(
        queryset=GenderEqualityGoal.objects.all(),
        required=False,
        label=_("Jämställdhetspolitiskt delmål"),
        widget=QuickSelect,
    )

    def __init__(self, *args: Any, plan: ActionPlan, units: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["goal"].queryset = plan.strategy.goals.all()
        fields["goal"].empty_label = _("Alla mål")
        fields["perspective"].empty_label = _("Alla perspektiv")
        fields["gender_goal"].empty_label = _("Alla delmål")
        fields["unit"].choices = [("", _("Alla enheter")), *[(u, u) for u in units]]
        fields["status"].choices = [("", _("Alla statusar")), *ActivityStatus.choices]
