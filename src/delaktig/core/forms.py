from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.db import models
from django.forms.models import ModelChoiceIterator
from django.forms.utils import ErrorDict
from django.http import HttpRequest

from .errors import DelaktigError
from .widgets import MarkdownEditor

# The name of a MarkdownEditor's "Förhandsgranska" button; its value is the field's name.
PREVIEW = "preview"


def https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """ModelForm callback: URLs typed without a scheme are taken to be https (Django 6's way)."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


@contextmanager
def form_errors(form: forms.BaseForm, field: str | None = None) -> Iterator[None]:
    """Put a :class:`DelaktigError` raised inside the block on ``form``, and carry on.

    The one way a view shows a service's refusal next to what the person typed::

        if form.is_valid():
            with form_errors(form):
                proposal = proposal_submit(actor=request.user, **form.cleaned_data)
                return redirect(proposal)
        return render(request, "…", {"form": form}, status=form_status(form))

    The error goes on its own ``field`` if it names one of the form's fields, else on
    ``field``, else on the form as a whole. Nothing after the failing call in the block runs.
    """
    try:
        yield
    except DelaktigError as error:
        target = error.field if error.field in form.fields else field
        form.add_error(target, error.message)
        form.error_status = error.status  # type: ignore[attr-defined]
        # The codes, for a template that offers a way on for one of them (``"x" in
        # form.error_codes``: screening's "send it as it is").
        form.error_codes = {*getattr(form, "error_codes", ()), error.code}  # type: ignore[attr-defined]


def refusal(act: Callable[[], object]) -> DelaktigError | None:
    """The :class:`DelaktigError` ``act`` raised, or None: for a button without a form,
    whose view shows a service's refusal as a message on the page it returns to."""
    try:
        act()
    except DelaktigError as error:
        return error
    return None


def form_status(form: forms.BaseForm) -> int:
    """The status of a page that shows ``form``: 200, or the error's (400, 409, 429 …)."""
    if not form.is_bound or not form.errors:
        return 200
    return int(getattr(form, "error_status", 400))


def markdown_preview(request: HttpRequest, form: forms.BaseForm) -> bool:
    """True when the person pressed a :class:`MarkdownEditor`'s *Förhandsgranska* button.

    The one way a view previews Markdown without JavaScript: the form is then shown again
    with everything typed, that field's text rendered below it, no errors, and nothing saved::

        form = ProcessForm(request.POST or None, ...)
        if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
            ...  # save
        return render(request, "…", {"form": form}, status=form_status(form))

    Check it before ``is_valid()``: while previewing the form is not cleaned.
    """
    if request.method != "POST" or PREVIEW not in request.POST:
        return False
    chosen = request.POST.get(PREVIEW)
    for name, field in form.fields.items():
        if isinstance(field.widget, MarkdownEditor) and form.add_prefix(name) == chosen:
            field.widget.show_preview = True
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # nothing checked or reported
    form.cleaned_data = {}
    return True


class _ListIterator(ModelChoiceIterator):
    """The empty label, then the options, read in one query."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        field: Any = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        yield from self.options()

    def options(self) -> Iterator[tuple[Any, Any]]:
        for obj in self.queryset.all():
            yield self.choice(obj)


class ShortModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ``ModelChoiceField`` over a short list (goals, perspectives, target groups), read in
    one query. Django's own reads its options through a server-side cursor on PostgreSQL,
    three round trips to the database for each select of a list page's filter."""

    iterator = _ListIterator


class _LabelIterator(_ListIterator):
    def options(self) -> Iterator[tuple[Any, Any]]:
        field: Any = self.field
        yield from self.queryset.values_list("pk", field.label_field)


class LabelledModelChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A ``ModelChoiceField`` whose options are read as ``(pk, <label_field>)`` pairs, for a
    model whose ``str`` is that field (an organisation's or a municipality's name).

    Django's own builds an instance for each option, through a server-side cursor on
    PostgreSQL: the 311 organisations and 290 municipalities of a national installation in a
    list's filter cost more than the list (``bench/pages.py``, "process list"). What is
    chosen is still checked against the queryset and cleaned to an instance."""

    iterator = _LabelIterator

    def __init__(self, *args: Any, label_field: str = "name", **kwargs: Any) -> None:
        self.label_field = label_field
        super().__init__(*args, **kwargs)
