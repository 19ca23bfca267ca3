from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from delaktig.core.languages import language as content_language_of
from delaktig.insights.suppression import AGE_GROUPS
from delaktig.organisations.models import Municipality
from delaktig.translations.access import prefetch
from delaktig.translations.models import source_hash

from .models import Choice, Question, Response, Section, Survey

if TYPE_CHECKING:
    from delaktig.population.models import PopulationTable

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SurveySettingsForm(forms.ModelForm[Survey]):
    opens_at = forms.DateTimeField(label=_("Öppnar"), widget=DATETIME)
    closes_at = forms.DateTimeField(label=_("Stänger"), widget=DATETIME)

    class Meta:
        model = Survey
        fields = [
            "intro",
            "easy_read_intro",
            "thanks",
            "access",
            "ask_background",
            "results_public",
        ]
        widgets = {
            "intro": forms.Textarea(attrs={"rows": 4}),
            "easy_read_intro": forms.Textarea(attrs={"rows": 3}),
            "thanks": forms.Textarea(attrs={"rows": 2}),
            "access": forms.RadioSelect,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("Enkäten måste stänga efter att den öppnar."))
        return data


class ButtonForm(forms.Form):
    """A button with nothing to fill in (start answering, send in the response): the form a
    service's refusal goes on, so that the page can say it next to the button."""

    def refusal(self) -> str:
        return " ".join(str(error) for error in self.non_field_errors())


class SectionForm(forms.ModelForm[Section]):
    class Meta:
        model = Section
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class QuestionForm(forms.ModelForm[Question]):
    choices_text = forms.CharField(
        label=_("Svarsalternativ eller skalsteg"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Ett per rad, i ordning. För en skala: ett namngivet steg per rad, till exempel "
            "”Mycket dåligt” till ”Mycket bra”."
        ),
    )

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "min_value", "max_value", "show_if"]
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = Question.Kind.choices  # type: ignore[attr-defined]
        choices = Choice.objects.filter(question__section__survey=survey).select_related(
            "question__section"
        )
        if self.instance.pk:
            choices = choices.exclude(question=self.instance)
        self.fields["show_if"].queryset = choices.order_by(  # type: ignore[attr-defined]
            "question__section__position", "question__position", "question_id", "position"
        )
        self.fields["show_if"].label_from_instance = (  # type: ignore[attr-defined]
            lambda c: f"{c.question.text} → {c.label}"
        )
        self.fields["show_if"].empty_label = _("Visa alltid")  # type: ignore[attr-defined]
        self.fields["show_if"].help_text = _(
            "Visa frågan bara för den som gett det här svaret på en tidigare fråga."
        )
        if self.instance.pk and not self.is_bound:
            self.initial["choices_text"] = "\n".join(
                self.instance.choices.order_by("position").values_list("label", flat=True)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        labels = [c.strip() for c in (data.get("choices_text") or "").splitlines() if c.strip()]
        kind = data.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE):
            if len(labels) < 2:
                self.add_error("choices_text", _("Skriv minst två svarsalternativ, ett per rad."))
            if len(set(labels)) != len(labels):
                self.add_error("choices_text", _("Samma svarsalternativ står två gånger."))
        low, high = data.get("min_value"), data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("Största tal måste vara minst lika stort som minsta."))
        data["choices"] = labels
        return data


def _state_help(obj: Any, name: str, language: str, row: Any) -> Any:
    """What the official should know about one translation before saving the page."""
    if obj.is_stale(name, language):
        return _(
            "Den svenska texten har ändrats sedan översättningen. Uppdatera den; "
            "till dess visas den svenska texten."
        )
    if row is not None and not row.reviewed:
        return _("Ett utkast från en översättare. Det visas för alla när du sparar sidan.")
    return ""


class TranslationForm(forms.Form):
    """One field per text of the survey, named ``<kind>-<pk>-<field>``.

    Each row also carries the fingerprint of the Swedish shown (``seen-<name>``, written by the
    template from ``rows`` rather than kept as a field, so that after a refusal the page shows
    the new Swedish with its own fingerprint and what was typed)."""

    def __init__(self, *args: Any, items: Sequence[Any], language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        prefetch(items, language)
        shown = content_language_of(language)
        attrs = {"lang": shown.tag, **({"dir": "rtl"} if shown.rtl else {})}
        self.rows: list[tuple[Any, str, str, str, str]] = []
        # ``{key: text}`` of the stale translations shown: kept as they are, they stay stale.
        self.stale: dict[str, str] = {}
        for obj in items:
            kind = type(obj).__name__.lower()
            for name in obj.translated_fields:
                source = str(getattr(obj, name))
                if not source:
                    continue
                key = f"{kind}-{obj.pk}-{name}"
                long = len(source) > 120 or "\n" in source
                row = obj.translation_row(name, language)
                if row is not None and obj.is_stale(name, language):
                    self.stale[key] = row.text
                self.fields[key] = forms.CharField(
                    label=source,
                    required=False,
                    help_text=_state_help(obj, name, language, row),
                    initial=row.text if row is not None else "",
                    widget=forms.Textarea(attrs={"rows": 3, **attrs})
                    if long
                    else forms.TextInput(attrs=attrs),
                )
                self.rows.append((obj, name, key, source, source_hash(source)))

    def values(self) -> dict[tuple[str, int, str], str]:
        """The texts to save: a stale translation left as it was is not among them (saving
        the page must not mark a translation of the old Swedish current unread)."""
        out = {}
        for key, value in self.cleaned_data.items():
            if key in self.stale and value.strip() == self.stale[key].strip():
                continue
            kind, pk, name = key.split("-", 2)
            out[(kind, int(pk), name)] = value
        return out

    def seen(self) -> dict[tuple[str, int, str], str]:
        """The fingerprints of the Swedish texts the translator had on the page."""
        out = {}
        for _obj, name, key, _source, _fingerprint in self.rows:
            kind, pk, _name = key.split("-", 2)
            out[(kind, int(pk), name)] = str(self.data.get(f"seen-{key}", ""))[:12]
        return out


class InvitationForm(forms.Form):
    count = forms.IntegerField(label=_("Antal länkar"), min_value=1, max_value=5000, initial=50)
    label = forms.CharField(label=_("Notering"), required=False, max_length=200)


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _plain_number(value: Decimal) -> str:
    """A bound as a person writes it: 0, not 0.00; 2,5 in Swedish."""
    exact = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return number_format(exact)


def _number_messages(question: Question) -> dict[str, str]:
    """Say the bounds of a number question plainly (Django's own says "0.00")."""
    messages = {"invalid": gettext("Skriv ett tal, till exempel 3 eller 2,5.")}
    if question.min_value is not None:
        messages["min_value"] = gettext("Skriv ett tal som är %(limit)s eller större.") % {
            "limit": _plain_number(question.min_value)
        }
    if question.max_value is not None:
        messages["max_value"] = gettext("Skriv ett tal som är %(limit)s eller mindre.") % {
            "limit": _plain_number(question.max_value)
        }
    return messages


class SectionAnswerForm(forms.Form):
    """The questions of one section, built from the survey."""

    def __init__(
        self,
        *args: Any,
        questions: Sequence[Question],
        language: str,
        earlier: Mapping[int, set[int]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.language = language
        self.earlier = earlier
        self.hidden_by_condition: set[int] = set()
        in_section = {q.pk for q in self.questions}
        for question in self.questions:
            condition = question.show_if
            if condition is not None and condition.question_id not in in_section:
                # The condition is about an earlier page: decided already.
                if not question.is_shown(earlier):
                    self.hidden_by_condition.add(question.pk)
                    continue
            field = self._field(question)
            # Required is checked by check_required(), which knows the conditions and lets a
            # person save unfinished answers; the field is only marked for the reader.
            field.marked_required = question.required  # type: ignore[attr-defined]
            self.fields[field_name(question)] = field
        if any(q.kind == Question.Kind.TEXT for q in self.questions):
            self.fields["personal_data_ok"] = forms.BooleanField(
                label=_("Skicka texten som den är, med uppgifterna"),
                required=False,
                help_text=_(
                    "Svaren publiceras inte ett och ett, men de som arbetar med enkäten läser dem."
                ),
            )

    @property
    def personal_data_asked(self) -> bool:
        """Show the "send it as it is" box: screening pointed out personal data, or the
        person has ticked it already."""
        return "personal_data_ok" in self.fields and (
            "moderation.personal_data" in getattr(self, "error_codes", ())
            or bool(self.is_bound and self.data.get("personal_data_ok"))
        )

    def _field(self, question: Question) -> forms.Field:
        lang = self.language
        label = question.tr("text", lang)
        help_text = question.tr("help_text", lang)
        choices = [(str(c.pk), c.tr("label", lang)) for c in question.choices.all()]
        common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
        if question.kind == Question.Kind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=choices, widget=forms.CheckboxSelectMultiple, **common
            )
        if question.kind in (Question.Kind.SINGLE, Question.Kind.SCALE):
            css = "choices choices--scale" if question.kind == Question.Kind.SCALE else "choices"
            return forms.ChoiceField(
                choices=choices, widget=forms.RadioSelect(attrs={"class": css}), **common
            )
        if question.kind == Question.Kind.NUMBER:
            return forms.DecimalField(
                min_value=question.min_value,
                max_value=question.max_value,
                max_digits=12,
                decimal_places=2,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                error_messages=_number_messages(question),
                **common,
            )
        return forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 4}), **common)

    def visible_questions(self) -> list[tuple[Question, forms.BoundField]]:
        return [
            (q, self[field_name(q)]) for q in self.questions if q.pk not in self.hidden_by_condition
        ]

    def chosen(self) -> dict[int, set[int]]:
        """Earlier answers plus the choices given on this page."""
        chosen = {k: set(v) for k, v in self.earlier.items()}
        for question in self.questions:
            if question.has_choices and field_name(question) in self.cleaned_data:
                value = self.cleaned_data[field_name(question)]
                values = value if isinstance(value, list) else [value]
                chosen[question.pk] = {int(v) for v in values if v}
        return chosen

    @property
    def section_question_ids(self) -> set[int]:
        return {q.pk for q in self.questions}

    def check_required(self) -> bool:
        """Required questions shown to this person must have an answer (call after is_valid)."""
        chosen = self.chosen()
        ok = True
        for question in self.questions:
            name = field_name(question)
            if name not in self.fields or not question.required:
                continue
            if not question.is_shown(chosen):
                continue
            if self.cleaned_data.get(name) in (None, "", []):
                self.add_error(name, _("Svara på frågan, den är obligatorisk."))
                ok = False
        return ok

    def answer_values(self) -> dict[int, Any]:
        return {
            q.pk: self.cleaned_data.get(field_name(q))
            for q in self.questions
            if field_name(q) in self.fields
        }


class BackgroundForm(forms.Form):
    age_group = forms.ChoiceField(
        label=_("Hur gammal är du?"),
        required=False,
        choices=[
            (a, format_lazy("{band} {unit}", band=a, unit=pgettext_lazy("ålder", "år")))
            for a in AGE_GROUPS
        ]
        + [("", _("Vill inte uppge"))],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    sex = forms.ChoiceField(
        label=_("Kön"),
        required=False,
        choices=[*Response.Sex.choices],
        widget=forms.RadioSelect(attrs={"class": "choices"}),
    )
    municipality = forms.ChoiceField(label=_("Vilken kommun bor du i?"), required=False)

    def __init__(self, *args: Any, municipalities: Sequence[Municipality], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipalities = {str(m.pk): m for m in municipalities}
        self.fields["municipality"].choices = [  # type: ignore[attr-defined]
            ("", _("Vill inte uppge")),
            *[(str(m.pk), m.name) for m in municipalities],
            ("annan", _("En annan kommun")),
        ]

    def clean_municipality(self) -> str:
        value = self.cleaned_data.get("municipality") or ""
        if value and value != "annan" and value not in self.municipalities:
            raise forms.ValidationError(_("Välj en kommun i listan."))
        return str(value)

    def municipality_object(self) -> Municipality | None:
        return self.municipalities.get(self.cleaned_data.get("municipality") or "")


class WeightingForm(forms.Form):
    population_table: "forms.ModelChoiceField[PopulationTable]" = forms.ModelChoiceField(
        label=_("Befolkningstabell"),
        queryset=None,
        required=False,
        empty_label=_("Ingen: visa inte vägda resultat"),
    )
    margins = forms.MultipleChoiceField(
        label=_("Väg på"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("sex", _("Kön")), ("age", _("Åldersgrupp")), ("municipality", _("Kommun"))],
    )
    target_age_groups = forms.MultipleChoiceField(
        label=_("Målpopulationens åldersgrupper"),
        required=True,
        widget=forms.CheckboxSelectMultiple,
        choices=[(a, a) for a in AGE_GROUPS],
        help_text=_("Svar från andra åldrar ingår inte i de vägda resultaten."),
    )
    trim_upper = forms.FloatField(
        label=_("Trimma vikter över (gånger medelvikten)"),
        required=False,
        min_value=1.01,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("Tom: ingen trimning. Till exempel 5."),
    )

    def __init__(self, *args: Any, tables: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["population_table"].queryset = tables  # type: ignore[attr-defined]


class ThemeNameForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=200)
