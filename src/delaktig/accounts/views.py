import json
from typing import cast

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.core.forms import form_errors, form_status
from delaktig.core.http import no_store
from delaktig.notifications import selectors as notification_selectors
from delaktig.notifications import services as notification_services

from . import selectors, services
from .forms import DeleteAccountForm, DemographicForm, DisplayNameForm, NotificationSettingsForm
from .models import DemographicProfile, User
from .roles import is_administrator, role_set


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Mina sidor: what the person started, follows and takes part in, each app's section from
    the registry, then their notification settings and their account."""
    user = cast(User, request.user)
    form = DisplayNameForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ditt visningsnamn är sparat."))
        return redirect("accounts:profile")
    has_profile = DemographicProfile.objects.filter(user=user).exists()
    kinds = notification_selectors.notification_settings(user, staff=_is_staff(user))
    optional = [k for k in kinds if not k.kind.required]
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "has_profile": has_profile,
            "lists": selectors.mine_lists(viewer=user),
            "optional_kinds": len(optional),
            "kinds_on": sum(1 for k in optional if any(on for _c, on in k.channels)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def demographics(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    existing = DemographicProfile.objects.filter(user=user).first()
    initial = {}
    if existing:
        initial = {
            "consent": True,
            "birth_year": existing.birth_year,
            "sex": existing.sex,
            "municipality": existing.municipality_id,
        }
    form = DemographicForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("remove"):
            services.demographic_profile_delete(user=user)
            messages.success(request, _("Dina uppgifter för statistik är borttagna."))
            return redirect("accounts:profile")
        if form.is_valid():
            data = form.cleaned_data
            services.demographic_profile_save(
                user=user,
                birth_year=data["birth_year"],
                sex=data["sex"],
                municipality=data["municipality"],
            )
            messages.success(request, _("Tack! Uppgifterna är sparade."))
            return redirect("accounts:profile")
    return render(
        request,
        "accounts/demographics.html",
        {"form": form, "existing": existing},
        status=400 if form.errors else 200,
    )


@no_store
@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    data = services.personal_data_export(user=user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="delaktig-mina-uppgifter-{stamp}.json"'
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Ditt konto är borttaget."))
        return redirect("home")
    return render(
        request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200
    )


def _is_staff(user: User) -> bool:
    """Whether the person holds any role, so is sent staff e-mail (officials' reminders)."""
    return bool(role_set(user)) or is_administrator(user)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """Which e-mails the person gets: a checkbox per kind and channel, saved in one POST."""
    user = cast(User, request.user)
    form = NotificationSettingsForm(
        request.POST or None,
        settings=notification_selectors.notification_settings(user, staff=_is_staff(user)),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            notification_services.notification_settings_save(actor=user, choices=form.choices())
            messages.success(request, _("Dina val för e-post är sparade."))
            return redirect("accounts:notifications")
    return render(request, "accounts/notifications.html", {"form": form}, status=form_status(form))
