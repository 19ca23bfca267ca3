from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.forms import https_urls
from delaktig.core.widgets import MarkdownEditor
from delaktig.moderation.forms import ScreenedFormMixin
from delaktig.moderation.models import Rule

from .models import AgendaItem, Meeting, Registration

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from delaktig.organisations.models import Organisation


class RegistrationForm(forms.ModelForm[Registration]):
    class Meta:
        model = Registration
        fields = ["interpreter", "hearing_loop", "diet", "other_needs"]


class MeetingForm(forms.ModelForm[Meeting]):
    class Meta:
        formfield_callback = https_urls
        model = Meeting
        fields = [
            "organisation",
            "body",
            "council",
            "module",
            "kind",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "mode",
            "location",
            "accessibility_info",
            "remote_link",
            "webcast_link",
            "capacity",
            "registration_open",
            "question_time",
            "published",
            "minutes",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": MarkdownEditor(attrs={"rows": 4}),
            "accessibility_info": forms.Textarea(attrs={"rows": 3}),
            "minutes": MarkdownEditor(attrs={"rows": 6}),
            "mode": forms.RadioSelect,
        }

    def __init__(self, *args: Any, organisations: "QuerySet[Organisation]", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from delaktig.organisations.models import Body

        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        from delaktig.participation.models import ProcessModule

        self.fields["module"].queryset = ProcessModule.objects.filter(  # type: ignore[attr-defined]
            kind="meeting", process__organisation__in=organisations
        ).select_related("process")

        # The field's own queryset is the council model's; meetings never import councils.
        council_field: Any = self.fields["council"]
        council_field.queryset = council_field.queryset.filter(organisation__in=organisations)
        self.fields["body"].queryset = Body.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", _("Mötet måste sluta efter att det börjar."))
        remote = data.get("mode") in {Meeting.Mode.DIGITAL, Meeting.Mode.HYBRID}
        if remote and not data.get("remote_link"):
            self.add_error("remote_link", _("Ange länken för att delta på distans."))
        body, organisation = data.get("body"), data.get("organisation")
        if body and organisation and body.organisation_id != organisation.pk:
            self.add_error("body", _("Organet hör till en annan organisation."))
        return data


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    class Meta:
        formfield_callback = https_urls
        model = AgendaItem
        fields = ["position", "title", "description", "document_url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, meeting: Meeting | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean_position(self) -> int:
        # The form leaves the meeting out, so Django does not check the unique constraint.
        position: int = self.cleaned_data["position"]
        taken = AgendaItem.objects.filter(meeting=self.meeting, position=position)
        if self.meeting is not None and taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Dagordningen har redan en punkt %(number)s."), params={"number": position}
            )
        return position


class QuestionForm(ScreenedFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Din fråga"), max_length=1500, widget=forms.Textarea(attrs={"rows": 4})
    )
    asker_name = forms.CharField(
        label=_("Namn som visas vid frågan"),
        max_length=120,
        help_text=_("Frågan och namnet publiceras på dagordningen och i protokollet."),
    )
    field_order = ["text", "asker_name", "accept_rules", "personal_data_ok"]


class DeclineForm(forms.Form):
    rule = forms.ChoiceField(
        label=_("Regel som frågan inte följer"), choices=Rule.choices, initial=Rule.OFF_TOPIC
    )
    reason = forms.CharField(
        label=_("Skäl till den som frågade"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Den som frågade får skälet och kan begära att beslutet prövas igen."),
    )


class AnswerForm(forms.Form):
    answered_by = forms.CharField(
        label=_("Besvarad av"),
        max_length=200,
        help_text=_("Namn och uppdrag, till exempel regionråd."),
    )
    answer = forms.CharField(
        label=_("Svar"), widget=MarkdownEditor(attrs={"rows": 4}), help_text=_("Markdown.")
    )
