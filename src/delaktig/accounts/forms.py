from typing import Any

from django import forms
from django.forms import BoundField
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from delaktig.notifications.models import Channel
from delaktig.notifications.selectors import KindSetting
from delaktig.organisations.models import Municipality
from delaktig.screening import screen

from .models import DemographicProfile, User


def screened_display_name(value: str) -> str:
    """A public name screened with the built-in lists (:mod:`delaktig.screening`): refused,
    with what was found, when it holds a threat, hate or harassment, or personal data such as
    a personnummer or a phone number. A name is shown at once, so nothing waits for a person:
    the person chooses another (what they typed stays in the field)."""
    value = " ".join(value.split())
    if not value:
        return value
    result = screen(value)
    if result.harmful:
        raise forms.ValidationError(
            _(
                "Namnet kan inte användas: den automatiska granskningen hittade ”%(words)s”, "
                "som kan vara hot, hat eller trakasserier. Välj ett annat namn."
            ),
            code="harmful",
            params={"words": ", ".join(f.text for f in result.harmful)},
        )
    if result.personal_data:
        raise forms.ValidationError(
            _(
                "Namnet ser ut att innehålla personuppgifter (”%(words)s”), till exempel ett "
                "personnummer, telefonnummer eller en adress. Det visas för alla: välj ett "
                "namn utan dem."
            ),
            code="personal_data",
            params={"words": ", ".join(f.text for f in result.personal_data)},
        )
    return value


class SignupExtraForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    display_name = forms.CharField(
        label=_("Visningsnamn"),
        max_length=80,
        required=False,
        help_text=_("Visas vid det du skriver. Du kan använda ett smeknamn."),
    )

    def clean_display_name(self) -> str:
        return screened_display_name(self.cleaned_data.get("display_name", ""))

    def signup(self, request: HttpRequest, user: User) -> None:
        user.display_name = self.cleaned_data.get("display_name", "")
        user.save(update_fields=["display_name"])


class DisplayNameForm(forms.ModelForm[User]):
    class Meta:
        model = User
        fields = ["display_name"]

    def clean_display_name(self) -> str:
        return screened_display_name(self.cleaned_data.get("display_name", ""))


class DemographicForm(forms.Form):
    consent = forms.BooleanField(
        label=_("Jag samtycker till att uppgifterna används i statistik"),
        help_text=_(
            "Uppgifterna sparas skilt från ditt konto och används bara i sammanställningar. "
            "Grupper med färre än fem personer visas aldrig. Du kan ta bort dem när du vill."
        ),
    )
    birth_year = forms.IntegerField(label=_("Födelseår"), required=False, min_value=1900)
    sex = forms.ChoiceField(
        label=_("Kön"),
        required=False,
        choices=[("", _("Välj"))] + list(DemographicProfile.Sex.choices),
    )
    municipality = forms.ModelChoiceField(
        label=_("Hemkommun"),
        required=False,
        queryset=Municipality.objects.all(),
        empty_label=_("Välj"),
    )

    def clean_birth_year(self) -> int | None:
        year = self.cleaned_data.get("birth_year")
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("Födelseåret kan inte ligga i framtiden."))
        return year


class DeleteAccountForm(forms.Form):
    confirm = forms.CharField(
        label=_("Skriv RADERA för att bekräfta"),
        max_length=10,
        help_text=_("Det du har publicerat finns kvar som allmän handling, men utan ditt namn."),
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip().upper() not in {"RADERA", "DELETE"}:
            raise forms.ValidationError(_("Skriv RADERA för att bekräfta."))
        return value


class NotificationSettingsForm(forms.Form):
    """One checkbox per kind of notification and channel, for the kinds a person may turn off.
    Required kinds get no field, so no posted value can turn them off."""

    def __init__(self, *args: Any, settings: list[KindSetting], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Channel.choices)
        self.channels = [(value, labels[value]) for value in Channel.values]
        self.optional: list[tuple[KindSetting, list[BoundField]]] = []
        self.required: list[KindSetting] = []
        for setting in settings:
            if setting.kind.required:
                self.required.append(setting)
                continue
            for channel, on in setting.channels:
                self.fields[self._name(setting.kind.key, channel)] = forms.BooleanField(
                    required=False,
                    initial=on,
                    label=f"{setting.kind.name}: {labels[channel]}",
                )
            self.optional.append(
                (setting, [self[self._name(setting.kind.key, c)] for c, _on in setting.channels])
            )

    @staticmethod
    def _name(kind: str, channel: str) -> str:
        return f"{kind}__{channel}"

    def choices(self) -> dict[tuple[str, str], bool]:
        """``{(kind, channel): on}`` for every field, as ``notification_settings_save`` takes."""
        result = {}
        for name, value in self.cleaned_data.items():
            kind, channel = name.rsplit("__", 1)
            result[(kind, channel)] = bool(value)
        return result
