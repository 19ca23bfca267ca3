from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from delaktig.core import errors
from delaktig.core.audit import audit_log

from .forms import AccessibilityStatementForm, OrganisationSettingsForm, RetentionForm
from .models import AccessibilityStatement, Organisation, OrganisationSettings
from .retention import retention_rules_save, retention_settings
from .selectors import primary_organisation


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
        with transaction.atomic():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.save()
            audit_log(
                actor=request.user,
                action="accessibility_statement.update",
                target=saved,
                organisation=organisation,
            )
        messages.success(request, _("Tillgänglighetsredogörelsen är uppdaterad."))
        return redirect("organisations:accessibility", slug=organisation.slug)
    return render(
        request,
        "organisations/accessibility_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def settings_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied
    instance, _created = OrganisationSettings.objects.get_or_create(organisation=organisation)
    form = OrganisationSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
            audit_log(
                actor=request.user,
                action="organisation_settings.update",
                target=saved,
                organisation=organisation,
                data={"changed": form.changed_data},
            )
        messages.success(request, _("Inställningarna är sparade."))
        return redirect("organisations:settings", slug=organisation.slug)
    return render(
        request,
        "organisations/settings_form.html",
        {"form": form, "organisation": organisation},
        status=400 if form.errors else 200,
    )


@login_required
def retention_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Gallring: how long the organisation keeps each kind of personal data."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied
    settings = retention_settings(organisation)
    form = RetentionForm(request.POST or None, settings=settings)
    if request.method == "POST" and form.is_valid():
        try:
            retention_rules_save(
                actor=request.user, organisation=organisation, days=form.cleaned_data
            )
        except errors.DelaktigError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Gallringsreglerna är sparade."))
            return redirect("organisations:retention", slug=organisation.slug)
    return render(
        request,
        "organisations/retention_form.html",
        {"form": form, "organisation": organisation, "settings": settings},
        status=400 if form.errors else 200,
    )
