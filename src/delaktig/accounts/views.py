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

from delaktig.core.http import no_store

from . import services
from .forms import DeleteAccountForm, DemographicForm, DisplayNameForm
from .models import DemographicProfile, User


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    form = DisplayNameForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Ditt visningsnamn är sparat."))
        return redirect("accounts:profile")
    has_profile = DemographicProfile.objects.filter(user=user).exists()
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "has_profile": has_profile},
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
