from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from delaktig.core.errors import ValidationFailed
from delaktig.core.forms import LabelledModelChoiceField, ShortModelChoiceField
from delaktig.core.widgets import MarkdownEditor, QuickSelect
from delaktig.organisations.models import Body, Municipality, Organisation, enabled_module_kinds

from . import registry
from .models import (
    LADDER_STEP_MEANING,
    LadderStep,
    Perspective,
    Phase,
    Process,
    ProcessModule,
    SdgGoal,
    SdgTarget,
    StatusChoices,
    TargetGroup,
)
from .workflow import Status


class ProcessFilterForm(forms.Form):
    # Its lists (311 organisations in a national installation) written without a template
    # per option (core.widgets.QuickSelect).
    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    step = forms.TypedChoiceField(
        label=_("Steg på delaktighetstrappan"),
        required=False,
        widget=QuickSelect,
        coerce=int,
        choices=[("", _("Alla steg"))] + list(LadderStep.choices),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        widget=QuickSelect,
        choices=[("", _("Alla"))] + [c for c in StatusChoices.choices if c[0] != Status.DRAFT],
    )
    organisation = LabelledModelChoiceField(
        label=_("Organisation"),
        required=False,
        widget=QuickSelect,
        queryset=Organisation.objects.all(),
        empty_label=_("Alla organisationer"),
    )
    municipality = LabelledModelChoiceField(
        label=_("Kommun"),
        required=False,
        widget=QuickSelect,
        queryset=Municipality.objects.all(),
        empty_label=_("Alla kommuner"),
    )
    perspective = ShortModelChoiceField(
        label=_("Perspektiv"),
        required=False,
        widget=QuickSelect,
        queryset=Perspective.objects.all(),
        empty_label=_("Alla perspektiv"),
    )
    goal = ShortModelChoiceField(
        label=_("Agenda 2030-mål"),
        required=False,
        widget=QuickSelect,
        queryset=SdgGoal.objects.all(),
        empty_label=_("Alla mål"),
    )
    target_group = ShortModelChoiceField(
        label=_("Målgrupp"),
        required=False,
        widget=QuickSelect,
        queryset=TargetGroup.objects.all(),
        empty_label=_("Alla målgrupper"),
    )


class TargetChoiceField(forms.ModelMultipleChoiceField[SdgTarget]):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.title_en[:90]}"


class ProcessForm(forms.ModelForm[Process]):
    sdg_targets = TargetChoiceField(
        label=_("Agenda 2030-delmål"),
        required=False,
        queryset=SdgTarget.objects.select_related("goal"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Håll ned Ctrl (eller Cmd) för att välja flera. Delmålen finns på engelska."),
    )

    class Meta:
        model = Process
        fields = [
            "organisation",
            "responsible_body",
            "title",
            "slug",
            "summary",
            "easy_read_summary",
            "body",
            "language",
            "ladder_step",
            "question",
            "purpose",
            "target_groups",
            "target_group_analysis",
            "input_use",
            "decision_maker",
            "decision_expected",
            "municipalities",
            "perspectives",
            "sdg_goals",
            "sdg_targets",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "easy_read_summary": forms.Textarea(attrs={"rows": 3}),
            "body": MarkdownEditor(attrs={"rows": 10}),
            "question": forms.Textarea(attrs={"rows": 2}),
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "target_group_analysis": forms.Textarea(attrs={"rows": 3}),
            "input_use": forms.Textarea(attrs={"rows": 3}),
            "ladder_step": forms.RadioSelect,
            "target_groups": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "perspectives": forms.CheckboxSelectMultiple,
            "sdg_goals": forms.CheckboxSelectMultiple,
            "decision_expected": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    SECTIONS = (
        (
            _("Grunduppgifter"),
            (
                "organisation",
                "responsible_body",
                "title",
                "slug",
                "summary",
                "easy_read_summary",
                "body",
                "language",
            ),
        ),
        (
            _("Planering av dialogen"),
            (
                "ladder_step",
                "question",
                "purpose",
                "input_use",
                "decision_maker",
                "decision_expected",
            ),
        ),
        (_("Vilka berörs"), ("target_groups", "target_group_analysis", "municipalities")),
        (_("Perspektiv och mål"), ("perspectives", "sdg_goals", "sdg_targets")),
    )

    def __init__(
        self, *args: Any, organisations: QuerySet[Organisation] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
            self.fields["responsible_body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
                organisation__in=organisations
            ).select_related("organisation")
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _(
            "Används i sidans adress. Lämna tomt så skapas den av rubriken."
        )
        self.fields["responsible_body"].empty_label = _("Inget organ valt")  # type: ignore[attr-defined]
        # Each step is explained where it is chosen, and no empty choice is offered.
        self.fields["ladder_step"].choices = [  # type: ignore[attr-defined]
            (step.value, f"{step.label} – {LADDER_STEP_MEANING[step]}") for step in LadderStep
        ]
        organisation_field = self.fields["organisation"]
        choices = list(organisation_field.queryset)  # type: ignore[attr-defined]
        if len(choices) == 1 and not self.instance.pk:
            organisation_field.initial = choices[0].pk

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(str(title), [self[name] for name in names]) for title, names in self.SECTIONS]

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or slugify(self.data.get("title", ""))[:70]
        if not slug:
            return slug
        others = Process.objects.exclude(pk=self.instance.pk)
        if self.cleaned_data.get("slug"):
            if others.filter(slug=slug).exists():
                raise forms.ValidationError(_("Adressen används redan av en annan process."))
            return slug
        return Process.objects.free_slug(slug, exclude_pk=self.instance.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        body, org = data.get("responsible_body"), data.get("organisation")
        if body and org and body.organisation_id != org.pk:
            self.add_error("responsible_body", _("Organet hör till en annan organisation."))
        step = data.get("ladder_step")
        if step and step > LadderStep.INFORMATION and not data.get("question"):
            self.add_error("question", _("Skriv frågan ni ställer till invånarna."))
        return data


class ModuleForm(forms.ModelForm[ProcessModule]):
    kind = forms.ChoiceField(label=_("Deltagandeform"), choices=())

    class Meta:
        model = ProcessModule
        fields = ["kind", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, organisation: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        enabled = enabled_module_kinds(organisation) if organisation is not None else None
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (key, name) for key, name in registry.choices() if enabled is None or key in enabled
        ]


class PhaseForm(forms.ModelForm[Phase]):
    phase_type = forms.ChoiceField(label=_("Vad fasen tillåter"), required=False, choices=())

    class Meta:
        model = Phase
        fields = ["name", "description", "module", "phase_type", "starts_at", "ends_at"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
        }

    def __init__(self, *args: Any, process: Process, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modules = list(process.modules.all())
        self.fields["module"].queryset = process.modules.all()  # type: ignore[attr-defined]
        self.fields["module"].required = False
        choices: list[tuple[str, Any]] = [("", _("Ingen (bara information)"))]
        for kind in dict.fromkeys(m.kind for m in modules):
            module_type = registry.get(kind)
            for pt in module_type.phase_types:
                choices.append((pt.key, f"{module_type.name}: {pt.name}"))
        self.fields["phase_type"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        module, phase_type = data.get("module"), data.get("phase_type")
        if module and not phase_type:
            self.add_error("phase_type", _("Välj vad fasen tillåter i deltagandeformen."))
        if module and phase_type and module.module_type.phase_type(phase_type) is None:
            self.add_error("phase_type", _("Den typen av fas finns inte för deltagandeformen."))
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Fasen måste sluta efter att den börjar."))
        return data


class FeedbackForm(forms.Form):
    heard = forms.CharField(
        label=_("Det här hörde vi"),
        widget=MarkdownEditor(attrs={"rows": 6}),
        help_text=_("Sammanfatta synpunkterna. Markdown."),
    )
    decided = forms.CharField(
        label=_("Det här beslutades"), widget=MarkdownEditor(attrs={"rows": 4})
    )
    reasons = forms.CharField(
        label=_("Därför"),
        widget=MarkdownEditor(attrs={"rows": 4}),
        help_text=_("Hur synpunkterna påverkade beslutet, och varför."),
    )
    decision_reference = forms.CharField(
        label=_("Hänvisning till beslutet"), required=False, max_length=200
    )


class ProcessCoverForm(forms.Form):
    """A process's cover image: the file, and what it shows for those who cannot see it."""

    image = forms.FileField(
        label=_("Bild"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG eller WebP, högst 10 MB och minst 480 × 240 pixlar. Bilden sparas i "
            "storlekar för mobil och dator, utan uppgifter om kamera och plats."
        ),
    )
    alt_text = forms.CharField(
        label=_("Alternativtext"),
        required=False,
        max_length=300,
        help_text=_(
            "Vad bilden visar, för den som inte ser den, till exempel ”Ungdomar vid ett bord "
            "med post-it-lappar”. Krävs om bilden inte bara är dekorativ."
        ),
    )
    decorative = forms.BooleanField(
        label=_("Bilden är bara dekorativ"),
        required=False,
        help_text=_(
            "Den visar inget som inte står i texten. Då läser skärmläsare inte upp den, och "
            "ingen alternativtext behövs."
        ),
    )

    def __init__(self, *args: Any, has_image: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_image = has_image

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.has_image and not cleaned.get("image"):
            self.add_error("image", ValidationFailed("participation.cover_image_missing").message)
        if not cleaned.get("decorative") and not str(cleaned.get("alt_text", "")).strip():
            self.add_error("alt_text", ValidationFailed("participation.cover_alt_missing").message)
        return cleaned
