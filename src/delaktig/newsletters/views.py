"""Public pages: subscribe (a form that works without JavaScript and without an account, or
one step for a logged-in person with a verified address), confirm, and leave.

The links in e-mails open a page with a button; only the button (a POST) confirms or
unsubscribes, so a link scanner that opens every link changes nothing. The unsubscribe POST is
also RFC 8058's one-click request from the mail program (``List-Unsubscribe-Post``), which
has no CSRF token and no session: that view alone is ``csrf_exempt``.
"""

from typing import Any, cast

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import ChoicesForm, SubscribeForm


def index(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.order_by("kind", "name")
    return render(request, "newsletters/index.html", {"organisations": organisations})


def _choices(form: ChoicesForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "language": data["language"],
        "municipality": data["municipality"],
        "perspectives": list(data["perspectives"]),
        "sdg_goals": list(data["sdg_goals"]),
    }


def _initial(subscription: Any) -> dict[str, Any]:
    if subscription is None:
        return {}
    return {
        "language": subscription.language,
        "municipality": subscription.municipality,
        "perspectives": list(subscription.perspectives.all()),
        "sdg_goals": list(subscription.sdg_goals.all()),
    }


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    address = selectors.account_address(request.user)
    if address:
        return _subscribe_account(request, organisation, address)
    form = SubscribeForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.subscription_request(
                actor=request.user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                client=get_adapter(request).get_client_ip(request) or "",
                **_choices(form),
            )
            return redirect("newsletters:requested", slug=organisation.slug)
    return render(
        request,
        "newsletters/subscribe.html",
        {"organisation": organisation, "form": form, "account": False},
        status=form_status(form),
    )


def _subscribe_account(
    request: HttpRequest, organisation: Organisation, address: str
) -> HttpResponse:
    user = cast(User, request.user)
    subscription = selectors.own_subscription(viewer=user, organisation=organisation)
    if subscription is not None and not subscription.is_confirmed:
        subscription = None
    form = ChoicesForm(
        request.POST or None, organisation=organisation, initial=_initial(subscription)
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.subscription_subscribe_account(
                actor=user, organisation=organisation, **_choices(form)
            )
            messages.success(
                request,
                _("Dina val är sparade.")
                if subscription
                else _("Klart: du får nyhetsbrev till %(address)s.") % {"address": address},
            )
            return redirect("newsletters:subscribe", slug=organisation.slug)
    return render(
        request,
        "newsletters/subscribe.html",
        {
            "organisation": organisation,
            "form": form,
            "account": True,
            "address": address,
            "subscription": subscription,
        },
        status=form_status(form),
    )


@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    """A logged-in person ends their own subscription (the button on the subscribe page)."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if request.user.is_authenticated:
        services.subscription_cancel(actor=cast(User, request.user), organisation=organisation)
        messages.success(
            request, _("Du får inga fler nyhetsbrev från %(name)s.") % {"name": organisation.name}
        )
    return redirect("newsletters:subscribe", slug=organisation.slug)


def requested(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "newsletters/requested.html", {"organisation": organisation})


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = services.subscription_for_token(token)
    if subscription is None:
        return render(request, "newsletters/link_invalid.html", status=404)
    if services.confirm_expired(subscription):
        return render(
            request,
            "newsletters/link_expired.html",
            {"organisation": subscription.organisation},
            status=410,
        )
    done = False
    if request.method == "POST":
        done = services.subscription_confirm(token=token) is not None
    return render(
        request,
        "newsletters/confirm.html",
        {
            "subscription": subscription,
            "organisation": subscription.organisation,
            "done": done or subscription.is_confirmed,
        },
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button. POST (the button, or the mail program's one-click request
    with the body ``List-Unsubscribe=One-Click``): leave. Idempotent."""
    if not services.token_is_valid(token):
        return render(request, "newsletters/link_invalid.html", status=404)
    done = request.method == "POST" and services.subscription_end(token=token)
    return render(request, "newsletters/unsubscribe.html", {"token": token, "done": done})
