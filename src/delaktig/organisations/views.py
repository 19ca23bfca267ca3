from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from delaktig.core.forms import form_errors, form_status

from . import services
from .forms import AccessibilityStatementForm, RetentionForm
from .models import AccessibilityStatement, Organisation
from .retention import retention_rules_save, retention_settings
from .selectors import primary_organisation


def _actor(request: HttpRequest) -> AbstractBaseUser:
    """The person acting: the views are behind ``login_required``."""
    return cast(AbstractBaseUser, request.user)


def accessibility_primary(request: HttpRequest) -> HttpResponse:
    organisation = primary_organisation()
    if organisation is None:
        raise Http404
    return accessibility(request, organisation.slug)


def accessibility(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("settings"), slug=slug)
    statement = AccessibilityStatement.objects.filter(organisation=organisation).first()
    return render(
        request,
        "organisations/accessibility.html",
        {
            "organisation": organisation,
            "statement": statement,
            "digg_url": AccessibilityStatement.DIGG_COMPLAINT_URL,
            "can_edit": request.user.has_perm(
                "organisations.change_accessibilitystatement", organisation
            ),
        },
    )


@login_required
def accessibility_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_accessibilitystatement", organisation):
        raise PermissionDenied
    statement = AccessibilityStatement.objects.filter(organisation=organisation).first()
    form = AccessibilityStatementForm(
        request.POST or None,
        instance=statement or AccessibilityStatement(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.accessibility_statement_save(
                actor=_actor(request), organisation=organisation, **form.cleaned_data
            )
            messages.success(request, _("Tillgänglighetsredogörelsen är uppdaterad."))
            return redirect("organisations:accessibility", slug=organisation.slug)
    return render(
        request,
        "organisations/accessibility_form.html",
        {"form": form, "organisation": organisation},
        status=form_status(form),
    )


@login_required
def retention_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Gallring: how long the organisation keeps each kind of personal data."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied
    settings = retention_settings(organisation=organisation)
    form = RetentionForm(request.POST or None, settings=settings)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            retention_rules_save(
                actor=_actor(request), organisation=organisation, days=form.cleaned_data
            )
            messages.success(request, _("Gallringsreglerna är sparade."))
            return redirect("organisations:retention", slug=organisation.slug)
    return render(
        request,
        "organisations/retention_form.html",
        {"form": form, "organisation": organisation, "settings": settings},
        status=form_status(form),
    )
