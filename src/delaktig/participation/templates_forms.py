"""Forms for process templates: the process form prefilled from one, and the template's own."""

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.organisations.models import Body, Organisation

from .forms import ProcessForm
from .models import Perspective, ProcessTemplate, SdgGoal, SdgTarget, TargetGroup
from .templates_spec import decision_expected, title_for

# The process form's fields a template fills as they are written.
_PLAIN = (
    "summary",
    "easy_read_summary",
    "body",
    "language",
    "ladder_step",
    "question",
    "purpose",
    "input_use",
    "decision_maker",
    "target_group_analysis",
)


def initial_from_template(
    template: ProcessTemplate, organisations: QuerySet[Organisation], start: date
) -> dict[str, Any]:
    """The process form's initial values from ``template``, its dates counted from ``start``.
    With one organisation to choose from, its municipalities and named body are chosen too."""
    spec = template.spec["process"]
    initial: dict[str, Any] = {name: spec[name] for name in _PLAIN if name in spec}
    initial["title"] = title_for(template.spec, start)
    initial["starts_on"] = start
    initial["decision_expected"] = decision_expected(template.spec, start)
    initial["target_groups"] = list(TargetGroup.objects.filter(code__in=spec.get("targets", [])))
    initial["perspectives"] = list(
        Perspective.objects.filter(code__in=spec.get("perspectives", []))
    )
    initial["sdg_goals"] = list(SdgGoal.objects.filter(number__in=spec.get("goals", [])))
    initial["sdg_targets"] = list(SdgTarget.objects.filter(code__in=spec.get("sdg_targets", [])))
    choices = list(organisations[:2])
    if len(choices) == 1:
        organisation = choices[0]
        initial["organisation"] = organisation
        initial["municipalities"] = list(organisation.municipalities.all())
        initial["responsible_body"] = Body.objects.filter(
            organisation=organisation, name=spec.get("body_name", "")
        ).first()
    return initial


class TemplateProcessForm(ProcessForm):
    """The process form with the day the template's phases are counted from."""

    starts_on = forms.DateField(
        label=_("Startdag"),
        help_text=_(
            "Mallens faser och datumet för beslut räknas från den här dagen. Du kan ändra "
            "datumen efteråt."
        ),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(_("Start")), [self["starts_on"]]), *super().sections()]

    def clean_starts_on(self) -> date:
        starts_on: date = self.cleaned_data["starts_on"]
        if starts_on < timezone.localdate():
            raise forms.ValidationError(_("Startdagen kan inte vara före i dag."))
        return starts_on


class ProcessTemplateForm(forms.Form):
    """A template's name and description, and (when editing) its content as TOML."""

    name = forms.CharField(label=_("Mallens namn"), max_length=120)
    description = forms.CharField(
        label=_("När mallen passar"),
        max_length=600,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("En eller två meningar som hjälper en kollega att välja rätt mall."),
    )

    def __init__(self, *args: Any, with_content: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if with_content:
            self.fields["content"] = forms.CharField(
                label=_("Innehåll"),
                widget=forms.Textarea(attrs={"rows": 24, "class": "code", "spellcheck": "false"}),
                help_text=_(
                    "Processens uppgifter, deltagandeformer och faser i TOML-format. En fas "
                    "börjar start_day dagar efter startdagen och pågår i days dagar."
                ),
            )
