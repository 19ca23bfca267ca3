"""Confirmation before an action that cannot be undone (publishing, closing, deciding …).

The one way to ask, the same with JavaScript and without: the button stays an ordinary
POST to the view that acts; the view asks :func:`confirm_required` first, after its
permission check and its form's validation. A POST without ``confirmed=1`` changes nothing
and gets the page ``core/confirm.html``: the question, what cannot be undone, and a form
that posts the same fields again with ``confirmed=1`` (*Bekräfta*) beside a link back
(*Avbryt*)::

    if (page := confirm_required(request, question=..., consequence=..., cancel_url=...)):
        return page
    services.process_transition(...)

A view whose service may refuse what was asked (a date in the future, feedback not written)
first calls :func:`rehearse` with the same call, so that the refusal is shown at once.
"""

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

CONFIRMED = "confirmed"

# Never carried over to the confirmation form: the token is rendered afresh there.
NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


class _RolledBack(Exception):
    pass


def rehearse(act: Callable[[], object]) -> None:
    """Run ``act`` (the service call the confirmation is for) and undo it, so that a refusal
    (a ``DelaktigError``, raised here) comes before the person is asked to confirm, not
    after. Everything it wrote is rolled back, and what it left to run on commit (e-mail,
    tasks) is dropped with it."""
    try:
        with transaction.atomic():
            act()
            raise _RolledBack
    except _RolledBack:
        pass


def is_confirmed(request: HttpRequest) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirm_required(
    request: HttpRequest,
    *,
    question: str,
    consequence: str,
    cancel_url: str,
    confirm_label: str | None = None,
) -> HttpResponse | None:
    """None when the person has confirmed; otherwise the confirmation page to return.

    ``question`` names the action and what it acts on ("Vill du verkligen stänga processen
    ”X”?"), ``consequence`` says what cannot be undone, ``confirm_label`` is the button
    (*Bekräfta* by default) and ``cancel_url`` the page *Avbryt* goes back to (this site only).
    Everything posted is sent again, so a form's fields are not typed twice. Not for forms
    with files (a browser cannot send a file again).
    """
    if is_confirmed(request):
        return None
    fields = [
        (name, value)
        for name in request.POST
        if name not in NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    if not url_has_allowed_host_and_scheme(cancel_url, allowed_hosts={request.get_host()}):
        cancel_url = "/"
    return render(
        request,
        "core/confirm.html",
        {
            "question": question,
            "consequence": consequence,
            "confirm_label": confirm_label or _("Bekräfta"),
            "cancel_url": cancel_url,
            "fields": fields,
            "action_url": request.get_full_path(),
        },
    )
