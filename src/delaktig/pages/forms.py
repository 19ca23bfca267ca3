from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from delaktig.core.widgets import MarkdownEditor
from delaktig.organisations.models import Body, Organisation

from .models import MAX_DEPTH, Kind, Page, Seat


class ParentChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return "– " * (obj.depth - 1) + str(obj.title)


class PageForm(forms.Form):
    title = forms.CharField(label=_("Rubrik"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Slag av sida"),
        choices=Kind.choices,
        help_text=_(
            "Styr var sidan länkas: ”Så styrs organisationen” i menyn, samiska och nationella "
            "minoriteter i sidfoten. En sida om organ och ledamöter visar ledamöterna."
        ),
    )
    parent = ParentChoice(
        label=_("Överordnad sida"),
        queryset=Page.objects.none(),
        required=False,
        empty_label=_("Ingen (sidan ligger överst)"),
    )
    slug = forms.CharField(
        label=_("Adress"),
        max_length=80,
        required=False,
        help_text=_(
            "Små bokstäver a–z, siffror och bindestreck. Lämna tomt för att skapa den av rubriken."
        ),
    )
    summary = forms.CharField(
        label=_("Sammanfattning"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En eller två meningar som visas i listan över sidor och i sökträffar."),
    )
    body = forms.CharField(
        label=_("Text"),
        required=False,
        widget=MarkdownEditor(),
        help_text=_(
            "Markdown: ## för rubriker, - för punktlistor, [text](adress) för länkar. Skriv "
            "klarspråk: korta meningar och vanliga ord."
        ),
    )

    def __init__(
        self, *args: Any, organisation: Organisation, page: Page | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parents = Page.objects.filter(organisation=organisation, depth__lt=MAX_DEPTH)
        if page is not None:
            below = Page.objects.filter(parent=page).values_list("pk", flat=True)
            parents = parents.exclude(pk=page.pk).exclude(pk__in=list(below))
        field: Any = self.fields["parent"]
        field.queryset = parents.order_by("depth", "position", "pk")

    @staticmethod
    def initial_for(page: Page) -> dict[str, Any]:
        return {
            "title": page.title,
            "kind": page.kind,
            "parent": page.parent_id,
            "slug": page.slug,
            "summary": page.summary,
            "body": page.body,
        }


class SeatForm(forms.ModelForm[Seat]):
    class Meta:
        model = Seat
        fields = ["body", "name", "party", "role", "term_start", "term_end"]
        labels = {
            "body": _("Organ"),
            "name": _("Namn"),
            "party": _("Parti"),
            "role": _("Uppdrag"),
            "term_start": _("Mandatperiod från"),
            "term_end": _("Mandatperiod till"),
        }
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}),
            "term_end": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["body"]
        field.queryset = Body.objects.filter(organisation=organisation).order_by("kind", "name")
        field.empty_label = None
