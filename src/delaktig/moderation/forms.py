from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor

from . import services
from .models import Decision, Rule, ScreeningTerm


class ScreenedFormMixin(forms.Form):
    """The two boxes every form residents write in may need, each shown only when asked for:
    accepting the organisation's conversation rules before a first post
    (:meth:`ask_for_rules`), and "send it as it is" after screening pointed out personal data
    (the ``moderation.personal_data`` error)."""

    accept_rules = forms.BooleanField(
        label=_("Jag har läst samtalsreglerna och följer dem"), required=False
    )
    personal_data_ok = forms.BooleanField(
        label=_("Skicka texten som den är, med uppgifterna"),
        required=False,
        help_text=_(
            "Personnummer och uppgifter om någons hälsa publiceras inte direkt: en moderator "
            "läser texten först."
        ),
    )
    ask_rules = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # After the text they are about, whatever the form declares.
        for name in ("accept_rules", "personal_data_ok"):
            self.fields[name] = self.fields.pop(name)

    def ask_for_rules(self, *, user: Any, organisation: Any) -> None:
        """Show the rules box when the organisation has rules this person has not accepted."""
        if not user.is_authenticated or services.rules_accepted(
            user=user, organisation_id=organisation.pk
        ):
            return
        self.ask_rules = True
        self.fields["accept_rules"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("moderation:rules", args=[organisation.slug]),
            _("Läs samtalsreglerna"),
        )

    def visible_fields(self) -> list[forms.BoundField]:
        asked = {
            "accept_rules": self.ask_rules,
            "personal_data_ok": bool(
                {"moderation.personal_data", "moderation.personal_data_and_rules"}
                & set(getattr(self, "error_codes", ()))
            ),
        }
        return [
            field
            for field in super().visible_fields()
            if asked.get(field.name, True) or field.errors
        ]

    def screening_flags(self) -> dict[str, Any]:
        return {
            "personal_data_ok": bool(self.cleaned_data.get("personal_data_ok")),
            "accept_rules": bool(self.cleaned_data.get("accept_rules")),
        }


def rule_choices() -> list[tuple[str, Any]]:
    """The rules a text may break, after an empty choice: a moderator names the rule, rather
    than leaving the first one (threats) chosen by default."""
    return [("", _("Välj en regel")), *Rule.choices]


class WithholdForm(forms.Form):
    withhold_as = forms.ChoiceField(
        label=_("Beslut"),
        choices=[
            (Decision.Action.HIDDEN, _("Dölj texten (skälet visas i dess ställe)")),
            (Decision.Action.REJECTED, _("Avvisa texten (den publiceras inte)")),
        ],
        widget=forms.RadioSelect,
    )
    rule = forms.ChoiceField(label=_("Regel som texten bryter mot"), choices=rule_choices)
    reason = forms.CharField(
        label=_("Skäl som visas för den som skrev"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skriv sakligt och så att den som skrev förstår vad som behöver ändras."),
    )

    def __init__(self, *args: Any, allow_hide: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_hide:
            field = self.fields["withhold_as"]
            field.choices = [c for c in field.choices if c[0] != Decision.Action.HIDDEN]  # type: ignore[attr-defined]
            self.initial.setdefault("withhold_as", Decision.Action.REJECTED)


class ReleaseForm(forms.Form):
    reason = forms.CharField(
        label=_("Kommentar till den som skrev (frivilligt)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewRequestForm(forms.Form):
    explanation = forms.CharField(
        label=_("Varför bör beslutet ändras? (frivilligt)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Omprövning"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    reply = forms.CharField(
        label=_("Svar till den som skrev"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Skickas med e-post och visas på beslutssidan."),
    )


class ConversationRulesForm(forms.Form):
    text = forms.CharField(label=_("Samtalsregler"), max_length=8000, widget=MarkdownEditor())
    ask_again = forms.BooleanField(
        label=_("Be alla godkänna de nya reglerna innan de skriver igen"), required=False
    )


class ScreeningTermForm(forms.ModelForm[ScreeningTerm]):
    class Meta:
        model = ScreeningTerm
        fields = ["text", "label", "severity", "match", "note"]
