"""Staff pages: how to put the screen on a TV, its address per municipality, and what it
shows."""

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations_or_403
from delaktig.accounts.types import User
from delaktig.core.forms import form_errors, form_status
from delaktig.core.languages import LANGUAGES
from delaktig.organisations.models import Organisation

from . import selectors, services
from .forms import ScreenSettingsForm


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = official_organisations_or_403(request.user).order_by("name")
    if len(organisations) == 1:
        return redirect("screens:staff_organisation", slug=organisations[0].slug)
    return render(request, "screens/staff/index.html", {"organisations": organisations})


@staff_required
def organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("screens.change_screensettings", organisation):
        raise PermissionDenied
    screen_settings = selectors.settings_for(organisation)
    form = ScreenSettingsForm(request.POST or None, instance=screen_settings)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.screen_settings_save(
                actor=cast(User, request.user),
                organisation=organisation,
                seconds=form.cleaned_data["seconds"],
                show_processes=form.cleaned_data["show_processes"],
                show_meetings=form.cleaned_data["show_meetings"],
                show_proposals=form.cleaned_data["show_proposals"],
            )
            messages.success(request, _("Inställningarna för skärmen är sparade."))
            return redirect("screens:staff_organisation", slug=organisation.slug)
    path = reverse("screens:screen", kwargs={"slug": organisation.slug})
    screens = [(organisation.name, selectors.absolute(path, organisation), path)] + [
        (
            m.name,
            selectors.absolute(f"{path}?kommun={m.code}", organisation),
            f"{path}?kommun={m.code}",
        )
        for m in organisation.municipalities.order_by("name")
        if organisation.kind == Organisation.Kind.REGION
    ]
    return render(
        request,
        "screens/staff/organisation.html",
        {
            "organisation": organisation,
            "form": form,
            "screens": screens,
            "languages": [language for language in LANGUAGES if language.code != "sv"],
            "example": selectors.absolute(path, organisation),
        },
        status=form_status(form),
    )
