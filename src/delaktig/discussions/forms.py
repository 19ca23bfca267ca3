from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.moderation.forms import ScreenedFormMixin, rule_choices

from .models import Comment, CommentReport


class CommentForm(ScreenedFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Din kommentar"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Håll god ton. Skriv inte personuppgifter om andra. Det du skriver blir offentligt."
        ),
    )
    parent = forms.ModelChoiceField(
        queryset=Comment.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, module_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Comment.objects.filter(module_id=module_pk).shown()  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Varför anmäler du kommentaren?"),
        choices=CommentReport.Reason.choices,
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Beskriv gärna"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(forms.Form):
    rule = forms.ChoiceField(label=_("Regel som kommentaren bryter mot"), choices=rule_choices)
    reason = forms.CharField(
        label=_("Skäl som visas i kommentarens ställe"),
        max_length=300,
        help_text=_(
            "Till exempel: ”Dold eftersom den innehöll personuppgifter om en annan person.”"
        ),
    )
