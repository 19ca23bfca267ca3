"""Staff pages for process templates: choose one, start a process from it, save a process as
one, edit and delete. Every page is a plain form; nothing needs JavaScript."""

from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from delaktig.accounts.decorators import staff_required
from delaktig.accounts.roles import official_organisations
from delaktig.accounts.types import User
from delaktig.core.confirm import confirm_required
from delaktig.core.forms import form_errors, form_status

from . import registry, templates_services
from .models import LadderStep, Process, ProcessTemplate
from .templates_forms import ProcessTemplateForm, TemplateProcessForm, initial_from_template
from .templates_spec import PlannedPhase, schedule, spec_to_toml


@dataclass(frozen=True)
class TemplateCard:
    """What the chooser says about a template."""

    template: ProcessTemplate
    ladder_step: int
    ladder_label: str
    modules: list[str]
    phases: list[str]
    days: int
    can_change: bool


def _card(template: ProcessTemplate, user: Any) -> TemplateCard:
    spec = template.spec
    step = LadderStep(spec["process"]["ladder_step"])
    modules = []
    for item in spec.get("modules", []):
        try:
            kind = str(registry.get(item["kind"]).name)
        except KeyError:
            kind = item["kind"]
        modules.append(item["title"] if item["title"] == kind else f"{item['title']} ({kind})")
    phases = spec.get("phases", [])
    return TemplateCard(
        template=template,
        ladder_step=step.value,
        ladder_label=str(step.label),
        modules=modules,
        phases=[p["name"] for p in phases],
        days=max((p["start_day"] + p["days"] for p in phases), default=0),
        can_change=user.has_perm("participation.change_processtemplate", template),
    )


def template_chooser(request: HttpRequest) -> HttpResponse:
    """The first step of "Ny process": a template, or an empty form."""
    templates = ProcessTemplate.objects.usable_by(request.user).select_related("organisation")
    return render(
        request,
        "staff/process_template_choose.html",
        {"cards": [_card(t, request.user) for t in templates]},
    )


def _usable_template(request: HttpRequest, template_pk: int) -> ProcessTemplate:
    template = get_object_or_404(ProcessTemplate, pk=template_pk)
    if not request.user.has_perm("participation.use_processtemplate", template):
        raise PermissionDenied
    return template


def _planned(template: ProcessTemplate, form: TemplateProcessForm) -> tuple[date, list[Any]]:
    """The phases with the dates the form's start day gives (today until one is chosen)."""
    start = form.initial.get("starts_on") or timezone.localdate()
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["starts_on"]
    rows: list[tuple[PlannedPhase, str]] = []
    titles = {m["key"]: m["title"] for m in template.spec.get("modules", [])}
    for planned in schedule(template.spec, start):
        rows.append((planned, titles.get(planned.module, "")))
    return start, rows


@staff_required
def process_create_from_template(request: HttpRequest, template_pk: int) -> HttpResponse:
    """The process form prefilled from a template; nothing is saved until it is sent."""
    template = _usable_template(request, template_pk)
    organisations = official_organisations(request.user)
    if template.organisation_id is not None:
        organisations = organisations.filter(pk=template.organisation_id)
    if not organisations.exists():
        raise PermissionDenied
    today = timezone.localdate()
    form = TemplateProcessForm(
        request.POST or None,
        organisations=organisations,
        initial=initial_from_template(template, organisations, today),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            process = templates_services.process_create_from_template(
                actor=cast(User, request.user), template=template, **form.cleaned_data
            )
            messages.success(
                request,
                _("Processen är sparad som utkast med mallens faser och deltagandeformer."),
            )
            return redirect("staff:process", pk=process.pk)
    start, planned = _planned(template, form)
    return render(
        request,
        "staff/process_template_form.html",
        {
            "form": form,
            "template": template,
            "card": _card(template, request.user),
            "start": start,
            "planned": planned,
        },
        status=form_status(form),
    )


@staff_required
def process_save_as_template(request: HttpRequest, pk: int) -> HttpResponse:
    process = get_object_or_404(Process.objects.select_related("organisation"), pk=pk)
    if not (
        request.user.has_perm("participation.change_process", process)
        and request.user.has_perm("participation.add_processtemplate", process.organisation)
    ):
        raise PermissionDenied
    form = ProcessTemplateForm(request.POST or None, initial={"name": process.title})
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            template = templates_services.process_template_from_process(
                actor=cast(User, request.user), process=process, **form.cleaned_data
            )
            messages.success(
                request,
                _("Mallen ”%(name)s” är sparad. Den finns under Ny process.")
                % {"name": template.name},
            )
            return redirect("staff:process", pk=process.pk)
    return render(
        request,
        "staff/process_template_save.html",
        {"form": form, "process": process},
        status=form_status(form),
    )


def _changeable_template(request: HttpRequest, template_pk: int) -> ProcessTemplate:
    template = get_object_or_404(
        ProcessTemplate.objects.select_related("organisation"), pk=template_pk
    )
    if not request.user.has_perm("participation.change_processtemplate", template):
        raise PermissionDenied
    return template


@staff_required
def process_template_edit(request: HttpRequest, template_pk: int) -> HttpResponse:
    template = _changeable_template(request, template_pk)
    form = ProcessTemplateForm(
        request.POST or None,
        with_content=True,
        initial={
            "name": template.name,
            "description": template.description,
            "content": spec_to_toml(template.spec),
        },
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form):
            templates_services.process_template_update(
                actor=cast(User, request.user), template=template, **form.cleaned_data
            )
            messages.success(request, _("Mallen är sparad."))
            return redirect("staff:process_create")
    return render(
        request,
        "staff/process_template_edit.html",
        {"form": form, "template": template},
        status=form_status(form),
    )


@staff_required
@require_POST
def process_template_delete(request: HttpRequest, template_pk: int) -> HttpResponse:
    """Asks first (``confirm_required``). Processes made from the template are not touched."""
    template = _changeable_template(request, template_pk)
    if page := confirm_required(
        request,
        question=_("Vill du verkligen ta bort mallen ”%(name)s”?") % {"name": template.name},
        consequence=_(
            "Mallen kan inte återställas. Processer som redan har startats från den ändras inte."
        ),
        cancel_url=reverse("staff:template_edit", args=[template.pk]),
        confirm_label=_("Ta bort mallen"),
    ):
        return page
    templates_services.process_template_delete(actor=cast(User, request.user), template=template)
    messages.success(request, _("Mallen ”%(name)s” är borttagen.") % {"name": template.name})
    return redirect("staff:process_create")
