from typing import TypeVar, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_GET

from delaktig.core.catalogues import catalogues
from delaktig.core.forms import form_errors, form_status, markdown_preview
from delaktig.core.languages import SOURCE, language
from delaktig.core.sites import absolute_url, site_organisation
from delaktig.core.storage import stored_file_response

from . import colours, services
from .forms import AccessibilityStatementForm, BrandingForm, HostForm, RetentionForm
from .hosts import shown_host
from .models import AccessibilityStatement, Branding, Organisation
from .retention import retention_rules_save, retention_settings
from .selectors import primary_organisation

_Response = TypeVar("_Response", HttpResponse, FileResponse)


def _actor(request: HttpRequest) -> AbstractBaseUser:
    """The person acting: the views are behind ``login_required``."""
    return cast(AbstractBaseUser, request.user)


def accessibility_primary(request: HttpRequest) -> HttpResponse:
    """``/tillganglighet/``: the statement of the organisation the host is for."""
    organisation = site_organisation(request) or primary_organisation()
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
            # The interface's catalogues and their review state, and the content languages.
            "catalogues": catalogues(),
            "content_languages": [
                language(code)
                for code in getattr(organisation.settings, "content_languages", [])
                if code != SOURCE
            ]
            if hasattr(organisation, "settings")
            else [],
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
    if not markdown_preview(request, form) and request.method == "POST" and form.is_valid():
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


@login_required
def branding_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's logo and colours, checked for contrast before they are saved."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_organisation", organisation):
        raise PermissionDenied
    branding = Branding.objects.filter(organisation=organisation).first()
    form = BrandingForm(
        request.POST or None,
        request.FILES or None,
        instance=branding or Branding(organisation=organisation),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            services.branding_save(
                actor=_actor(request),
                organisation=organisation,
                primary_colour=form.cleaned_data["primary_colour"],
                accent_colour=form.cleaned_data["accent_colour"],
                logo_alt=form.cleaned_data["logo_alt"],
                logo=form.cleaned_data.get("logo") or None,
                remove_logo=bool(form.cleaned_data.get("remove_logo")),
            )
            messages.success(request, _("Profilen är sparad."))
            return redirect("organisations:branding", slug=organisation.slug)
    return render(
        request,
        "organisations/branding_form.html",
        {"form": form, "organisation": organisation, "branding": branding},
        status=form_status(form),
    )


@login_required
def host_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's own host name, for the platform administrator."""
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm("organisations.change_host", organisation):
        raise PermissionDenied
    form = HostForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            saved = services.organisation_host_save(
                actor=_actor(request), organisation=organisation, host=form.cleaned_data["host"]
            )
            messages.success(
                request,
                _("Organisationen nås nu på %(host)s.") % {"host": saved.host}
                if saved.host
                else _("Organisationen har ingen egen adress längre."),
            )
            return redirect("organisations:host", slug=organisation.slug)
    return render(
        request,
        "organisations/host_form.html",
        {
            "form": form,
            "organisation": organisation,
            "address": absolute_url("/", organisation) if organisation.host else "",
            "shown_host": shown_host(organisation.host),
        },
        status=form_status(form),
    )


def _branding_or_404(slug: str) -> Branding:
    return get_object_or_404(
        Branding.objects.select_related("organisation"), organisation__slug=slug
    )


def _branding_etag(request: HttpRequest, slug: str, **kwargs: object) -> str | None:
    version = (
        Branding.objects.filter(organisation__slug=slug).values_list("version", flat=True).first()
    )
    return None if version is None else f"brand-{slug}-{version}"


def _cache_for(response: _Response, *, current: bool) -> _Response:
    """A year when the address names the current version (a new one gets a new address),
    five minutes otherwise."""
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if current else "public, max-age=300"
    )
    return response


def brand_stylesheet_css(branding: Branding) -> str:
    """The CSS custom properties that put the organisation's colours on every page."""
    properties: list[str] = []
    if branding.primary_colour:
        properties += [
            f"--brand:{branding.primary_colour}",
            f"--brand-dark:{colours.hover_shade(branding.primary_colour)}",
            f"--brand-contrast:{colours.WHITE}",
        ]
    if branding.accent_colour:
        properties.append(f"--accent:{branding.accent_colour}")
    return ":root{" + ";".join(properties) + "}\n" if properties else ""


@require_GET
@condition(etag_func=_branding_etag)
def brand_stylesheet(request: HttpRequest, slug: str) -> HttpResponse:
    """``/organisation/<slug>/profil.css?v=<version>``: linked from every page (base.html)."""
    branding = _branding_or_404(slug)
    response = HttpResponse(brand_stylesheet_css(branding), content_type="text/css; charset=utf-8")
    return _cache_for(response, current=request.GET.get("v") == str(branding.version))


@require_GET
@condition(etag_func=_branding_etag)
def logo(request: HttpRequest, slug: str, version: int) -> FileResponse:
    """The organisation's logo as stored: a PNG re-encoded without metadata."""
    branding = _branding_or_404(slug)
    if not branding.logo:
        raise Http404
    response = stored_file_response(branding.logo, content_type="image/png")
    return _cache_for(response, current=version == branding.version)
