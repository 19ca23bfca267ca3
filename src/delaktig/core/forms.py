from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django import forms
from django.db import models

from .errors import DelaktigError


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


def form_status(form: forms.BaseForm) -> int:
    """The status of a page that shows ``form``: 200, or the error's (400, 409, 429 …)."""
    if not form.is_bound or not form.errors:
        return 200
    return int(getattr(form, "error_status", 400))
