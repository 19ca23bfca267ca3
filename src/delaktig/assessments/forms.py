from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Organisation
from delaktig.participation.models import Process

from .kinds import KIND_CHOICES, MAX_TEXT, FieldType, Template, check_answers
from .models import STATUS_CHOICES
from .services import problem_message

if TYPE_CHECKING:
    from delaktig.followup.models import Activity

# Form fields that are not sections of a template; no section key may take these names.
RESERVED_NAMES = frozenset({"title", "decision_summary", "action", "csrfmiddlewaretoken"})


def _grouped(items: list[tuple[str, str, str]], empty_label: Any) -> list[Any]:
    """Choices grouped under headings: ``items`` are (group, value, label) in order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, value, label in items:
        groups.setdefault(group, []).append((value, label))
    return [("", empty_label), *groups.items()]


class AssessmentCreateForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Slag av analys"), choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None
    )
    title = forms.CharField(
        label=_("Rubrik"),
        max_length=200,
        help_text=_("Till exempel ”Barnkonsekvensanalys: nya öppettider för fritidsgårdarna”."),
    )
    decision_summary = forms.CharField(
        label=_("Beslutet som förbereds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Vilket beslut gäller det, vem beslutar och ungefär när? Kan fyllas i senare, men "
            "behövs innan analysen markeras som klar."
        ),
    )
    process: "forms.ModelChoiceField[Process]" = forms.ModelChoiceField(
        label=_("Deltagandeprocess som analysen gäller"),
        queryset=None,
        required=False,
        help_text=_("Valfritt. Välj en process eller en aktivitet, eller ingen av dem."),
    )
    activity: "forms.ModelChoiceField[Activity]" = forms.ModelChoiceField(
        label=_("Aktivitet i en handlingsplan som analysen gäller"),
        queryset=None,
        required=False,
        help_text=_(
            "Valfritt. Analysen kan också gälla ett beslut som inte hör till någon av dem."
        ),
    )

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Any],
        processes: QuerySet[Process],
        activities: QuerySet[Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["organisation"].queryset = organisations
        if len(organisations) == 1 and not self.initial.get("organisation"):
            fields["organisation"].initial = organisations[0]
        fields["process"].queryset = processes
        fields["process"].choices = _grouped(
            [(p.organisation.name, str(p.pk), p.title) for p in processes],
            _("Ingen process"),
        )
        fields["activity"].queryset = activities
        fields["activity"].choices = _grouped(
            [
                (
                    f"{a.area.plan.strategy.title} – {a.area.plan.title}",
                    str(a.pk),
                    f"{a.code} {a.title}",
                )
                for a in activities
            ],
            _("Ingen aktivitet"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation = data.get("organisation")
        process, activity = data.get("process"), data.get("activity")
        if process is not None and activity is not None:
            self.add_error(
                "activity",
                _("Välj antingen en process eller en aktivitet, inte båda."),
            )
        elif organisation is not None:
            for name, linked in (("process", process), ("activity", activity)):
                if linked is not None and linked.organisation_id != organisation.pk:
                    self.add_error(name, _("Den hör till en annan organisation än analysen."))
        return data


class AnswersForm(forms.Form):
    """The title, the decision and one field per section of the template."""

    title = forms.CharField(label=_("Rubrik"), max_length=200)
    decision_summary = forms.CharField(
        label=_("Beslutet som förbereds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Vilket beslut gäller det, vem beslutar och ungefär när?"),
    )

    def __init__(self, *args: Any, template: Template, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.template = template
        # Not required to save a draft; marked as required for marking it ready.
        self.fields["decision_summary"].marked_required = True  # type: ignore[attr-defined]
        for section in template.sections:
            common: dict[str, Any] = {
                "label": section.label,
                "help_text": section.help_text,
                "required": False,
            }
            if section.field_type is FieldType.MULTICHOICES:
                self.fields[section.key] = forms.MultipleChoiceField(
                    choices=[(o.key, o.label) for o in section.options],
                    widget=forms.CheckboxSelectMultiple,
                    **common,
                )
            elif section.field_type is FieldType.CHOICES:
                self.fields[section.key] = forms.ChoiceField(
                    choices=[
                        ("", _("Inte besvarat")),
                        *((o.key, o.label) for o in section.options),
                    ],
                    widget=forms.RadioSelect,
                    **common,
                )
            else:
                self.fields[section.key] = forms.CharField(
                    max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 6}), **common
                )
            self.fields[section.key].marked_required = section.required  # type: ignore[attr-defined]

    def section_fields(self) -> list[forms.BoundField]:
        return [self[s.key] for s in self.template.sections]

    def clean(self) -> dict[str, Any]:
        # The service checks the answers too; here each problem goes next to its section.
        data = super().clean() or {}
        _answers, problems = check_answers(self.template, self.answers())
        for key, problem in problems.items():
            self.add_error(key if key in self.fields else None, problem_message(problem))
        return data

    def answers(self) -> dict[str, Any]:
        """The answers typed, by section key, as the service takes them."""
        data = self.cleaned_data
        return {s.key: data.get(s.key) for s in self.template.sections if s.key in data}


class SignOffForm(forms.Form):
    note = forms.CharField(
        label=_("Kommentar"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Valfritt. Visas tillsammans med analysen."),
    )
    publish = forms.BooleanField(
        label=_("Visa analysen på webbplatsen"),
        required=False,
        initial=True,
        help_text=_(
            "En godkänd analys är en allmän handling. Avmarkera bara om den innehåller "
            "uppgifter som inte ska publiceras."
        ),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Varför öppnas analysen igen?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Analysen blir ett utkast igen. Motiveringen sparas i historiken."),
    )


class StaffFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Slag av analys"), required=False, choices=[("", _("Alla")), *KIND_CHOICES]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Alla")), *STATUS_CHOICES]
    )
    organisation: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("Alla")
    )

    def __init__(self, *args: Any, organisations: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]


class PublicFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Slag av analys"), required=False, choices=[("", _("Alla")), *KIND_CHOICES]
    )
