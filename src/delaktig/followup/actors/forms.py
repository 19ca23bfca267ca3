"""Forms for joining a strategy, reporting actors' activities and running networks.

The forms only validate what a person typed; the services in ``actors.services`` decide.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor
from delaktig.moderation.forms import ScreenedFormMixin
from delaktig.organisations.models import Municipality

from ..models import Actor, Goal, Network, NetworkMeeting, Strategy
from ..status import ActivityStatus
from .services import DOCUMENT_TYPES_TEXT, MAX_DOCUMENT_SIZE


def _goal_field(
    strategy: Strategy, label: Any, required: bool
) -> "forms.ModelMultipleChoiceField[Goal]":
    field = forms.ModelMultipleChoiceField(
        label=label,
        queryset=Goal.objects.filter(strategy=strategy).order_by("position", "pk"),
        widget=forms.CheckboxSelectMultiple,
        required=required,
    )
    field.error_messages["required"] = _("Välj minst ett mål.")
    return field


class ActorFieldsMixin(forms.Form):
    """The fields that describe a new actor."""

    actor_name = forms.CharField(
        label=_("Organisationens namn"),
        max_length=200,
        help_text=_("Till exempel Lekebergs kommun eller Föreningen Kvinnojouren."),
    )
    actor_kind = forms.ChoiceField(
        label=_("Typ av aktör"), choices=[("", _("Välj typ"))] + list(Actor.Kind.choices)
    )
    organisation_number = forms.CharField(
        label=_("Organisationsnummer"),
        max_length=20,
        required=False,
        help_text=_("Frivilligt. Till exempel 212000-1843."),
    )
    municipality = forms.ModelChoiceField(
        label=_("Kommun"),
        queryset=Municipality.objects.order_by("name"),
        required=False,
        empty_label=_("Ingen vald"),
        help_text=_("Frivilligt: kommunen där organisationen finns."),
    )


class JoinForm(ScreenedFormMixin, ActorFieldsMixin):
    commitment = forms.CharField(
        label=_("Vad åtar ni er att göra?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_("Visas för alla på listan över anslutna aktörer."),
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=150)
    contact_email = forms.EmailField(
        label=_("Kontaktpersonens e-post"),
        help_text=_("Visas inte publikt. Vi mejlar besked om anslutningen hit."),
    )

    field_order = [
        "actor_name",
        "actor_kind",
        "organisation_number",
        "municipality",
        "commitment",
        "goals",
        "contact_name",
        "contact_email",
    ]

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        has_goals = Goal.objects.filter(strategy=strategy).exists()
        self.fields["goals"] = _goal_field(strategy, _("Mål ni arbetar mot"), required=has_goals)
        self.order_fields(self.field_order)


class RegisterCommitmentForm(JoinForm):
    """An official registers an actor that has joined, new or already known."""

    existing_actor = forms.ModelChoiceField(
        label=_("Aktör som redan finns"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=_("Välj en aktör här, eller fyll i namn och typ för en ny aktör."),
    )
    joined_on = forms.DateField(
        label=_("Anslöt sig"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Lämna tomt för i dag."),
    )

    field_order = ["existing_actor", *JoinForm.field_order, "joined_on"]

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, strategy=strategy, **kwargs)
        # An official registers what was agreed elsewhere: no screening boxes to tick.
        del self.fields["accept_rules"], self.fields["personal_data_ok"]
        self.fields["existing_actor"].queryset = Actor.objects.filter(  # type: ignore[attr-defined]
            organisation=strategy.organisation
        ).exclude(commitments__strategy=strategy)
        self.fields["actor_name"].required = False
        self.fields["actor_kind"].required = False
        self.fields["contact_email"].help_text = _(
            "Visas inte publikt. Har personen ett konto med den adressen kopplas det, så att "
            "hen kan redovisa aktörens aktiviteter."
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("existing_actor"):
            if not data.get("actor_name"):
                self.add_error("actor_name", _("Välj en aktör som finns eller skriv ett namn."))
            if not data.get("actor_kind"):
                self.add_error("actor_kind", _("Välj vilken typ av aktör det är."))
        return data


class ApproveForm(forms.Form):
    joined_on = forms.DateField(
        label=_("Anslöt sig"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Lämna tomt för i dag."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Kontaktpersonen får skälet i ett mejl."),
    )


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Skäl"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Frivilligt. Sparas med anslutningen och visas inte publikt."),
    )


class ActorActivityForm(forms.Form):
    title = forms.CharField(label=_("Aktivitet"), max_length=300)
    description = forms.CharField(
        label=_("Beskrivning"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=5000,
    )
    year = forms.TypedChoiceField(label=_("År"), coerce=int)
    status = forms.ChoiceField(label=_("Status"), choices=ActivityStatus.choices)
    goals: "forms.ModelMultipleChoiceField[Goal]"

    def __init__(self, *args: Any, strategy: Strategy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        years = range(strategy.start_year, strategy.end_year + 1)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["goals"] = _goal_field(strategy, _("Mål aktiviteten bidrar till"), False)


class NetworkForm(forms.ModelForm[Network]):
    class Meta:
        model = Network
        fields = ["organisation", "name", "slug", "description", "strategy", "published"]
        widgets = {"description": MarkdownEditor(attrs={"rows": 6})}
        help_texts = {
            "slug": _("Små bokstäver, siffror och bindestreck. Blir en del av sidans adress."),
            "published": _("Ett opublicerat nätverk ser bara medlemmarna och personalen."),
        }

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        self.fields["strategy"].queryset = Strategy.objects.filter(  # type: ignore[attr-defined]
            organisation__in=organisations
        )
        if self.instance.pk:
            self.fields["organisation"].disabled = True
        elif organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        strategy, organisation = data.get("strategy"), data.get("organisation")
        if strategy and organisation and strategy.organisation_id != organisation.pk:
            self.add_error("strategy", _("Strategin hör till en annan organisation."))
        return data


class NetworkMemberForm(ActorFieldsMixin):
    existing_actor = forms.ModelChoiceField(
        label=_("Aktör som redan finns"),
        queryset=Actor.objects.none(),
        required=False,
        help_text=_("Välj en aktör här, eller fyll i namn och typ för en ny aktör."),
    )
    contact_name = forms.CharField(label=_("Kontaktperson"), max_length=150, required=False)
    contact_email = forms.EmailField(
        label=_("Kontaktpersonens e-post"),
        required=False,
        help_text=_(
            "Har personen ett konto med den adressen kopplas det, så att hen ser nätverkets "
            "interna dokument."
        ),
    )

    field_order = [
        "existing_actor",
        "actor_name",
        "actor_kind",
        "organisation_number",
        "municipality",
        "contact_name",
        "contact_email",
    ]

    def __init__(self, *args: Any, network: Network, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["existing_actor"].queryset = Actor.objects.filter(  # type: ignore[attr-defined]
            organisation=network.organisation
        ).exclude(memberships__network=network)
        self.fields["actor_name"].required = False
        self.fields["actor_kind"].required = False
        self.order_fields(self.field_order)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("existing_actor"):
            if not data.get("actor_name"):
                self.add_error("actor_name", _("Välj en aktör som finns eller skriv ett namn."))
            if not data.get("actor_kind"):
                self.add_error("actor_kind", _("Välj vilken typ av aktör det är."))
        return data


class NetworkMeetingForm(forms.ModelForm[NetworkMeeting]):
    class Meta:
        model = NetworkMeeting
        fields = ["title", "starts_at", "place", "agenda", "notes"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "agenda": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "agenda": _("En punkt per rad. Visas för alla på nätverkets sida."),
            "notes": _("Skrivs efter träffen. Visas för alla på nätverkets sida."),
        }


class NetworkDocumentForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    file = forms.FileField(label=_("Fil"))
    public = forms.BooleanField(
        label=_("Synlig för alla"),
        required=False,
        help_text=_("Annars ser bara nätverkets medlemmar och personalen dokumentet."),
    )

    def __init__(self, *args: Any, allow_public: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Högst 10 MB. %(types)s.") % {
            "types": DOCUMENT_TYPES_TEXT
        }
        if not allow_public:
            del self.fields["public"]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DOCUMENT_SIZE:
            raise forms.ValidationError(_("Filen är större än 10 MB."))
        return upload
