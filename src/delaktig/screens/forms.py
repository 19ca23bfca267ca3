from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SECONDS_MAX, SECONDS_MIN, ScreenSettings


class ScreenSettingsForm(forms.ModelForm[ScreenSettings]):
    seconds = forms.IntegerField(
        label=_("Sekunder per sak"),
        min_value=SECONDS_MIN,
        max_value=SECONDS_MAX,
        help_text=_("Hur länge varje sak visas innan skärmen byter, 10–120 sekunder."),
    )

    class Meta:
        model = ScreenSettings
        fields = ["seconds", "show_processes", "show_meetings", "show_proposals"]
        labels = {
            "show_processes": _("Öppna processer"),
            "show_meetings": _("Möten med allmänhetens frågestund, öppna möten och webbinarier"),
            "show_proposals": _("Medborgarförslag som samlar stöd"),
        }
